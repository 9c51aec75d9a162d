package media

import "testing"

// The reference below is built from the tables of ITU-T G.711 itself
// (Table 1a for A-law, Table 2a for µ-law): segment end points and the
// quantisation step in each segment, with the decoder output at the middle
// of each interval. It shares no code with the STL formulas in g711.go.

// µ-law, 14-bit magnitudes: end points of the 8 segments and their steps.
var (
	ulawEnds  = [9]int{-1, 31, 95, 223, 479, 991, 2015, 4063, 8159}
	ulawSteps = [8]int{2, 4, 8, 16, 32, 64, 128, 256}
	// A-law, 13-bit magnitudes (the standard's units).
	alawEnds  = [9]int{0, 32, 64, 128, 256, 512, 1024, 2048, 4096}
	alawSteps = [8]int{2, 2, 4, 8, 16, 32, 64, 128}
)

// refUlawDecode: the µ-law code's bits are inverted; after inversion bit 7
// clear means positive, bits 6-4 the segment, bits 3-0 the interval.
func refUlawDecode(code uint8) int {
	inv := ^code
	seg, iv := int(inv>>4&7), int(inv&15)
	y := ulawEnds[seg] + ulawSteps[seg]*iv + ulawSteps[seg]/2
	if seg == 0 && iv == 0 {
		y = 0 // the first interval is [0,1): output 0
	}
	if code < 0x80 {
		y = -y
	}
	return y * 4 // left-justified 14-bit
}

// refAlawDecode: even bits are inverted (XOR 0x55); bit 7 set is positive.
func refAlawDecode(code uint8) int {
	x := code ^ 0x55
	seg, iv := int(x>>4&7), int(x&15)
	y := alawEnds[seg] + alawSteps[seg]*iv + alawSteps[seg]/2
	if code < 0x80 {
		y = -y
	}
	return y * 8 // left-justified 13-bit
}

func TestG711DecodeTablesMatchITU(t *testing.T) {
	for c := range 256 {
		code := uint8(c)
		if got, want := int(UlawDecode(code)), refUlawDecode(code); got != want {
			t.Errorf("µ-law decode %#02x = %d, want %d", code, got, want)
		}
		if got, want := int(AlawDecode(code)), refAlawDecode(code); got != want {
			t.Errorf("A-law decode %#02x = %d, want %d", code, got, want)
		}
	}
}

func TestG711KnownValues(t *testing.T) {
	cases := []struct {
		name string
		got  int
		want int
	}{
		{"ulaw 0x80 max positive", int(UlawDecode(0x80)), 32124},
		{"ulaw 0x00 max negative", int(UlawDecode(0x00)), -32124},
		{"ulaw 0xFF +0", int(UlawDecode(0xFF)), 0},
		{"ulaw 0x7F -0", int(UlawDecode(0x7F)), 0},
		{"alaw 0xD5 smallest positive", int(AlawDecode(0xD5)), 8},
		{"alaw 0x55 smallest negative", int(AlawDecode(0x55)), -8},
		{"alaw 0xAA max positive", int(AlawDecode(0xAA)), 32256},
		{"alaw 0x2A max negative", int(AlawDecode(0x2A)), -32256},
		{"ulaw enc 0", int(UlawEncode(0)), 0xFF},
		{"ulaw enc max", int(UlawEncode(32767)), 0x80},
		{"ulaw enc min", int(UlawEncode(-32768)), 0x00},
		{"alaw enc 0", int(AlawEncode(0)), 0xD5},
		{"alaw enc -1", int(AlawEncode(-1)), 0x55},
		{"alaw enc max", int(AlawEncode(32767)), 0xAA},
		{"alaw enc min", int(AlawEncode(-32768)), 0x2A},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %d (%#x), want %d (%#x)", c.name, c.got, c.got, c.want, c.want)
		}
	}
}

// refQuantise returns the reference decoder output for linear input s: find
// the interval whose decision values bracket the (one's complement)
// magnitude, saturating in the last interval.
func refQuantise(s int16, ends [9]int, steps [8]int, shift uint, scale int) int {
	mag := int(s)
	neg := s < 0
	if neg {
		mag = int(^s)
	}
	mag >>= shift
	y := 0
	for seg := range 8 {
		if mag >= ends[seg+1] && seg < 7 {
			continue
		}
		lo := max(ends[seg], 0)
		iv := min((mag-lo)/steps[seg], 15)
		if ends[seg] < 0 { // µ-law segment 0 starts at -1
			iv = min((mag+1)/steps[seg], 15)
		}
		y = ends[seg] + steps[seg]*iv + steps[seg]/2
		if ends[seg] < 0 && iv == 0 {
			y = 0
		}
		break
	}
	if neg {
		y = -y
	}
	return y * scale
}

