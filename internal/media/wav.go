package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// WAV errors.
var (
	// ErrWAV: the data is not a readable RIFF/WAVE file.
	ErrWAV = errors.New("media: invalid WAV file")
	// ErrWAVFormat: a valid WAV file in a format we do not play.
	ErrWAVFormat = errors.New("media: unsupported WAV format")
)

// maxWAVBytes bounds what LoadWAV reads (about 70 minutes of audio).
const maxWAVBytes = 64 << 20

const (
	wavFormatPCM        = 1
	wavFormatExtensible = 0xFFFE
	wavHeaderSize       = 44 // RIFF header + fmt (16) + data chunk header, as we write it
)

// wavInfo describes a WAV file: its format and where the samples are.
type wavInfo struct {
	format     uint16
	channels   int
	rate       int
	bits       int
	blockAlign int
	dataOff    int64 // first byte of the data chunk's payload
	dataLen    int64 // as declared in the data chunk header
}

func (w wavInfo) String() string {
	kind := "PCM"
	switch w.format {
	case 3:
		kind = "float"
	case 6:
		kind = "A-law"
	case 7:
		kind = "µ-law"
	case wavFormatPCM, wavFormatExtensible:
	default:
		kind = fmt.Sprintf("format %d", w.format)
	}
	return fmt.Sprintf("%d Hz, %d channel(s), %d-bit %s", w.rate, w.channels, w.bits, kind)
}

// parseWAV walks the chunks of a WAV file of the given size up to the data
// chunk. The data chunk's declared length is reported as is.
func parseWAV(r io.ReaderAt, size int64) (wavInfo, error) {
	var hdr [12]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil || string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return wavInfo{}, fmt.Errorf("%w: no RIFF/WAVE header", ErrWAV)
	}
	var info wavInfo
	haveFmt := false
	for off := int64(12); ; {
		var ch [8]byte
		if _, err := r.ReadAt(ch[:], off); err != nil {
			return wavInfo{}, fmt.Errorf("%w: no data chunk", ErrWAV)
		}
		id, n := string(ch[0:4]), int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			if err := readFmt(r, off+8, n, &info); err != nil {
				return wavInfo{}, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return wavInfo{}, fmt.Errorf("%w: data chunk before fmt chunk", ErrWAV)
			}
			info.dataOff, info.dataLen = off+8, n
			return info, nil
		}
		off += 8 + n + n&1 // chunks are padded to even sizes
		if off > size {
			return wavInfo{}, fmt.Errorf("%w: chunk %q runs past the end of the file", ErrWAV, id)
		}
	}
}

func readFmt(r io.ReaderAt, off, n int64, info *wavInfo) error {
	if n < 16 {
		return fmt.Errorf("%w: fmt chunk of %d bytes", ErrWAV, n)
	}
	var f [40]byte
	m := min(n, 40)
	if _, err := r.ReadAt(f[:m], off); err != nil {
		return fmt.Errorf("%w: truncated fmt chunk", ErrWAV)
	}
	info.format = binary.LittleEndian.Uint16(f[0:2])
	info.channels = int(binary.LittleEndian.Uint16(f[2:4]))
	info.rate = int(binary.LittleEndian.Uint32(f[4:8]))
	info.blockAlign = int(binary.LittleEndian.Uint16(f[12:14]))
	info.bits = int(binary.LittleEndian.Uint16(f[14:16]))
	if info.format == wavFormatExtensible && m >= 26 {
		info.format = binary.LittleEndian.Uint16(f[24:26]) // the sub-format GUID starts with the format tag
		if info.format == wavFormatExtensible {
			info.format = 0
		}
	}
	if info.channels == 0 || info.blockAlign == 0 {
		return fmt.Errorf("%w: fmt chunk with %d channels, block %d", ErrWAV, info.channels, info.blockAlign)
	}
	return nil
}

// DecodeWAV reads a WAV file holding 8 kHz 16-bit mono PCM, the format
// prompts and music on hold must be in. Other formats are refused with
// ErrWAVFormat and a hint how to convert. A data chunk whose declared size
// is wrong (a file left by a crash) is read to the end of the file.
func DecodeWAV(r io.Reader) ([]int16, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxWAVBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWAV, err)
	}
	if len(raw) > maxWAVBytes {
		return nil, fmt.Errorf("%w: larger than %d MB", ErrWAV, maxWAVBytes>>20)
	}
	info, err := parseWAV(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, err
	}
	if info.format != wavFormatPCM || info.rate != SampleRate || info.channels != 1 || info.bits != 16 || info.blockAlign != 2 {
		return nil, fmt.Errorf("%w: %v; need 8000 Hz mono 16-bit PCM (convert with: sox in.wav -r 8000 -c 1 -b 16 -e signed-integer out.wav)", ErrWAVFormat, info)
	}
	end := int64(len(raw))
	if info.dataLen > 0 && info.dataOff+info.dataLen <= end {
		end = info.dataOff + info.dataLen
	}
	data := raw[info.dataOff:end]
	pcm := make([]int16, len(data)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	return pcm, nil
}

// LoadWAV reads a prompt or music file (see DecodeWAV).
func LoadWAV(path string) ([]int16, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("media: load WAV: %w", err)
	}
	defer f.Close()
	pcm, err := DecodeWAV(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pcm, nil
}

// wavHeader returns the 44-byte header of a 16-bit PCM file at 8 kHz with
// dataLen bytes of samples.
func wavHeader(channels int, dataLen uint32) []byte {
	h := make([]byte, wavHeaderSize)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 36+dataLen)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], wavFormatPCM)
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], SampleRate)
	binary.LittleEndian.PutUint32(h[28:], uint32(SampleRate*2*channels))
	binary.LittleEndian.PutUint16(h[32:], uint16(2*channels))
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], dataLen)
	return h
}

// EncodeWAV returns pcm as an 8 kHz 16-bit mono WAV file (for tests,
// generated prompts and the TTS cache).
func EncodeWAV(pcm []int16) []byte {
	out := wavHeader(1, uint32(2*len(pcm)))
	for _, s := range pcm {
		out = binary.LittleEndian.AppendUint16(out, uint16(s))
	}
	return out
}
