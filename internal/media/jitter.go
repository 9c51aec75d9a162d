package media

// jitterBuffer re-orders received audio packets by RTP sequence number and
// plays them out one 20 ms frame per mixer tick.
//
//   - Playing starts once target frames of audio are held (the buffer's
//     delay); after an underrun it waits for them again.
//   - A packet whose turn has passed (sequence number before next) is late
//     and dropped; a second copy of a held packet is a duplicate.
//   - A missing packet is declared lost when its turn comes and later
//     packets are waiting; it is replaced by silence of the previous
//     packet's length. Reordering is thus repaired as long as the packet
//     arrives before its turn.
//   - When more than maxHeld samples pile up (the sender's clock is faster
//     than ours), the oldest packets are dropped to get back to target.
//   - Sequence numbers are compared modulo 2^16, so wrap-around is seamless;
//     a jump of more than the buffer size restarts the sequence space.
//
// Payloads are stored encoded (one byte per sample for G.711) and decoded
// when played, which keeps the buffer small. Not safe for concurrent use.
type jitterBuffer struct {
	slots   [jitterSlots]jitterSlot
	target  int // samples to hold before playing
	maxHeld int // samples beyond which the oldest are dropped

	have    bool    // next is valid
	playing bool    // prefill done
	next    uint16  // sequence number to play next
	held    int     // packets held
	samples int     // samples held
	cur     []int16 // rest of the packet being played
	curBuf  [maxPacketSamples]int16
	lastLen int

	lost, late, dup, overrun uint64
}

type jitterSlot struct {
	used    bool
	seq     uint16
	codec   Codec
	n       int
	payload [maxPacketSamples]byte
}

const (
	jitterSlots      = 16
	maxPacketSamples = 480 // 60 ms, the largest ptime we accept
	defaultJitter    = 2   // frames of delay (40 ms)
)

func newJitterBuffer(target int) *jitterBuffer {
	if target < 1 {
		target = defaultJitter
	}
	target = min(target, jitterSlots/4)
	return &jitterBuffer{target: target * FrameSamples, maxHeld: (target + 4) * FrameSamples, lastLen: FrameSamples}
}

// reset forgets everything (a new SSRC starts a new sequence space).
func (j *jitterBuffer) reset() {
	for i := range j.slots {
		j.slots[i].used = false
	}
	j.have, j.playing, j.held, j.samples, j.cur = false, false, 0, 0, nil
}

// push stores a packet. payload must be 1..maxPacketSamples bytes.
func (j *jitterBuffer) push(seq uint16, codec Codec, payload []byte) {
	if !j.have {
		j.have, j.next = true, seq
	}
	d := int16(seq - j.next)
	if d < 0 {
		j.late++
		return
	}
	if int(d) >= jitterSlots {
		j.reset()
		j.have, j.next = true, seq
	}
	s := &j.slots[seq%jitterSlots]
	if s.used && s.seq == seq {
		j.dup++
		return
	}
	s.used, s.seq, s.codec, s.n = true, seq, codec, copy(s.payload[:], payload)
	j.held++
	j.samples += s.n
	if j.samples > j.maxHeld {
		j.dropOldest()
	}
}

// dropOldest skips packets at the head until about target are held.
func (j *jitterBuffer) dropOldest() {
	for j.samples > j.target {
		s := &j.slots[j.next%jitterSlots]
		if s.used && s.seq == j.next {
			s.used = false
			j.held--
			j.samples -= s.n
			j.overrun++
		} else {
			j.lost++
		}
		j.next++
	}
}

// pop fills dst (one frame) and reports whether it holds audio; when it
// returns false dst is silence.
func (j *jitterBuffer) pop(dst []int16) bool {
	if !j.playing {
		if j.samples < j.target {
			clear(dst)
			return false
		}
		j.playing = true
		j.skipToHeld()
	}
	filled := 0
	for filled < len(dst) {
		if len(j.cur) > 0 {
			n := copy(dst[filled:], j.cur)
			j.cur, filled = j.cur[n:], filled+n
			continue
		}
		s := &j.slots[j.next%jitterSlots]
		switch {
		case s.used && s.seq == j.next:
			n := s.codec.Decode(j.curBuf[:], s.payload[:s.n])
			j.cur, j.lastLen = j.curBuf[:n], n
			s.used = false
			j.held--
			j.samples -= s.n
		case j.held == 0: // underrun: wait for a new prefill
			j.playing = false
			clear(dst[filled:])
			return filled > 0
		default: // lost: conceal with silence
			j.lost++
			clear(j.curBuf[:j.lastLen])
			j.cur = j.curBuf[:j.lastLen]
		}
		j.next++
	}
	return true
}

// skipToHeld moves next to the first held packet; the gap before it was
// lost while we were not playing.
func (j *jitterBuffer) skipToHeld() {
	for range jitterSlots {
		if s := &j.slots[j.next%jitterSlots]; s.used && s.seq == j.next {
			return
		}
		j.lost++
		j.next++
	}
}
