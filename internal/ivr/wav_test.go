package ivr

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

func TestProbeWAV(t *testing.T) {
	info, err := ProbeWAV(bytes.NewReader(wav(8000)))
	if err != nil || info.Format != "pcm16" || info.Duration != time.Second || info.DataBytes != 16000 {
		t.Fatalf("%+v %v", info, err)
	}
	// A LIST chunk before the data is skipped.
	b := wav(4000)
	withList := append(append(append([]byte{}, b[:36]...), []byte("LIST\x03\x00\x00\x00abc\x00")...), b[36:]...)
	if info, err := ProbeWAV(bytes.NewReader(withList)); err != nil || info.Duration != 500*time.Millisecond {
		t.Fatalf("with LIST: %+v %v", info, err)
	}
	// 16 kHz is refused with advice.
	wide := wav(10)
	binary.LittleEndian.PutUint32(wide[24:28], 16000)
	for name, data := range map[string][]byte{"16 kHz": wide, "mp3": []byte("ID3\x03\x00"), "empty": nil, "truncated": wav(10)[:30]} {
		if _, err := ProbeWAV(bytes.NewReader(data)); !errors.Is(err, ErrBadWAV) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
