package media

import "slices"

// tick runs one 20 ms mixing step.
func (b *Bridge) tick() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.parts {
		m.ok = m.p.Source != nil && m.p.Source.ReadFrame(m.frame[:])
	}
	for _, m := range b.parts {
		if m.p.Sink == nil {
			continue
		}
		if err := m.p.Sink.WriteFrame(b.mixFor(m)); err != nil && !m.errSeen {
			m.errSeen = true // once per participant: a dead leg must not flood the log
			b.log.Warn("bridge: cannot write to participant", "participant", m.id, "err", err)
		}
	}
	if b.tap != nil {
		b.tap.WriteStereo(b.sideMix(SideLeft, b.left[:]), b.sideMix(SideRight, b.right[:]))
	}
}

// hears reports whether listener l hears speaker s this tick.
func hears(l, s *member) bool {
	if l == s || !s.ok {
		return false
	}
	switch s.p.Mode {
	case ModeNormal:
		return true
	case ModeWhisper:
		return slices.Contains(s.p.To, l.id)
	}
	return false
}

// mixFor returns what listener l hears: silence, one speaker's frame as
// is, or the clipped sum of several.
func (b *Bridge) mixFor(l *member) []int16 {
	var only *member
	n := 0
	for _, s := range b.parts {
		if hears(l, s) {
			only = s
			n++
		}
	}
	switch n {
	case 0:
		return b.zero[:]
	case 1:
		return only.frame[:]
	}
	clear(b.acc[:])
	for _, s := range b.parts {
		if hears(l, s) {
			addFrame(&b.acc, &s.frame)
		}
	}
	clipFrame(&l.mixed, &b.acc)
	return l.mixed[:]
}

// sideMix sums the participants on one recording channel into dst.
func (b *Bridge) sideMix(side Side, dst []int16) []int16 {
	clear(b.acc[:])
	for _, s := range b.parts {
		if s.ok && s.p.Side == side {
			addFrame(&b.acc, &s.frame)
		}
	}
	clipFrame((*[FrameSamples]int16)(dst), &b.acc)
	return dst
}

func addFrame(acc *[FrameSamples]int32, f *[FrameSamples]int16) {
	for i, v := range f {
		acc[i] += int32(v)
	}
}

func clipFrame(dst *[FrameSamples]int16, acc *[FrameSamples]int32) {
	for i, v := range acc {
		dst[i] = clip16(v)
	}
}