// TestG711EncodeAllInputs checks every 16-bit input: the encoder must pick
// the interval the G.711 decision values put the input in.
func TestG711EncodeAllInputs(t *testing.T) {
	bad := 0
	for i := -32768; i <= 32767 && bad < 10; i++ {
		s := int16(i)
		if got, want := int(UlawDecode(UlawEncode(s))), refQuantise(s, ulawEnds, ulawSteps, 2, 4); got != want {
			t.Errorf("µ-law: input %d decodes back to %d, want %d", s, got, want)
			bad++
		}
		if got, want := int(AlawDecode(AlawEncode(s))), refQuantise(s, alawEnds, alawSteps, 3, 8); got != want {
			t.Errorf("A-law: input %d decodes back to %d, want %d", s, got, want)
			bad++
		}
	}
}

func TestG711RoundTripCodes(t *testing.T) {
	for c := range 256 {
		code := uint8(c)
		want := code
		if code == 0x7F { // µ-law -0 re-encodes as +0
			want = 0xFF
		}
		if got := UlawEncode(UlawDecode(code)); got != want {
			t.Errorf("µ-law %#02x -> %d -> %#02x", code, UlawDecode(code), got)
		}
		if got := AlawEncode(AlawDecode(code)); got != code {
			t.Errorf("A-law %#02x -> %d -> %#02x", code, AlawDecode(code), got)
		}
	}
}

// TestG711SegmentBoundaries checks both sides of every decision value: the
// last input of an interval and the first of the next get adjacent codes.
func TestG711SegmentBoundaries(t *testing.T) {
	for seg := range 8 {
		for iv := range 16 {
			// µ-law, positive: lower decision value in 16-bit units.
			lo := ulawEnds[seg] + ulawSteps[seg]*iv
			if seg == 0 && iv == 0 {
				lo = 0
			} else if seg == 0 {
				lo = -1 + 2*iv
			}
			want := ^uint8(seg<<4 | iv)
			if got := UlawEncode(int16(lo * 4)); got != want {
				t.Errorf("µ-law seg %d iv %d: enc(%d)=%#02x want %#02x", seg, iv, lo*4, got, want)
			}
			if lo > 0 {
				if got := UlawEncode(int16(lo*4 - 1)); got == want {
					t.Errorf("µ-law seg %d iv %d: %d is below the decision value but encodes the same", seg, iv, lo*4-1)
				}
			}
			// A-law, positive.
			alo := alawEnds[seg] + alawSteps[seg]*iv
			awant := uint8(0x80|seg<<4|iv) ^ 0x55
			if got := AlawEncode(int16(alo * 8)); got != awant {
				t.Errorf("A-law seg %d iv %d: enc(%d)=%#02x want %#02x", seg, iv, alo*8, got, awant)
			}
			if alo > 0 {
				if got := AlawEncode(int16(alo*8 - 1)); got == awant {
					t.Errorf("A-law seg %d iv %d: %d is below the decision value but encodes the same", seg, iv, alo*8-1)
				}
			}
		}
	}
}

func TestCodecSliceHelpers(t *testing.T) {
	pcm := []int16{0, 100, -100, 32767, -32768, 1234}
	for _, c := range []Codec{PCMU, PCMA} {
		enc := c.Encode(nil, pcm)
		if len(enc) != len(pcm) {
			t.Fatalf("%v: encoded %d bytes for %d samples", c, len(enc), len(pcm))
		}
		dec := make([]int16, len(enc))
		if n := c.Decode(dec, enc); n != len(pcm) {
			t.Fatalf("%v: decoded %d samples", c, n)
		}
		for i, s := range pcm {
			one := UlawDecode(UlawEncode(s))
			if c == PCMA {
				one = AlawDecode(AlawEncode(s))
			}
			if dec[i] != one {
				t.Errorf("%v sample %d: slice %d, scalar %d", c, i, dec[i], one)
			}
		}
	}
	if PCMU.Name() != "PCMU" || PCMA.Name() != "PCMA" || Codec(3).Valid() {
		t.Error("codec names/validity wrong")
	}
}
