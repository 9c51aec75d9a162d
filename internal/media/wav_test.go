package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// rawWAV builds a WAV file with a custom fmt chunk and extra chunks.
func rawWAV(format uint16, channels, rate, bits int, extra []byte, data []byte) []byte {
	var fmtChunk []byte
	fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, format)
	fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, uint16(channels))
	fmtChunk = binary.LittleEndian.AppendUint32(fmtChunk, uint32(rate))
	fmtChunk = binary.LittleEndian.AppendUint32(fmtChunk, uint32(rate*channels*bits/8))
	fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, uint16(channels*bits/8))
	fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, uint16(bits))
	if format == wavFormatExtensible {
		fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, 22)
		fmtChunk = binary.LittleEndian.AppendUint16(fmtChunk, uint16(bits))
		fmtChunk = binary.LittleEndian.AppendUint32(fmtChunk, 4)
		fmtChunk = append(fmtChunk, 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71)
	}
	body := []byte("WAVE")
	body = append(body, chunk("fmt ", fmtChunk)...)
	body = append(body, extra...)
	body = append(body, chunk("data", data)...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func chunk(id string, payload []byte) []byte {
	out := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(payload)))...)
	out = append(out, payload...)
	if len(payload)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

func pcmBytes(pcm []int16) []byte {
	var b []byte
	for _, s := range pcm {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

func TestDecodeWAV(t *testing.T) {
	pcm := Tone(50*time.Millisecond, 5000, 440)
	ok := map[string][]byte{
		"EncodeWAV":            EncodeWAV(pcm),
		"extensible PCM":       rawWAV(wavFormatExtensible, 1, 8000, 16, nil, pcmBytes(pcm)),
		"LIST chunk, odd size": rawWAV(1, 1, 8000, 16, chunk("LIST", []byte("INFOabc")), pcmBytes(pcm)),
	}
	for name, file := range ok {
		got, err := DecodeWAV(bytes.NewReader(file))
		if err != nil || !slices.Equal(got, pcm) {
			t.Errorf("%s: %v (%d samples)", name, err, len(got))
		}
	}
	// A file whose data size was never written (crash): read to the end.
	crashed := EncodeWAV(pcm)
	binary.LittleEndian.PutUint32(crashed[40:], 0)
	if got, err := DecodeWAV(bytes.NewReader(crashed)); err != nil || !slices.Equal(got, pcm) {
		t.Errorf("zero data size: %v", err)
	}
	// Data size larger than the file: read what is there.
	cut := EncodeWAV(pcm)[:wavHeaderSize+101]
	if got, err := DecodeWAV(bytes.NewReader(cut)); err != nil || !slices.Equal(got, pcm[:50]) {
		t.Errorf("truncated file: %v, %d samples", err, len(got))
	}

	wrongFormat := map[string][]byte{
		"stereo":  rawWAV(1, 2, 8000, 16, nil, make([]byte, 64)),
		"16 kHz":  rawWAV(1, 1, 16000, 16, nil, make([]byte, 64)),
		"8-bit":   rawWAV(1, 1, 8000, 8, nil, make([]byte, 64)),
		"µ-law":   rawWAV(7, 1, 8000, 8, nil, make([]byte, 64)),
		"float32": rawWAV(3, 1, 8000, 32, nil, make([]byte, 64)),
	}
	for name, file := range wrongFormat {
		_, err := DecodeWAV(bytes.NewReader(file))
		if !errors.Is(err, ErrWAVFormat) {
			t.Errorf("%s: %v, want ErrWAVFormat", name, err)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	broken := map[string][]byte{
		"empty":              nil,
		"not RIFF":           []byte("RIFX0000WAVEfmt "),
		"no data chunk":      EncodeWAV(pcm)[:36],
		"data before fmt":    append([]byte("RIFF\x00\x00\x00\x00WAVE"), chunk("data", []byte{1, 2})...),
		"short fmt":          append([]byte("RIFF\x00\x00\x00\x00WAVE"), chunk("fmt ", []byte{1, 0})...),
		"chunk past the end": append([]byte("RIFF\x00\x00\x00\x00WAVE"), []byte("LIST\xff\xff\xff\x00abc")...),
	}
	for name, file := range broken {
		if _, err := DecodeWAV(bytes.NewReader(file)); !errors.Is(err, ErrWAV) {
			t.Errorf("%s: %v, want ErrWAV", name, err)
		}
	}
}

func TestLoadWAV(t *testing.T) {
	dir := t.TempDir()
	pcm := Tone(30*time.Millisecond, 1000, 300)
	path := filepath.Join(dir, "p.wav")
	if err := os.WriteFile(path, EncodeWAV(pcm), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadWAV(path)
	if err != nil || !slices.Equal(got, pcm) {
		t.Fatalf("LoadWAV: %v", err)
	}
	if _, err := LoadWAV(filepath.Join(dir, "missing.wav")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzDecodeWAV(f *testing.F) {
	f.Add(EncodeWAV(Tone(5*time.Millisecond, 100, 100)))
	f.Add(rawWAV(wavFormatExtensible, 1, 8000, 16, chunk("LIST", []byte("x")), []byte{1, 2, 3}))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pcm, err := DecodeWAV(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrWAV) && !errors.Is(err, ErrWAVFormat) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if 2*len(pcm) > len(data) {
			t.Fatalf("%d samples from %d bytes", len(pcm), len(data))
		}
	})
}
