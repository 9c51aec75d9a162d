package media

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Recorder writes a call recording: a stereo WAV file, 8 kHz 16-bit PCM,
// left channel the caller, right channel the agent. It is the Bridge's Tap.
//
// The file stays readable if the process dies (crash, kill -9): the header
// is written first, and every second the buffered samples are written out
// and then the two size fields (RIFF and data) are patched to match, so the
// header never claims more than the file holds; every fifth such
// checkpoint is also fsynced, for power loss. After a crash the file plays
// up to the last checkpoint; RepairWAV recovers everything written.
type Recorder struct {
	log   *slog.Logger
	path  string
	f     *os.File
	w     *bufio.Writer
	queue chan *stereoFrame
	free  chan *stereoFrame

	mu     sync.Mutex // guards closed against WriteStereo
	closed bool

	data      atomic.Int64 // sample bytes written to the buffer
	dropped   atomic.Uint64
	full      bool // the 4 GB WAV limit was reached
	failed    bool // a write failed (disk full?): logged once
	interval  time.Duration
	syncEvery int
	abandon   chan struct{} // tests: stop like a killed process
	done      chan struct{}
	err       error
}

type stereoFrame [2 * FrameSamples]int16

const (
	recorderQueue     = 100 // frames (2 s) the bridge may run ahead of the disk
	checkpointEvery   = time.Second
	syncEveryNth      = 5
	maxWAVData        = 0xFFFFFFFF - 36 - 4*FrameSamples
	recorderFrameSize = 4 * FrameSamples // bytes per stereo frame
)

// NewRecorder creates (or truncates) the file at path and starts writing.
func NewRecorder(path string, logger *slog.Logger) (*Recorder, error) {
	return newRecorder(path, logger, checkpointEvery)
}

func newRecorder(path string, logger *slog.Logger, interval time.Duration) (*Recorder, error) {
	if logger == nil {
		logger = slog.Default()
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, fmt.Errorf("media: create recording: %w", err)
	}
	if _, err := f.Write(wavHeader(2, 0)); err != nil {
		f.Close()
		return nil, fmt.Errorf("media: write recording header: %w", err)
	}
	r := &Recorder{
		log: logger.With("recording", path), path: path, f: f,
		w:     bufio.NewWriterSize(f, 64<<10),
		queue: make(chan *stereoFrame, recorderQueue), free: make(chan *stereoFrame, recorderQueue),
		interval: interval, syncEvery: syncEveryNth,
		abandon: make(chan struct{}), done: make(chan struct{}),
	}
	go r.run()
	return r, nil
}

// WriteStereo implements Tap: it queues one frame of each side and never
// blocks; if the disk falls 2 s behind, frames are dropped and counted.
func (r *Recorder) WriteStereo(left, right []int16) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	var fr *stereoFrame
	select {
	case fr = <-r.free:
	default:
		fr = new(stereoFrame)
	}
	for i := range FrameSamples {
		fr[2*i], fr[2*i+1] = sampleAt(left, i), sampleAt(right, i)
	}
	select {
	case r.queue <- fr:
	default:
		if r.dropped.Add(1) == 1 {
			r.log.Warn("recording falls behind the call; dropping audio")
		}
	}
}

func sampleAt(s []int16, i int) int16 {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func (r *Recorder) run() {
	defer close(r.done)
	t := time.NewTicker(r.interval)
	defer t.Stop()
	checkpoints := 0
	for {
		select {
		case fr, ok := <-r.queue:
			if !ok {
				r.err = r.finish()
				return
			}
			r.write(fr)
		case <-t.C:
			checkpoints++
			if err := r.checkpoint(checkpoints%r.syncEvery == 0); err != nil {
				r.log.Error("recording checkpoint", "err", err)
			}
		case <-r.abandon:
			return
		}
	}
}

func (r *Recorder) write(fr *stereoFrame) {
	defer func() {
		select {
		case r.free <- fr:
		default:
		}
	}()
	if r.data.Load() >= maxWAVData {
		if !r.full {
			r.full = true
			r.log.Warn("recording reached the 4 GB WAV limit; not recording further")
		}
		return
	}
	var b [recorderFrameSize]byte
	for i, s := range fr {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(s))
	}
	if _, err := r.w.Write(b[:]); err != nil {
		if !r.failed {
			r.failed = true
			r.log.Error("recording write failed; audio is being lost", "err", err)
		}
		return
	}
	r.data.Add(recorderFrameSize)
}

// checkpoint makes the file consistent: data out first, then sizes.
func (r *Recorder) checkpoint(sync bool) error {
	if err := r.w.Flush(); err != nil {
		return err
	}
	if err := patchWAVSizes(r.f, wavHeaderSize, r.data.Load()); err != nil {
		return err
	}
	if sync {
		return r.f.Sync()
	}
	return nil
}

func (r *Recorder) finish() error {
	err := r.checkpoint(true)
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("media: finish recording %s: %w", r.path, err)
	}
	return nil
}

// patchWAVSizes writes the RIFF and data chunk sizes for a file whose data
// chunk payload starts at dataOff and is dataLen bytes long.
func patchWAVSizes(f *os.File, dataOff, dataLen int64) error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(dataOff-8+dataLen))
	if _, err := f.WriteAt(b[:], 4); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(b[:], uint32(dataLen))
	_, err := f.WriteAt(b[:], dataOff-4)
	return err
}

// Close writes out what is queued, fixes the header, syncs and closes.
func (r *Recorder) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.done
		return r.err
	}
	r.closed = true
	close(r.queue)
	r.mu.Unlock()
	<-r.done
	return r.err
}

// Path is the file being written.
func (r *Recorder) Path() string { return r.path }

// Duration is the length of the audio recorded so far.
func (r *Recorder) Duration() time.Duration {
	return time.Duration(r.data.Load()/4) * time.Second / SampleRate
}

// Size is the file size once everything queued so far is written.
func (r *Recorder) Size() int64 { return wavHeaderSize + r.data.Load() }

// Dropped is the number of frames lost because the disk was too slow.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// RepairWAV fixes the RIFF and data sizes of a WAV file whose writer died
// (see Recorder): the data chunk is taken to run to the end of the file,
// and a trailing partial sample frame is cut off. It returns the number of
// sample frames in the repaired file. The data chunk must be the last
// chunk, as in every file the Recorder writes.
func RepairWAV(path string) (frames int64, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("media: repair WAV: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("media: repair WAV: %w", cerr)
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("media: repair WAV: %w", err)
	}
	info, err := parseWAV(f, st.Size())
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	if info.dataOff > st.Size() {
		return 0, fmt.Errorf("%s: %w: data chunk header cut off", path, ErrWAV)
	}
	dataLen := st.Size() - info.dataOff
	dataLen -= dataLen % int64(info.blockAlign)
	dataLen = min(dataLen, 0xFFFFFFFF-(info.dataOff-8))
	if err := f.Truncate(info.dataOff + dataLen); err != nil {
		return 0, fmt.Errorf("media: repair WAV: %w", err)
	}
	if err := patchWAVSizes(f, info.dataOff, dataLen); err != nil {
		return 0, fmt.Errorf("media: repair WAV: %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("media: repair WAV: %w", err)
	}
	return dataLen / int64(info.blockAlign), nil
}
