package media

import (
	"slices"
	"sync"
	"testing"
)

func ramp(n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(i + 1)
	}
	return out
}

func TestPlayerOnce(t *testing.T) {
	pcm := ramp(400) // 2.5 frames
	p := NewPlayer(pcm, false)
	f := make([]int16, FrameSamples)
	var got []int16
	for range 3 {
		if !p.ReadFrame(f) {
			t.Fatal("player ended early")
		}
		got = append(got, f...)
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("Done not closed after the last frame")
	}
	want := append(slices.Clone(pcm), make([]int16, 80)...) // last frame padded
	if !slices.Equal(got, want) {
		t.Fatal("played audio differs")
	}
	if p.ReadFrame(f) || f[0] != 0 || p.Stopped() {
		t.Error("player produced audio after the end, or claims it was stopped")
	}
}

func TestPlayerLoop(t *testing.T) {
	pcm := ramp(100) // shorter than a frame: wraps inside frames
	p := NewPlayer(pcm, true)
	f := make([]int16, FrameSamples)
	var got []int16
	for range 10 {
		if !p.ReadFrame(f) {
			t.Fatal("looping player stopped")
		}
		got = append(got, f...)
	}
	for i, s := range got {
		if s != pcm[i%100] {
			t.Fatalf("sample %d = %d, want %d", i, s, pcm[i%100])
		}
	}
	p.Stop()
	p.Stop()
	<-p.Done()
	if !p.Stopped() || p.ReadFrame(f) {
		t.Error("stopped player still plays")
	}
}

func TestPlayerEmptyAndConcurrentStop(t *testing.T) {
	p := NewPlayer(nil, true)
	<-p.Done() // nothing to play: done at once, never spins
	if p.ReadFrame(make([]int16, FrameSamples)) {
		t.Error("empty player produced audio")
	}
	p = NewPlayer(ramp(8000), true)
	var wg sync.WaitGroup
	wg.Go(func() {
		f := make([]int16, FrameSamples)
		for p.ReadFrame(f) {
		}
	})
	wg.Go(p.Stop)
	wg.Wait()
	<-p.Done()
}
