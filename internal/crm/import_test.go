package crm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// badKinds are the defects the generated file carries, one per bad row.
var badKinds = []string{CodeBadPhone, CodeRequired, CodeBadChoice, CodeDuplicateInFile, CodeDuplicatePhone}

// sheet is a generated import file and what the importer must find in it.
type sheet struct {
	path    string
	rows    int
	bad     map[int]string // line → expected error code
	goodTel []string       // E.164 of the good rows
}

// writeSheet generates an XLSX of n data rows in dir: 1% bad rows, the
// kinds in turn; the duplicates of existing customers use existing[k].
func writeSheet(t testing.TB, dir string, n int, existing []string) *sheet {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"姓名", "手机", "公司", "客户等级", "来源", "标签", "行业"})
	s := &sheet{path: filepath.Join(dir, fmt.Sprintf("customers-%d.xlsx", n)), rows: n, bad: map[int]string{}}
	nextExisting := 0
	for i := 0; i < n; i++ {
		line := i + 2
		name, phone, level := fmt.Sprintf("客户%06d", i), fmt.Sprintf("13%09d", i), []string{"A", "B", "C", "D"}[i%4]
		if i%100 == 50 {
			kind := badKinds[(i/100)%len(badKinds)]
			s.bad[line] = kind
			switch kind {
			case CodeBadPhone:
				phone = "12345"
			case CodeRequired:
				name = ""
			case CodeBadChoice:
				level = "Z"
			case CodeDuplicateInFile:
				phone = fmt.Sprintf("13%09d", i-1)
			case CodeDuplicatePhone:
				phone = existing[nextExisting%len(existing)]
				nextExisting++
			}
		} else {
			s.goodTel = append(s.goodTel, "+86"+phone)
		}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		if err := sw.SetRow(cell, []any{name, phone, "公司" + fmt.Sprint(i%97), level, "网站", "导入,测试", []string{"教育", "医疗"}[i%2]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(s.path); err != nil {
		t.Fatal(err)
	}
	return s
}

// dupExistingCount is how many rows of an n-row sheet duplicate existing customers.
func dupExistingCount(n int) int {
	c := 0
	for i := 50; i < n; i += 100 {
		if badKinds[(i/100)%len(badKinds)] == CodeDuplicatePhone {
			c++
		}
	}
	return c
}

func (f *fixture) countCustomers(where string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, `SELECT count(*) FROM customers WHERE `+where, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// runImport starts an import and waits for it.
func (f *fixture) runImport(a *org.Actor, id int64, opts ImportOptions) *Batch {
	f.t.Helper()
	if _, err := f.svc.StartImport(f.ctx, a, id, opts); err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Minute)
	defer cancel()
	if err := f.svc.WaitImport(ctx, id); err != nil {
		f.t.Fatal(err)
	}
	return must[*Batch](f.t)(f.svc.Batch(f.ctx, a, id))
}

// checkReport compares the batch's errors with the sheet's bad rows.
func (f *fixture) checkReport(a *org.Actor, b *Batch, s *sheet) {
	f.t.Helper()
	errs, total, err := f.svc.BatchErrors(f.ctx, a, b.ID, 100_000, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	if total != len(s.bad) || len(errs) != len(s.bad) {
		f.t.Fatalf("%d errors reported, %d bad rows in the file", total, len(s.bad))
	}
	for _, e := range errs {
		if want := s.bad[e.Line]; want != e.Code {
			f.t.Fatalf("line %d: reported %s (%s), want %q", e.Line, e.Code, e.Reason, want)
		}
		if e.Reason == "" || e.Field == "" {
			f.t.Fatalf("line %d: no reason or field: %+v", e.Line, e)
		}
	}
}

func importAtScale(t *testing.T, n int) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		must[*Field](t)(f.svc.CreateField(ctx, f.admin, FieldInput{Key: "industry", Label: "行业", Kind: FieldChoice, Choices: []string{"教育", "医疗"}}))
		existing := make([]string, dupExistingCount(n))
		for i := range existing {
			existing[i] = fmt.Sprintf("188%08d", i)
			f.customer(f.admin, fmt.Sprintf("老客户%d", i), existing[i])
		}
		before := f.countCustomers("1=1")
		start := time.Now()
		s := writeSheet(t, t.TempDir(), n, existing)
		t.Logf("generated %d rows in %v", n, time.Since(start))
		file, err := os.Open(s.path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.Upload(ctx, f.admin, UploadInput{FileName: filepath.Base(s.path), Name: "第一批"}, file)
		file.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{ColName, ColPhones, ColCompany, ColLevel, ColSource, ColTags, "custom:industry"}
		if fmt.Sprint(b.Preview.Mapping) != fmt.Sprint(want) || len(b.Preview.Rows) != PreviewRows {
			t.Fatalf("preview %+v", b.Preview)
		}
		// Progress is visible while it runs, and other users keep writing.
		var mu sync.Mutex
		var seen []Batch
		chunks := 0
		f.svc.importHook = func(phase string) {
			mu.Lock()
			defer mu.Unlock()
			chunks++
			if cur, err := f.svc.Batch(ctx, f.admin, b.ID); err == nil {
				seen = append(seen, *cur)
			}
			if chunks == 3 {
				wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				defer cancel()
				if _, err := f.svc.Create(wctx, f.agentB, CustomerInput{Name: "导入期间", Phones: []string{"17700177000"}}); err != nil {
					t.Errorf("a user could not write during the import: %v", err)
				}
			}
		}
		start = time.Now()
		strict := f.runImport(f.admin, b.ID, ImportOptions{Mapping: b.Preview.Mapping})
		t.Logf("strict run over %d rows: %v", n, time.Since(start))
		f.svc.importHook = nil
		if strict.Status != BatchRejected || strict.Imported != 0 || strict.RowsInvalid != len(s.bad) || strict.RowsValid != n-len(s.bad) {
			t.Fatalf("strict: %+v", strict)
		}
		if got := f.countCustomers("1=1"); got != before+1 {
			t.Fatalf("strict mode applied something: %d customers, want %d", got, before+1)
		}
		f.checkReport(f.admin, strict, s)
		progress := 0
		for _, sb := range seen {
			if sb.Status == BatchRunning && sb.Progress > 0 && sb.Progress < 100 && sb.RowsRead > 0 {
				progress++
			}
		}
		if progress == 0 {
			t.Fatalf("no progress seen while running: %+v", seen)
		}
		// Lenient: exactly the good rows.
		start = time.Now()
		lenient := f.runImport(f.admin, b.ID, ImportOptions{Mapping: b.Preview.Mapping, Mode: ModeLenient})
		t.Logf("lenient run over %d rows: %v", n, time.Since(start))
		if lenient.Status != BatchDone || lenient.Imported != n-len(s.bad) || lenient.RowsInvalid != len(s.bad) {
			t.Fatalf("lenient: %+v", lenient)
		}
		f.checkReport(f.admin, lenient, s)
		if got := f.countCustomers("batch_id = $1", b.ID); got != n-len(s.bad) {
			t.Fatalf("%d customers carry the batch, want %d", got, n-len(s.bad))
		}
		var phones []string
		rows, _ := db.QueryContext(ctx, `SELECT p.e164 FROM customer_phones p JOIN customers c ON c.id = p.customer_id WHERE c.batch_id = $1`, b.ID)
		for rows.Next() {
			var e string
			rows.Scan(&e)
			phones = append(phones, e)
		}
		rows.Close()
		sort.Strings(phones)
		good := append([]string(nil), s.goodTel...)
		sort.Strings(good)
		if strings.Join(phones, ",") != strings.Join(good, ",") {
			t.Fatalf("imported numbers differ from the good rows (%d vs %d)", len(phones), len(good))
		}
		one := must[[]Customer](t)(f.svc.Lookup(ctx, f.admin, "130 0000 0007"))
		if len(one) != 1 || one[0].Name != "客户000007" || one[0].Level != "D" || one[0].Source != "web" ||
			one[0].Custom["industry"] != "医疗" || strings.Join(one[0].Tags, ",") != "导入,测试" {
			t.Fatalf("row 9 imported as %+v", one)
		}
		if _, err := f.svc.StartImport(ctx, f.admin, b.ID, ImportOptions{Mapping: b.Preview.Mapping}); err == nil {
			t.Fatal("a finished batch was imported again")
		}
		// Deleting the batch removes exactly what it created.
		start = time.Now()
		deleted, err := f.svc.DeleteBatch(ctx, f.admin, b.ID)
		if err != nil || deleted != n-len(s.bad) {
			t.Fatalf("delete batch: %d %v", deleted, err)
		}
		t.Logf("deleted %d customers in %v", deleted, time.Since(start))
		if got := f.countCustomers("1=1"); got != before+1 {
			t.Fatalf("%d customers after deleting the batch, want %d", got, before+1)
		}
		if _, err := f.svc.Batch(ctx, f.admin, b.ID); err == nil {
			t.Fatal("the batch survived its deletion")
		}
	})
}

func TestImport10k(t *testing.T) { importAtScale(t, 10_000) }

// TestImport100k runs the full-size import. It is skipped with -short and
// under the race detector (where it would take minutes); TestImport10k
// covers the same paths there.
func TestImport100k(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("100,000 rows: run without -race and -short (TestImport10k covers the same paths)")
	}
	importAtScale(t, 100_000)
}
