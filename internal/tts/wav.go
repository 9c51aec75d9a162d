package tts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// WAVInfo describes a PCM WAV file.
type WAVInfo struct {
	SampleRate    int
	Channels      int
	BitsPerSample int
	DataBytes     int64
}

// Duration is the length of the audio.
func (w WAVInfo) Duration() time.Duration {
	frame := int64(w.Channels * w.BitsPerSample / 8)
	if frame == 0 || w.SampleRate == 0 {
		return 0
	}
	return time.Duration(w.DataBytes / frame * int64(time.Second) / int64(w.SampleRate))
}

// IsTelephony reports the format Render produces: 8 kHz mono 16-bit.
func (w WAVInfo) IsTelephony() bool {
	return w.SampleRate == 8000 && w.Channels == 1 && w.BitsPerSample == 16
}

// ReadWAVInfo reads the header of a PCM WAV file.
func ReadWAVInfo(path string) (WAVInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return WAVInfo{}, fmt.Errorf("tts: %w", err)
	}
	defer f.Close()
	info, err := parseWAV(f)
	if err != nil {
		return WAVInfo{}, fmt.Errorf("tts: %s: %w", path, err)
	}
	return info, nil
}

var errNotWAV = errors.New("not a PCM WAV file")

// parseWAV reads chunks up to "data", which must follow a PCM "fmt ". Files
// come from sox here, but the cache directory is outside input all the same.
func parseWAV(r io.Reader) (WAVInfo, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil || string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return WAVInfo{}, errNotWAV
	}
	var info WAVInfo
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return WAVInfo{}, fmt.Errorf("%w: no data chunk", errNotWAV)
		}
		size := int64(binary.LittleEndian.Uint32(hdr[4:]))
		switch string(hdr[:4]) {
		case "fmt ":
			if err := readFmt(r, size, &info); err != nil {
				return WAVInfo{}, err
			}
		case "data":
			if info.SampleRate == 0 {
				return WAVInfo{}, fmt.Errorf("%w: data before fmt", errNotWAV)
			}
			info.DataBytes = size
			return info, nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return WAVInfo{}, fmt.Errorf("%w: truncated chunk", errNotWAV)
			}
		}
	}
}

func readFmt(r io.Reader, size int64, info *WAVInfo) error {
	if size < 16 || size > 1<<10 {
		return fmt.Errorf("%w: fmt chunk of %d bytes", errNotWAV, size)
	}
	buf := make([]byte, size+size%2)
	if _, err := io.ReadFull(r, buf); err != nil {
		return fmt.Errorf("%w: truncated fmt chunk", errNotWAV)
	}
	format := binary.LittleEndian.Uint16(buf[0:])
	const pcm, extensible = 1, 0xFFFE
	if format != pcm && format != extensible {
		return fmt.Errorf("%w: format %#x is not PCM", errNotWAV, format)
	}
	info.Channels = int(binary.LittleEndian.Uint16(buf[2:]))
	info.SampleRate = int(binary.LittleEndian.Uint32(buf[4:]))
	info.BitsPerSample = int(binary.LittleEndian.Uint16(buf[14:]))
	if info.Channels == 0 || info.SampleRate == 0 || info.BitsPerSample == 0 {
		return fmt.Errorf("%w: empty format fields", errNotWAV)
	}
	return nil
}
