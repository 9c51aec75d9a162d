package sip

import (
	"sync"
	"testing"
	"time"
)

func TestSequencerRestoresOrder(t *testing.T) {
	var q sequencer
	q.start(10)
	var mu sync.Mutex
	var got []uint32
	var wg sync.WaitGroup
	// Start them in reverse order: the sequencer must run 11, 12, 13, 14.
	for _, c := range []uint32{14, 13, 12, 11} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !q.acquire(c) {
				t.Errorf("cseq %d refused", c)
				return
			}
			mu.Lock()
			got = append(got, c)
			mu.Unlock()
			q.release(c)
		}()
		time.Sleep(5 * time.Millisecond) // make the reverse start order likely, not required
	}
	wg.Wait()
	for i, c := range []uint32{11, 12, 13, 14} {
		if got[i] != c {
			t.Fatalf("order %v, want 11 12 13 14", got)
		}
	}
}

func TestSequencerGivesUpOnGap(t *testing.T) {
	var q sequencer
	q.start(1)
	done := make(chan bool, 1)
	go func() { done <- q.acquire(5) }()
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("request after a gap refused")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("request after a gap waited forever")
	}
	q.release(5)
	if q.acquire(3) {
		t.Fatal("a request older than one handled was accepted")
	}
}

func TestSequencerFirstRequestSetsBaseline(t *testing.T) {
	var q sequencer
	if !q.acquire(0) {
		t.Fatal("CSeq 0 refused on a fresh sequencer")
	}
	q.release(0)
	if !q.acquire(1) {
		t.Fatal("next request refused")
	}
	q.release(1)
}
