package media

import (
	"errors"
	"sync"
	"testing"
)

func TestPortPool(t *testing.T) {
	p, err := NewPortPool(10001, 10008) // even ports with room for RTCP: 10002 10004 10006
	if err != nil {
		t.Fatal(err)
	}
	if p.Size() != 3 {
		t.Fatalf("size %d", p.Size())
	}
	var got []int
	for range 3 {
		port, err := p.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		if port%2 != 0 {
			t.Errorf("odd port %d", port)
		}
		got = append(got, port)
	}
	if got[0] != 10002 || got[2] != 10006 {
		t.Errorf("ports %v", got)
	}
	if _, err := p.Acquire(); !errors.Is(err, ErrNoPorts) {
		t.Fatalf("exhausted pool: %v", err)
	}
	p.Release(got[1])
	p.Release(got[1]) // double release is harmless
	p.Release(9999)   // unknown port too
	if p.Available() != 1 {
		t.Fatalf("available %d", p.Available())
	}
	again, err := p.Acquire()
	if err != nil || again != got[1] {
		t.Fatalf("reacquired %d, %v; want %d", again, err, got[1])
	}
	// FIFO: a released port is reused after the ports freed before it.
	p.Release(got[0])
	p.Release(got[2])
	if a, _ := p.Acquire(); a != got[0] {
		t.Errorf("got %d, want the port released first (%d)", a, got[0])
	}
}

func TestPortPoolBadRanges(t *testing.T) {
	for _, r := range [][2]int{{0, 100}, {100, 50}, {65534, 65536}, {10001, 10002}, {10000, 10000}} {
		if _, err := NewPortPool(r[0], r[1]); err == nil {
			t.Errorf("range %v accepted", r)
		}
	}
}

func TestPortPoolConcurrent(t *testing.T) {
	p, err := NewPortPool(20000, 20199)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	held := map[int]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				port, err := p.Acquire()
				if err != nil {
					continue
				}
				mu.Lock()
				if held[port] {
					t.Errorf("port %d handed out twice", port)
				}
				held[port] = true
				mu.Unlock()
				mu.Lock()
				delete(held, port)
				mu.Unlock()
				p.Release(port)
			}
		})
	}
	wg.Wait()
	if p.Available() != p.Size() {
		t.Errorf("leaked ports: %d of %d free", p.Available(), p.Size())
	}
}
