package tts

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"
)

// wavBytes builds a WAV: RIFF header, optional extra chunk, fmt, data.
func wavBytes(rate, channels, bits int, extra []byte, samples int) []byte {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	data := samples * channels * bits / 8
	b.WriteString("RIFF")
	le(uint32(4 + 8 + len(extra) + len(extra)%2 + 8 + 16 + 8 + data))
	b.WriteString("WAVE")
	if extra != nil {
		b.WriteString("LIST")
		le(uint32(len(extra)))
		b.Write(extra)
		if len(extra)%2 == 1 {
			b.WriteByte(0)
		}
	}
	b.WriteString("fmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(channels))
	le(uint32(rate))
	le(uint32(rate * channels * bits / 8))
	le(uint16(channels * bits / 8))
	le(uint16(bits))
	b.WriteString("data")
	le(uint32(data))
	b.Write(make([]byte, data))
	return b.Bytes()
}

func TestParseWAV(t *testing.T) {
	info, err := parseWAV(bytes.NewReader(wavBytes(8000, 1, 16, []byte("odd"), 12000)))
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsTelephony() || info.Duration() != 1500*time.Millisecond {
		t.Errorf("info = %+v, duration %v; want 8 kHz mono 16-bit, 1.5 s", info, info.Duration())
	}
	if info, _ := parseWAV(bytes.NewReader(wavBytes(22050, 2, 16, nil, 10))); info.IsTelephony() {
		t.Errorf("22 kHz stereo reported as telephony: %+v", info)
	}
	bad := map[string][]byte{
		"empty":     nil,
		"not riff":  []byte("RIFX0000WAVEfmt "),
		"truncated": wavBytes(8000, 1, 16, nil, 10)[:30],
		"no fmt":    []byte("RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00"),
	}
	for name, b := range bad {
		if _, err := parseWAV(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParseWAV(f *testing.F) {
	f.Add(wavBytes(8000, 1, 16, nil, 4))
	f.Add(wavBytes(16000, 2, 8, []byte("x"), 4))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := parseWAV(bytes.NewReader(b))
		if err != nil {
			return
		}
		if info.SampleRate == 0 || info.Channels == 0 || info.BitsPerSample == 0 || info.Duration() < 0 {
			t.Fatalf("accepted a WAV with %+v", info)
		}
	})
}
