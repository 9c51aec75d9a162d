// Command reportbench measures report latency over a database filled by
// `hotline simulate` (bench/report-bench.sh runs it): it brings the
// rollups up to date (timed), then runs each report of a month N times as
// the administrator and prints p50 and p99, next to one full scan of the
// month's call records on the same database — the floor a report without
// rollups could not beat.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "reportbench:", err)
		os.Exit(1)
	}
}

func run() error {
	dbURL := flag.String("db", "", "database URL (sqlite://… or postgres://…)")
	from := flag.String("from", "", "first day of the month, YYYY-MM-DD")
	days := flag.Int("days", 30, "days in the period")
	n := flag.Int("n", 20, "runs of each report")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	db, err := store.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	eng := report.New(db, org.NewService(db), queues.New(db), log)
	if err := eng.Start(ctx); err != nil {
		return err
	}
	s, err := eng.Settings(ctx)
	if err != nil {
		return err
	}
	start, err := time.ParseInLocation("2006-01-02", *from, s.Location())
	if err != nil {
		return fmt.Errorf("-from: %w", err)
	}
	end := start.AddDate(0, 0, *days)
	t0 := time.Now()
	if err := eng.Sync(ctx); err != nil {
		return err
	}
	fmt.Printf("dialect %s; rollups brought up to date in %.1f s\n", db.Dialect, time.Since(t0).Seconds())
	// Fresh statistics for the tables just filled, as autovacuum would
	// gather them (the build box's PostgreSQL runs with autovacuum off, and
	// plans made with the statistics of empty tables scan everything).
	if db.Dialect == store.Postgres {
		t1 := time.Now()
		if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
			return err
		}
		fmt.Printf("ANALYZE in %.1f s\n", time.Since(t1).Seconds())
	}
	var calls int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM cdrs WHERE started_at >= $1 AND started_at < $2`,
		start.UnixMilli(), end.UnixMilli()).Scan(&calls); err != nil {
		return err
	}
	fmt.Printf("%d calls from %s to %s\n\n", calls, start.Format("2006-01-02"), end.Format("2006-01-02"))
	admin := org.System()
	queries := []struct {
		name string
		q    report.Query
	}{
		{"month by day", report.Query{From: start, To: end, Interval: report.IntDay}},
		{"month by agent", report.Query{From: start, To: end, Interval: report.IntTotal, GroupBy: report.GroupAgent}},
		{"month by queue and day", report.Query{From: start, To: end, Interval: report.IntDay, GroupBy: report.GroupQueue}},
		{"month by team and week", report.Query{From: start, To: end, Interval: report.IntWeek, GroupBy: report.GroupTeam}},
		{"month by customer source", report.Query{From: start, To: end, Interval: report.IntTotal, GroupBy: report.GroupSource}},
		{"month by hour of day", report.Query{From: start, To: end, Interval: report.IntHourOfDay}},
		{"week by half hour", report.Query{From: end.AddDate(0, 0, -7), To: end, Interval: report.Int30m}},
	}
	fmt.Printf("%-28s %10s %10s %8s\n", "report", "p50 ms", "p99 ms", "rows")
	for _, q := range queries {
		var ds []time.Duration
		rows := 0
		for i := 0; i < *n; i++ {
			t := time.Now()
			res, err := eng.Report(ctx, admin, q.q)
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			ds = append(ds, time.Since(t))
			rows = len(res.Rows)
		}
		p50, p99 := pct(ds, 50), pct(ds, 99)
		fmt.Printf("%-28s %10.1f %10.1f %8d\n", q.name, ms(p50), ms(p99), rows)
	}
	var ds []time.Duration
	for i := 0; i < *n; i++ {
		t := time.Now()
		var c, w, tk int64
		if err := db.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(wait_ms), 0), COALESCE(sum(talk_ms), 0) FROM cdrs
			WHERE started_at >= $1 AND started_at < $2`, start.UnixMilli(), end.UnixMilli()).Scan(&c, &w, &tk); err != nil {
			return err
		}
		ds = append(ds, time.Since(t))
	}
	fmt.Printf("%-28s %10.1f %10.1f\n", "floor: one scan of the calls", ms(pct(ds, 50)), ms(pct(ds, 99)))
	return nil
}

func pct(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
