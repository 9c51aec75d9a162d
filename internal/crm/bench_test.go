package crm

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// benchRows is the size of the benchmarks' files (CRM_BENCH_ROWS, default
// 100,000).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("CRM_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

func forDialects(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, storetest.Postgres(b)) })
}

// peakHeap samples the heap while fn runs and returns its peak in MB.
func peakHeap(fn func()) float64 {
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, m.HeapInuse)
				mu.Unlock()
			}
		}
	}()
	fn()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	return float64(peak) / (1 << 20)
}

// BenchmarkCRMImport imports a generated XLSX of benchRows rows (1% bad,
// lenient mode) and deletes the batch again between iterations.
//
//	go test -run '^$' -bench CRMImport -benchtime 1x ./internal/crm/
func BenchmarkCRMImport(b *testing.B) {
	forDialects(b, func(b *testing.B, db *store.DB) {
		f := newFixture(b, db)
		n := benchRows()
		existing := make([]string, dupExistingCount(n))
		for i := range existing {
			existing[i] = fmt.Sprintf("188%08d", i)
			f.customer(f.admin, fmt.Sprintf("老客户%d", i), existing[i])
		}
		s := writeSheet(b, b.TempDir(), n, existing)
		runtime.GC()
		b.ResetTimer()
		var heap float64
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			file, err := os.Open(s.path)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			var batch *Batch
			heap = max(heap, peakHeap(func() {
				up, err := f.svc.Upload(f.ctx, f.admin, UploadInput{FileName: filepath.Base(s.path)}, file)
				if err != nil {
					b.Fatal(err)
				}
				batch = f.runImport(f.admin, up.ID, ImportOptions{Mapping: []string{"name", "phones", "company", "level", "source", "tags", ""},
					Mode: ModeLenient})
			}))
			elapsed += time.Since(start)
			file.Close()
			if batch.Imported != n-len(s.bad) {
				b.Fatalf("imported %d", batch.Imported)
			}
			b.StopTimer()
			if _, err := f.svc.DeleteBatch(f.ctx, f.admin, batch.ID); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(heap, "peak-heap-MB")
	})
}

// BenchmarkCRMAllocate allocates benchRows customers evenly to 20 agents
// (alternating between two groups of 10, so every iteration moves them all),
// logging every move.
//
//	go test -run '^$' -bench CRMAllocate -benchtime 1x ./internal/crm/
func BenchmarkCRMAllocate(b *testing.B) {
	forDialects(b, func(b *testing.B, db *store.DB) {
		f := newFixture(b, db)
		n := benchRows()
		s := writeSheet(b, b.TempDir(), n, []string{"18800000000"})
		file, _ := os.Open(s.path)
		up := must[*Batch](b)(f.svc.Upload(f.ctx, f.admin, UploadInput{FileName: "all.xlsx"}, file))
		file.Close()
		imported := f.runImport(f.admin, up.ID, ImportOptions{Mapping: []string{"name", "phones"}, Mode: ModeLenient}).Imported
		groups := [2][]Target{}
		for i := 0; i < 20; i++ {
			a := f.user(fmt.Sprintf("bench%02d", i), org.RoleAgent, 0, f.teamA1)
			groups[i%2] = append(groups[i%2], Target{Kind: TargetAgent, ID: a.UserID})
		}
		moved := 0
		var heap float64
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			heap = max(heap, peakHeap(func() {
				res, err := f.svc.Allocate(f.ctx, f.admin, AllocateInput{Filter: &Filter{BatchID: up.ID}, Mode: ModeEven,
					Targets: groups[i%2], Reason: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				moved += res.Moved
			}))
		}
		elapsed := time.Since(start)
		if moved != imported*b.N {
			b.Fatalf("moved %d", moved)
		}
		b.ReportMetric(float64(moved)/elapsed.Seconds(), "customers/s")
		b.ReportMetric(heap, "peak-heap-MB")
	})
}
