package ivr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// WAVInfo describes an uploaded prompt file.
type WAVInfo struct {
	Format     string        `json:"format"` // "pcm16", "alaw" or "ulaw"
	SampleRate int           `json:"sample_rate"`
	Channels   int           `json:"channels"`
	DataBytes  int64         `json:"data_bytes"`
	Duration   time.Duration `json:"duration"`
}

// ErrBadWAV is wrapped by ProbeWAV for files that are not usable prompts.
var ErrBadWAV = errors.New("ivr: not a usable prompt WAV")

// PromptSampleRate is the only rate prompts are stored at: telephony audio
// (G.711) is 8 kHz, and resampling at call time would cost every call.
const PromptSampleRate = 8000

// ProbeWAV reads a WAV header and checks that it is an 8 kHz mono prompt in
// 16-bit PCM, A-law or µ-law. It reads no further than the start of the data
// chunk and skips at most 64 other chunks.
func ProbeWAV(r io.Reader) (WAVInfo, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil || string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return WAVInfo{}, fmt.Errorf("%w: not a RIFF/WAVE file", ErrBadWAV)
	}
	var info WAVInfo
	bytesPerSample := 0
	for i := 0; i < 64; i++ {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return WAVInfo{}, fmt.Errorf("%w: no data chunk", ErrBadWAV)
		}
		id, size := string(ch[0:4]), int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			var err error
			if info, bytesPerSample, err = readFmt(r, size); err != nil {
				return WAVInfo{}, err
			}
		case "data":
			if bytesPerSample == 0 {
				return WAVInfo{}, fmt.Errorf("%w: data chunk before fmt chunk", ErrBadWAV)
			}
			info.DataBytes = size
			samples := size / int64(bytesPerSample*info.Channels)
			info.Duration = time.Duration(samples) * time.Second / time.Duration(info.SampleRate)
			return info, nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return WAVInfo{}, fmt.Errorf("%w: truncated %q chunk", ErrBadWAV, id)
			}
		}
	}
	return WAVInfo{}, fmt.Errorf("%w: too many chunks before the data", ErrBadWAV)
}

func readFmt(r io.Reader, size int64) (WAVInfo, int, error) {
	if size < 16 || size > 1024 {
		return WAVInfo{}, 0, fmt.Errorf("%w: fmt chunk of %d bytes", ErrBadWAV, size)
	}
	b := make([]byte, size+size%2)
	if _, err := io.ReadFull(r, b); err != nil {
		return WAVInfo{}, 0, fmt.Errorf("%w: truncated fmt chunk", ErrBadWAV)
	}
	format := binary.LittleEndian.Uint16(b[0:2])
	info := WAVInfo{
		Channels:   int(binary.LittleEndian.Uint16(b[2:4])),
		SampleRate: int(binary.LittleEndian.Uint32(b[4:8])),
	}
	bits := binary.LittleEndian.Uint16(b[14:16])
	switch {
	case format == 1 && bits == 16:
		info.Format = "pcm16"
	case format == 6 && bits == 8:
		info.Format = "alaw"
	case format == 7 && bits == 8:
		info.Format = "ulaw"
	default:
		return WAVInfo{}, 0, fmt.Errorf("%w: format %d with %d bits (want 16-bit PCM, A-law or µ-law)", ErrBadWAV, format, bits)
	}
	if info.Channels != 1 || info.SampleRate != PromptSampleRate {
		return WAVInfo{}, 0, fmt.Errorf("%w: %d Hz, %d channels (want %d Hz mono; convert with: sox in.wav -r 8000 -c 1 -b 16 out.wav)",
			ErrBadWAV, info.SampleRate, info.Channels, PromptSampleRate)
	}
	return info, int(bits / 8), nil
}
