package app_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/bus"
)

// Early warning end to end: the administrator sets a low threshold on the
// support queue through the API; three callers dial 8002 while no agent is
// ready and pile up; the alert opens (the API shows it active, the history
// has its start and peak) and closes once after the callers hang up — one
// episode, published on the bus as it opened and closed.
func TestAlertWhenCallsPileUp(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	n.app.Mgmt.Alerts.Eval.SetInterval(200 * time.Millisecond)
	var mu sync.Mutex
	var events []string
	sub, err := n.app.Bus.Subscribe(context.Background(), "hotline.alert.>", func(e bus.Event) {
		var nt alert.Notice
		if e.Decode(&nt) == nil && nt.Queue == "support" && nt.Metric == alert.MetricWaiting {
			mu.Lock()
			events = append(events, string(nt.Event))
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()

	admin := n.as("admin")
	q, err := n.app.Queues.ByName(context.Background(), "support")
	if err != nil {
		t.Fatal(err)
	}
	qid := strconv.FormatInt(q.ID, 10)
	var qr alert.QueueRules
	admin.must(200, "PUT", "/alerts/rules/queues/"+qid, alert.RulesInput{Rules: []alert.RuleInput{
		{Metric: alert.MetricWaiting, Enabled: true, Warning: 1, Critical: 2, Hysteresis: 0, HoldSec: 0}}}, &qr)
	if qr.Rules[0].Metric != alert.MetricWaiting || qr.Rules[0].Inherited || qr.Rules[0].Warning != 1 {
		t.Fatalf("rules after the change: %+v", qr.Rules)
	}

	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_pileup.xml", `timeout="[timeout_ms]"`, `timeout="8000"`)
	callers := n.startSipp(dir, sc, "-s", "8002", "-m", "3", "-l", "3", "-r", "10", "-key", "rtpport", sink.port(),
		"-p", strconv.Itoa(freePort(t)))

	waiting := func() *alert.Episode {
		var act []alert.Episode
		admin.must(200, "GET", "/alerts/active", nil, &act)
		for i := range act {
			if act[i].Queue == "support" && act[i].Metric == alert.MetricWaiting {
				return &act[i]
			}
		}
		return nil
	}
	var open *alert.Episode
	waitFor(t, 20*time.Second, "a critical alert on support's waiting callers", func() bool {
		open = waiting()
		return open != nil && open.Current == alert.LevelCritical
	})
	if open.Peak < 3 || open.StartedAt.IsZero() || !open.Open() || open.DepartmentID != q.DepartmentID {
		t.Errorf("open alert %+v", open)
	}
	var hist struct {
		Items []alert.Episode
		Total int
	}
	admin.must(200, "GET", "/alerts/history?metric=waiting&queue_id="+qid, nil, &hist)
	if hist.Total != 1 || hist.Items[0].ID != open.ID || hist.Items[0].StartedAt.IsZero() || hist.Items[0].Peak < 3 {
		t.Errorf("history while open: %+v", hist)
	}

	callers.wait(t, 30*time.Second) // they hang up after 8 s
	waitFor(t, 15*time.Second, "the alert to close", func() bool { return waiting() == nil })
	admin.must(200, "GET", "/alerts/history?metric=waiting&queue_id="+qid, nil, &hist)
	if hist.Total != 1 {
		t.Fatalf("%d episodes, want one: %+v", hist.Total, hist.Items)
	}
	e := hist.Items[0]
	if e.EndedAt == nil || !e.EndedAt.After(e.StartedAt) || e.Peak != 3 || e.Level != alert.LevelCritical {
		t.Errorf("closed episode %+v", e)
	}
	waitFor(t, 5*time.Second, "the closing on the bus", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(events) > 0 && events[len(events)-1] == string(alert.EventClosed)
	})
	mu.Lock()
	defer mu.Unlock()
	opened, closed := 0, 0
	for _, ev := range events {
		switch ev {
		case string(alert.EventOpened):
			opened++
		case string(alert.EventClosed):
			closed++
		}
	}
	if opened != 1 || closed != 1 {
		t.Errorf("bus events %v: want one opening and one closing", events)
	}
}
