package media

import (
	"slices"
	"testing"
)

// packetAudio is the decoded audio of test packet k: a constant level
// unique to k (µ-law keeps these values distinct).
func packetAudio(k, n int) []int16 {
	v := UlawDecode(UlawEncode(int16(1000 + 200*(k%100))))
	out := make([]int16, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func packetPayload(k, n int) []byte { return PCMU.Encode(nil, packetAudio(k, n)) }

// play pops frames until want samples are out and returns them.
func play(j *jitterBuffer, frames int) ([]int16, []bool) {
	var out []int16
	var ok []bool
	f := make([]int16, FrameSamples)
	for range frames {
		ok = append(ok, j.pop(f))
		out = append(out, f...)
	}
	return out, ok
}

func expect(ks []int, n int) []int16 {
	var out []int16
	for _, k := range ks {
		if k < 0 {
			out = append(out, make([]int16, n)...)
		} else {
			out = append(out, packetAudio(k, n)...)
		}
	}
	return out
}

func TestJitterInOrderAndPrefill(t *testing.T) {
	j := newJitterBuffer(2)
	f := make([]int16, FrameSamples)
	j.push(100, PCMU, packetPayload(0, 160))
	if j.pop(f) {
		t.Fatal("played before the prefill")
	}
	for k := 1; k < 5; k++ {
		j.push(uint16(100+k), PCMU, packetPayload(k, 160))
	}
	got, _ := play(j, 5)
	if !slices.Equal(got, expect([]int{0, 1, 2, 3, 4}, 160)) {
		t.Fatal("in-order packets not played in order")
	}
	if j.pop(f) {
		t.Error("empty buffer returned audio")
	}
	if j.lost+j.late+j.dup+j.overrun != 0 {
		t.Errorf("counters %d %d %d %d", j.lost, j.late, j.dup, j.overrun)
	}
}

func TestJitterReorderDuplicateLateLoss(t *testing.T) {
	j := newJitterBuffer(2)
	push := func(k int) { j.push(uint16(500+k), PCMU, packetPayload(k, 160)) }
	push(0)
	push(2) // 1 is late in the network
	push(1)
	push(1) // duplicate
	got, _ := play(j, 2)
	if !slices.Equal(got, expect([]int{0, 1}, 160)) {
		t.Fatal("reordered packets not repaired")
	}
	push(0) // its turn has passed
	push(4) // 3 is lost
	push(5)
	got, _ = play(j, 4)
	if !slices.Equal(got, expect([]int{2, -1, 4, 5}, 160)) {
		t.Fatal("loss not concealed with silence")
	}
	if j.dup != 1 || j.late != 1 || j.lost != 1 {
		t.Errorf("dup %d late %d lost %d", j.dup, j.late, j.lost)
	}
}

func TestJitterSequenceWrap(t *testing.T) {
	j := newJitterBuffer(2)
	seqs := []uint16{65533, 65534, 0, 65535, 1, 2} // reordered across the wrap
	ks := []int{0, 1, 3, 2, 4, 5}
	for i, s := range seqs {
		j.push(s, PCMU, packetPayload(ks[i], 160))
	}
	got, _ := play(j, 6)
	if !slices.Equal(got, expect([]int{0, 1, 2, 3, 4, 5}, 160)) {
		t.Fatal("wrap-around broke ordering")
	}
	if j.late+j.lost != 0 {
		t.Errorf("late %d lost %d", j.late, j.lost)
	}
}

func TestJitterOverrunAndJump(t *testing.T) {
	j := newJitterBuffer(2)
	for k := range 10 { // nobody reads: the sender runs ahead
		j.push(uint16(k), PCMU, packetPayload(k, 160))
	}
	if j.samples > j.maxHeld || j.overrun == 0 {
		t.Fatalf("held %d overrun %d", j.held, j.overrun)
	}
	got, _ := play(j, j.held)
	last := packetAudio(9, 160)
	if !slices.Equal(got[len(got)-160:], last) {
		t.Error("the newest packet was not kept")
	}
	// A jump beyond the buffer restarts the sequence space.
	j.push(30000, PCMU, packetPayload(50, 160))
	j.push(30001, PCMU, packetPayload(51, 160))
	got, _ = play(j, 2)
	if !slices.Equal(got, expect([]int{50, 51}, 160)) {
		t.Error("did not restart after a sequence jump")
	}
}

func TestJitterUnderrunRestart(t *testing.T) {
	j := newJitterBuffer(2)
	j.push(10, PCMU, packetPayload(0, 160))
	j.push(11, PCMU, packetPayload(1, 160))
	play(j, 3) // third pop underruns
	// 12 and 13 were lost in the gap; the talk resumes at 14.
	j.push(14, PCMU, packetPayload(4, 160))
	j.push(15, PCMU, packetPayload(5, 160))
	got, ok := play(j, 2)
	if !ok[0] || !slices.Equal(got, expect([]int{4, 5}, 160)) {
		t.Fatal("no clean restart after underrun")
	}
	if j.lost != 2 {
		t.Errorf("lost %d, want 2", j.lost)
	}
}

func TestJitterOtherPacketSizes(t *testing.T) {
	for _, n := range []int{80, 240, 480} {
		j := newJitterBuffer(2)
		var want, got []int16
		f := make([]int16, FrameSamples)
		pushed := 0
		for k := range 24 {
			j.push(uint16(k), PCMA, PCMA.Encode(nil, packetAudio(k, n)))
			pushed += n
			for _, s := range packetAudio(k, n) {
				want = append(want, AlawDecode(AlawEncode(s)))
			}
			for pushed-len(got) >= 2*FrameSamples { // the mixer keeps up
				if !j.pop(f) {
					t.Fatalf("ptime %d ms: no audio with %d samples buffered", n/8, pushed-len(got))
				}
				got = append(got, f...)
			}
		}
		if !slices.Equal(got, want[:len(got)]) {
			t.Errorf("ptime %d ms: audio differs", n/8)
		}
		if j.lost+j.overrun != 0 {
			t.Errorf("ptime %d ms: lost %d overrun %d", n/8, j.lost, j.overrun)
		}
	}
}
