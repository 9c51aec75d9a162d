package media

// G.711 (ITU-T Rec. G.711) µ-law and A-law companding. The formulas follow
// the ITU-T Software Tool Library (G.191, module g711.c), which is the
// reference implementation: negative inputs are taken as one's complement,
// µ-law works on 14-bit and A-law on 13-bit magnitudes, and decoded values
// are left-justified in 16 bits (µ-law ±32124, A-law ±32256).
//
// Encoding and decoding are table lookups: decode is a 256-entry table per
// law, encode indexes a table by the top 14 (µ-law) or 12 (A-law) bits of the
// sample, which is exact because the STL discards the low bits anyway.

var (
	ulawDecodeTable [256]int16
	alawDecodeTable [256]int16
	ulawEncodeTable [1 << 14]uint8 // index: uint16(sample) >> 2
	alawEncodeTable [1 << 12]uint8 // index: uint16(sample) >> 4
)

func init() {
	// Immutable lookup tables computed once; they hold no state.
	for i := range 256 {
		ulawDecodeTable[i] = ulawExpand(uint8(i))
		alawDecodeTable[i] = alawExpand(uint8(i))
	}
	for i := range ulawEncodeTable {
		ulawEncodeTable[i] = ulawCompress(int16(uint16(i) << 2))
	}
	for i := range alawEncodeTable {
		alawEncodeTable[i] = alawCompress(int16(uint16(i) << 4))
	}
}

// ulawCompress is the STL ulaw_compress for one sample.
func ulawCompress(lin int16) uint8 {
	var absno int32
	if lin < 0 {
		absno = int32(^lin)>>2 + 33
	} else {
		absno = int32(lin)>>2 + 33
	}
	if absno > 0x1FFF {
		absno = 0x1FFF
	}
	segno := int32(1)
	for i := absno >> 6; i != 0; i >>= 1 {
		segno++
	}
	high := 8 - segno
	low := 0xF - (absno>>segno)&0xF
	out := uint8(high<<4 | low)
	if lin >= 0 {
		out |= 0x80
	}
	return out
}

// ulawExpand is the STL ulaw_expand for one code.
func ulawExpand(code uint8) int16 {
	sign := int32(1)
	if code < 0x80 {
		sign = -1
	}
	m := int32(^code)
	exponent := (m >> 4) & 7
	segment := exponent + 1
	m &= 0xF
	step := int32(4) << segment
	return int16(sign * ((0x80 << exponent) + step*m + step/2 - 4*33))
}

// alawCompress is the STL alaw_compress for one sample.
func alawCompress(lin int16) uint8 {
	var ix int32
	if lin < 0 {
		ix = int32(^lin) >> 4
	} else {
		ix = int32(lin) >> 4
	}
	if ix > 15 {
		iexp := int32(1)
		for ix > 16+15 {
			ix >>= 1
			iexp++
		}
		ix -= 16
		ix += iexp << 4
	}
	if lin >= 0 {
		ix |= 0x80
	}
	return uint8(ix) ^ 0x55
}

// alawExpand is the STL alaw_expand for one code.
func alawExpand(code uint8) int16 {
	ix := int32(code^0x55) & 0x7F
	iexp := ix >> 4
	mant := ix & 0xF
	if iexp > 0 {
		mant += 16
	}
	mant = mant<<4 + 8
	if iexp > 1 {
		mant <<= iexp - 1
	}
	if code > 127 {
		return int16(mant)
	}
	return int16(-mant)
}

// UlawEncode encodes one 16-bit linear sample to a µ-law code.
func UlawEncode(s int16) uint8 { return ulawEncodeTable[uint16(s)>>2] }

// UlawDecode decodes one µ-law code to a 16-bit linear sample.
func UlawDecode(c uint8) int16 { return ulawDecodeTable[c] }

// AlawEncode encodes one 16-bit linear sample to an A-law code.
func AlawEncode(s int16) uint8 { return alawEncodeTable[uint16(s)>>4] }

// AlawDecode decodes one A-law code to a 16-bit linear sample.
func AlawDecode(c uint8) int16 { return alawDecodeTable[c] }

// Codec is a G.711 audio codec, identified by its static RTP payload type.
type Codec uint8

// The codecs this package speaks: their values are the RTP payload types.
const (
	PCMU Codec = 0 // G.711 µ-law
	PCMA Codec = 8 // G.711 A-law
)

// SupportedCodecs lists the audio codecs in our order of preference.
func SupportedCodecs() []Codec { return []Codec{PCMU, PCMA} }

// Name returns the SDP encoding name ("PCMU", "PCMA").
func (c Codec) Name() string {
	switch c {
	case PCMU:
		return "PCMU"
	case PCMA:
		return "PCMA"
	}
	return "unknown"
}

func (c Codec) String() string { return c.Name() }

// Valid reports whether c is one of the supported codecs.
func (c Codec) Valid() bool { return c == PCMU || c == PCMA }

// Encode appends the encoding of pcm to dst and returns the extended slice.
func (c Codec) Encode(dst []byte, pcm []int16) []byte {
	if c == PCMA {
		for _, s := range pcm {
			dst = append(dst, alawEncodeTable[uint16(s)>>4])
		}
		return dst
	}
	for _, s := range pcm {
		dst = append(dst, ulawEncodeTable[uint16(s)>>2])
	}
	return dst
}

// Decode decodes payload into dst (which must be at least len(payload)
// long) and returns the number of samples written.
func (c Codec) Decode(dst []int16, payload []byte) int {
	table := &ulawDecodeTable
	if c == PCMA {
		table = &alawDecodeTable
	}
	n := min(len(dst), len(payload))
	for i, b := range payload[:n] {
		dst[i] = table[b]
	}
	return n
}
