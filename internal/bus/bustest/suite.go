package bustest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/bus"
)

// Run runs the conformance suite: each subtest gets its own backend.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"RoundTrip", testRoundTrip},
		{"Defaults", testDefaults},
		{"Wildcards", testWildcards},
		{"NoHistory", testNoHistory},
		{"Order", testOrder},
		{"MultipleSubscribers", testMultipleSubscribers},
		{"ConcurrentPublishers", testConcurrentPublishers},
		{"Unsubscribe", testUnsubscribe},
		{"UnsubscribeInHandler", testUnsubscribeInHandler},
		{"ContextEndsSubscription", testContextEnds},
		{"SlowSubscriberDropsOldest", testSlowSubscriber},
		{"HandlerPanic", testHandlerPanic},
		{"CloseDrains", testCloseDrains},
		{"CloseTimeout", testCloseTimeout},
		{"Closed", testClosed},
		{"BadInput", testBadInput},
	}
	if h.Shared {
		tests = append(tests, struct {
			name string
			fn   func(t *testing.T, open Opener)
		}{"TwoNodes", testTwoNodes})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, h.Setup(t))
		})
	}
}

// quiet keeps expected warnings (drops, panics) out of the test output.
var quiet = slog.New(slog.DiscardHandler)

// Publish publishes a new event and returns it (ID set), failing t on error.
func Publish(t testing.TB, b bus.Bus, subject, typ string, data any) bus.Event {
	t.Helper()
	ev, err := bus.NewEvent(subject, typ, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), ev); err != nil {
		t.Fatalf("publish %s %s: %v", subject, typ, err)
	}
	return ev
}

// Subscribe subscribes a new Collector to pattern, failing t on error.
func Subscribe(t testing.TB, b bus.Bus, pattern string) (*Collector, bus.Subscription) {
	t.Helper()
	c := NewCollector()
	sub, err := b.Subscribe(context.Background(), pattern, c.Handle)
	if err != nil {
		t.Fatalf("subscribe %s: %v", pattern, err)
	}
	return c, sub
}

func testRoundTrip(t *testing.T, open Opener) {
	b := open(t, bus.Options{Node: "n1"})
	c, _ := Subscribe(t, b, "hotline.call.*")
	cst := time.FixedZone("CST", 8*3600)
	want := bus.Event{
		ID: "evt-" + randomHex(), Subject: "hotline.call.c1", Type: "answered",
		At:   time.Date(2025, 3, 1, 9, 30, 15, 123456789, cst),
		Node: "node-a", Data: json.RawMessage(`{"agent":"7","坐席":"张三","n":[1,2.5,null]}`),
	}
	sent := want
	sent.Data = bytes.Clone(want.Data)
	if err := b.Publish(context.Background(), sent); err != nil {
		t.Fatal(err)
	}
	copy(sent.Data, "{}                ") // the publisher may reuse its buffer
	got := c.WaitCount(t, 1)[0]
	wantAt := time.Date(2025, 3, 1, 1, 30, 15, 123000000, time.UTC)
	if got.ID != want.ID || got.Subject != want.Subject || got.Type != want.Type || got.Node != want.Node {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if !got.At.Equal(wantAt) || got.At.Location() != time.UTC {
		t.Errorf("At = %v, want %v (UTC, ms precision)", got.At, wantAt)
	}
	if !bytes.Equal(got.Data, want.Data) {
		t.Errorf("Data = %s, want %s", got.Data, want.Data)
	}
	var payload map[string]any
	if err := got.Decode(&payload); err != nil || payload["坐席"] != "张三" {
		t.Errorf("Decode = %v, %v", payload, err)
	}
}

func testDefaults(t *testing.T, open Opener) {
	b := open(t, bus.Options{Node: "n1"})
	c, _ := Subscribe(t, b, bus.All)
	before := time.Now()
	if err := b.Publish(context.Background(), bus.Event{Subject: "hotline.org.user", Type: "changed"}); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	got := c.WaitCount(t, 1)[0]
	if got.ID == "" || got.Node != "n1" || len(got.Data) != 0 {
		t.Errorf("defaults not filled: %+v", got)
	}
	if got.At.Before(bus.Millis(before)) || got.At.After(after) || got.At.Nanosecond()%int(time.Millisecond) != 0 {
		t.Errorf("At = %v, want a millisecond between %v and %v", got.At, before, after)
	}
}

func testWildcards(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	want := map[string][]string{
		"hotline.call.*":  {"hotline.call.1", "hotline.call.7"},
		"hotline.call.>":  {"hotline.call.1", "hotline.call.1.leg", "hotline.call.7"},
		"hotline.>":       {"hotline.call.1", "hotline.call.1.leg", "hotline.agent.7", "hotline.agent.8", "hotline.org.user", "hotline.q.7.x", "hotline.call.7"},
		"hotline.*.7":     {"hotline.agent.7", "hotline.call.7"},
		"hotline.agent.7": {"hotline.agent.7"},
		"hotline.*.*.x":   {"hotline.q.7.x"},
	}
	cols := map[string]*Collector{}
	for p := range want {
		cols[p], _ = Subscribe(t, b, p)
	}
	for _, s := range want["hotline.>"] {
		Publish(t, b, s, "test", nil)
	}
	for p, c := range cols {
		marker := Publish(t, b, strings.NewReplacer("*", "m", ">", "m").Replace(p), "marker", nil)
		var got []string
		for _, ev := range c.WaitID(t, marker.ID) {
			if ev.Type != "marker" {
				got = append(got, ev.Subject)
			}
		}
		if !slices.Equal(got, want[p]) {
			t.Errorf("%s got %v, want %v", p, got, want[p])
		}
	}
}

func testNoHistory(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	Publish(t, b, "hotline.call.1", "before", nil)
	c, _ := Subscribe(t, b, bus.All)
	after := Publish(t, b, "hotline.call.1", "after", nil)
	if early := c.WaitID(t, after.ID); len(early) != 0 {
		t.Errorf("late subscriber got history: %s", describe(early))
	}
}

type seqData struct {
	P   int `json:"p"`
	Seq int `json:"seq"`
}

func seqOf(t testing.TB, ev bus.Event) seqData {
	t.Helper()
	var d seqData
	if err := ev.Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

func testOrder(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	c, _ := Subscribe(t, b, "hotline.call.>")
	const n = 300
	for i := range n {
		Publish(t, b, "hotline.call.x", "step", seqData{Seq: i})
	}
	for i, ev := range c.WaitCount(t, n) {
		if got := seqOf(t, ev).Seq; got != i {
			t.Fatalf("event %d has seq %d: not in publish order", i, got)
		}
	}
}

func testMultipleSubscribers(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	cols := make([]*Collector, 3)
	for i := range cols {
		cols[i], _ = Subscribe(t, b, "hotline.agent.*")
	}
	var ids []string
	for i := range 20 {
		ids = append(ids, Publish(t, b, "hotline.agent.7", "state", seqData{Seq: i}).ID)
	}
	for i, c := range cols {
		if got := idsOf(c.WaitCount(t, len(ids))); !slices.Equal(got, ids) {
			t.Errorf("subscriber %d got %v, want %v", i, got, ids)
		}
	}
}

func idsOf(evs []bus.Event) []string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = ev.ID
	}
	return ids
}
