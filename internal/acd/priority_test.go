package acd

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// serveOrder enqueues arrivals (offset, priority) into a queue with no free
// agent, then frees one agent at a time and returns the order calls are
// offered in.
func serveOrder(t *testing.T, boost int, arrivals [][2]int) []string {
	h := newHarness(t)
	h.queue(Queue{ID: 1, PriorityBoostSec: boost})
	h.agent(1, nil, 1)
	h.ok(h.e.SetNotReady(1, ReasonBreak))
	start := h.clk.Now()
	idx := make([]int, len(arrivals))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return arrivals[idx[a]][0] < arrivals[idx[b]][0] })
	for _, i := range idx {
		h.clk.t = start.Add(time.Duration(arrivals[i][0]) * time.Second)
		h.enqueue(fmt.Sprint(i), 1, arrivals[i][1])
	}
	var order []string
	h.ok(h.e.SetReady(1))
	for range arrivals {
		o := h.one()
		order = append(order, o.CallID)
		h.serve(o)
	}
	return order
}

func TestPriorityServedFirst(t *testing.T) {
	// A priority-5 caller arriving 60 s after a priority-0 caller goes
	// first (5 × 30 s = 150 s credit).
	got := serveOrder(t, 30, [][2]int{{0, 0}, {60, 5}})
	if got[0] != "1" {
		t.Fatalf("order = %v, want the priority caller first", got)
	}
}

func TestPriorityDoesNotStarve(t *testing.T) {
	// The same caller arriving 151 s later no longer overtakes.
	got := serveOrder(t, 30, [][2]int{{0, 0}, {151, 5}})
	if got[0] != "0" {
		t.Fatalf("order = %v, want the long waiter first", got)
	}
	// A stream of priority-9 callers cannot hold back a priority-0 caller
	// beyond 9 × B: the ones arriving 270 s or more later come after it.
	var arr [][2]int
	arr = append(arr, [2]int{0, 0})
	for s := 10; s <= 400; s += 10 {
		arr = append(arr, [2]int{s, 9})
	}
	got = serveOrder(t, 30, arr)
	pos := map[string]int{}
	for i, id := range got {
		pos[id] = i
	}
	for i, a := range arr[1:] {
		overtook := pos[fmt.Sprint(i+1)] < pos["0"]
		if want := a[0] < 270; overtook != want {
			t.Fatalf("caller arriving at %d s overtook=%v, want %v (order %v)", a[0], overtook, want, got)
		}
	}
}

// TestPriorityFairnessBound checks the documented rule on random arrivals:
// a caller is served before every caller who arrived at least
// (9 − its priority) × B after it, and the order follows effective wait.
func TestPriorityFairnessBound(t *testing.T) {
	const boost = 20
	r := rand.New(rand.NewPCG(7, 11))
	for round := range 20 {
		arr := make([][2]int, 30)
		for i := range arr {
			arr[i] = [2]int{r.IntN(600), r.IntN(10)}
		}
		got := serveOrder(t, boost, arr)
		pos := map[string]int{}
		for i, id := range got {
			pos[id] = i
		}
		for i, a := range arr {
			for j, b := range arr {
				if b[0]-a[0] >= (MaxPriority-a[1])*boost && pos[fmt.Sprint(j)] < pos[fmt.Sprint(i)] {
					t.Fatalf("round %d: caller %v overtaken by %v arriving %d s later", round, a, b, b[0]-a[0])
				}
				keyA, keyB := a[0]-a[1]*boost, b[0]-b[1]*boost
				if keyA < keyB && pos[fmt.Sprint(j)] < pos[fmt.Sprint(i)] {
					t.Fatalf("round %d: %v (key %d) served after %v (key %d)", round, a, keyA, b, keyB)
				}
			}
		}
	}
}
