package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/examples"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/provision"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
)

// provisionDemo gives the data dir's database the demo call center, as
// the server's first start does.
func provisionDemo(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.Join(dir, "hotline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	o := org.NewService(db)
	o.Hasher = password.Fast
	if err := o.SyncBuiltinRoles(ctx); err != nil {
		t.Fatal(err)
	}
	doc, err := provision.Parse("demo.yaml", examples.Demo, func(string) string { return "demo-password-1" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provision.Apply(ctx, provision.Deps{DB: db, Org: o, PBX: pbx.NewService(db), Queues: queues.New(db), DataDir: dir},
		doc, org.System()); err != nil {
		t.Fatal(err)
	}
}

func TestSimulateCommand(t *testing.T) {
	dir := t.TempDir()
	provisionDemo(t, dir)
	env := map[string]string{"HOTLINE_DATA_DIR": dir}
	getenv := func(k string) string { return env[k] }
	day := time.Now().AddDate(0, 0, -3).Format(time.DateOnly)
	next := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
	args := []string{"simulate", "-from", day, "-to", next, "-calls-per-day", "50", "-agents", "5", "-seed", "7"}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, getenv, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "5 agents (5 new, 1 leaving)") || !strings.Contains(out.String(), "simulate: done: ") {
		t.Fatalf("output:\n%s", out.String())
	}
	n := storedCalls(t, dir, day)
	if n < 50 {
		t.Fatalf("%d calls stored", n)
	}
	// The month's cost is entered (5 agents × ¥12,000) and the reports
	// are up to date: no bucket is left for the worker.
	if !strings.Contains(out.String(), ": 60000.00") || !strings.Contains(out.String(), "simulate: reports up to date") {
		t.Fatalf("output:\n%s", out.String())
	}
	if dirty := count(t, dir, `SELECT count(*) FROM rep_dirty WHERE kind IN ('calls', 'agents')`); dirty != 0 {
		t.Errorf("%d dirty buckets after simulate", dirty)
	}
	if rolled := count(t, dir, `SELECT COALESCE(sum(calls), 0) FROM rep_calls_15m WHERE lvl = 'a'`); rolled != n {
		t.Errorf("the rollups hold %d calls, the records %d", rolled, n)
	}
	err := run(context.Background(), args, getenv, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "-replace") {
		t.Fatalf("a second run over the period: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), append(args, "-replace"), getenv, &out, &errOut); err != nil {
		t.Fatalf("-replace: %v", err)
	}
	if m := storedCalls(t, dir, day); m != n || !strings.Contains(out.String(), "5 agents (0 new, 1 leaving)") {
		t.Fatalf("after -replace %d calls (before %d):\n%s", m, n, out.String())
	}
}

func storedCalls(t *testing.T, dir, day string) int {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.Join(dir, "hotline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from, _ := time.Parse(time.DateOnly, day) // a day around it whatever the reports' time zone
	_, n, err := calllog.CDRs(ctx, db, org.Scope{Kind: org.ScopeAll}, calllog.CDRFilter{Since: from.AddDate(0, 0, -1), Until: from.AddDate(0, 0, 3)})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSimulatePeriod(t *testing.T) {
	now := time.Date(2025, 3, 10, 14, 37, 0, 0, time.UTC)
	tests := []struct {
		days       int
		from, to   string
		start, end string
		err        string
	}{
		{days: 7, start: "2025-03-03 14:30", end: "2025-03-10 14:30"},
		{from: "2025-03-01", to: "2025-03-02", start: "2025-03-01 00:00", end: "2025-03-03 00:00"},
		{from: "2025-03-09", start: "2025-03-09 00:00", end: "2025-03-10 14:30"},
		{from: "2025-03-09", to: "2025-03-10", err: "future"},
		{to: "2025-03-02", err: "-to needs -from"},
		{from: "2025-03-02", to: "2025-03-01", err: "before"},
		{from: "March", err: "YYYY-MM-DD"},
		{days: 0, err: "-days"},
	}
	for _, tt := range tests {
		start, end, err := simPeriod(tt.days, tt.from, tt.to, now, time.UTC)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%+v: error %v, want %q", tt, err, tt.err)
			}
			continue
		}
		if err != nil || start.Format("2006-01-02 15:04") != tt.start || end.Format("2006-01-02 15:04") != tt.end {
			t.Errorf("%+v: %s – %s %v", tt, start, end, err)
		}
	}
}

// count runs a query that returns one number on the data dir's database.
func count(t *testing.T, dir, query string) int {
	t.Helper()
	db, err := store.Open(context.Background(), "sqlite://"+filepath.Join(dir, "hotline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
