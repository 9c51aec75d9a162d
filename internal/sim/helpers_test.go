package sim

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/examples"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/provision"
)

// shanghai is the tests' local time: fixed, so that profiles do not
// depend on the machine's zone.
var shanghai = time.FixedZone("CST", 8*3600)

// demoWorld is the demo call center (examples/demo.yaml) with n
// simulated agents in one department and their schedule.
func demoWorld(t testing.TB, n int, cfg Config) *World {
	t.Helper()
	doc, err := provision.Parse("demo.yaml", examples.Demo, func(string) string { return "secret-password" })
	if err != nil {
		t.Fatal(err)
	}
	w := &World{Flows: map[string]*ivr.Flow{}, Trunk: "local"}
	for _, q := range doc.Queues {
		qq := QueueOf(q.Queue, nil)
		qq.DepartmentID = 1
		w.Queues = append(w.Queues, qq)
	}
	for _, f := range doc.Flows {
		w.Flows[f.Name] = f
	}
	for _, num := range doc.Numbers {
		w.Routes = append(w.Routes, Route{Number: num.Number, Kind: string(num.RouteKind), Target: num.RouteTarget})
	}
	for i := range n {
		w.Agents = append(w.Agents, Agent{ID: int64(100 + i), Extension: fmt.Sprintf("6%05d", i), TeamID: int64(1 + i/15), DepartmentID: 1})
	}
	cfg.defaults()
	w.Shifts = Schedule(w.Agents, nil, cfg)
	return w
}

func itoaExt(i int) string {
	return "6" + string(rune('0'+i/10000%10)) + string(rune('0'+i/1000%10)) + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

// week is a Monday-to-Monday week in the tests' zone.
func week() Config {
	from := time.Date(2025, 3, 3, 0, 0, 0, 0, shanghai)
	return Config{From: from, To: from.AddDate(0, 0, 7), Location: shanghai, CallsPerDay: 1500, Seed: 1}
}

// generate runs a simulation and collects its output.
func generate(t testing.TB, w *World, cfg Config) ([]Call, []calllog.AgentEvent, Stats) {
	t.Helper()
	var calls []Call
	var agents []calllog.AgentEvent
	st, err := Generate(context.Background(), w, cfg, func(c []Call, a []calllog.AgentEvent) error {
		calls = append(calls, c...)
		agents = append(agents, a...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return calls, agents, st
}

// weekRun is the demo week with 30 agents, generated once for the tests
// that only look at it.
var weekRun struct {
	once   sync.Once
	w      *World
	calls  []Call
	agents []calllog.AgentEvent
	stats  Stats
}

func demoWeek(t testing.TB) (*World, []Call, []calllog.AgentEvent, Stats) {
	weekRun.once.Do(func() {
		cfg := week()
		weekRun.w = demoWorld(t, 30, cfg)
		weekRun.calls, weekRun.agents, weekRun.stats = generate(t, weekRun.w, cfg)
	})
	if weekRun.calls == nil {
		t.Fatal("the demo week did not generate")
	}
	return weekRun.w, weekRun.calls, weekRun.agents, weekRun.stats
}

// BenchmarkGenerate measures the simulation alone (no database): a week
// of the demo center at 20,000 calls a day with 400 agents.
func BenchmarkGenerate(b *testing.B) {
	cfg := week()
	cfg.CallsPerDay = 20000
	w := demoWorld(b, 400, cfg)
	b.ResetTimer()
	var n int64
	for range b.N {
		st, err := Generate(context.Background(), w, cfg, func([]Call, []calllog.AgentEvent) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		n += st.Calls
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "calls/s")
}
