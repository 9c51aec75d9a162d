package media

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// testFrame is frame k of a deterministic stereo test signal.
func testFrame(k int) (left, right []int16) {
	left, right = make([]int16, FrameSamples), make([]int16, FrameSamples)
	for i := range left {
		left[i] = int16(k*7 + i)
		right[i] = -int16(k*13 + i)
	}
	return left, right
}

// readRecording parses a stereo recording the way a player would: trusting
// the header's data size, which must not exceed the file.
func readRecording(t *testing.T, path string) (frames int, size int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	info, err := parseWAV(f, st.Size())
	if err != nil {
		t.Fatalf("recording does not parse: %v", err)
	}
	if info.channels != 2 || info.rate != 8000 || info.bits != 16 || info.format != wavFormatPCM {
		t.Fatalf("format %v", info)
	}
	if info.dataOff+info.dataLen > st.Size() {
		t.Fatalf("header claims %d data bytes, file holds %d", info.dataLen, st.Size()-info.dataOff)
	}
	var riff [4]byte
	f.ReadAt(riff[:], 4)
	if int64(binary.LittleEndian.Uint32(riff[:])) != info.dataOff-8+info.dataLen {
		t.Fatalf("RIFF size %d inconsistent with data size %d", binary.LittleEndian.Uint32(riff[:]), info.dataLen)
	}
	data := make([]byte, info.dataLen)
	f.ReadAt(data, info.dataOff)
	checkSignal(t, data)
	return int(info.dataLen / 4), st.Size()
}

// checkSignal verifies that stereo data is a prefix of the test signal.
func checkSignal(t *testing.T, data []byte) {
	t.Helper()
	for n := 0; n+4 <= len(data); n += 4 {
		k, i := n/4/FrameSamples, n/4%FrameSamples
		l, r := testFrame(k)
		gl, gr := int16(binary.LittleEndian.Uint16(data[n:])), int16(binary.LittleEndian.Uint16(data[n+2:]))
		if gl != l[i] || gr != r[i] {
			t.Fatalf("sample frame %d: got %d/%d, want %d/%d", n/4, gl, gr, l[i], r[i])
		}
	}
}

// record writes frames from..to-1, never outrunning the writer's queue
// (a real bridge ticks every 20 ms; a test loop would only fill the queue).
func record(r *Recorder, from, to int) {
	for k := from; k < to; k++ {
		for len(r.queue) == cap(r.queue) {
			time.Sleep(100 * time.Microsecond)
		}
		r.WriteStereo(testFrame(k))
	}
}

// crash stops the writer like a killed process: no flush, no header
// update; the kernel closes the file.
func (r *Recorder) crash() {
	close(r.abandon)
	<-r.done
	r.f.Close()
}

func TestRecorderStereo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "call.wav")
	r, err := NewRecorder(path, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	record(r, 0, 100)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r.WriteStereo(testFrame(0)) // after Close: ignored
	frames, size := readRecording(t, path)
	if frames != 100*FrameSamples {
		t.Errorf("%d sample frames, want %d", frames, 100*FrameSamples)
	}
	if r.Duration() != 2*time.Second || r.Size() != size || size != 44+100*640 {
		t.Errorf("duration %v size %d (file %d)", r.Duration(), r.Size(), size)
	}
	if r.Close() != nil || r.Dropped() != 0 {
		t.Error("second Close failed or frames dropped")
	}
}

// TestRecorderCheckpoints: while the call runs, the header follows the data
// so the file is always playable.
func TestRecorderCheckpoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.wav")
	r, err := newRecorder(path, testLogger(t), 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	record(r, 0, 50)
	waitFor(t, "header to cover 50 frames", func() bool {
		f, err := os.Open(path)
		if err != nil {
			return false
		}
		defer f.Close()
		var b [4]byte
		f.ReadAt(b[:], 40)
		return binary.LittleEndian.Uint32(b[:]) == 50*640
	})
	r.crash()
	if frames, _ := readRecording(t, path); frames != 50*FrameSamples {
		t.Fatalf("%d frames after crash", frames)
	}
}

// TestRecorderCrashThenRepair: the process dies with the header saying 0
// bytes and 64 KB+ of samples on disk; RepairWAV recovers them.
func TestRecorderCrashThenRepair(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.wav")
	r, err := newRecorder(path, testLogger(t), time.Hour) // no checkpoint
	if err != nil {
		t.Fatal(err)
	}
	record(r, 0, 120) // 76 800 bytes: the 64 KB buffer spills to the file
	waitFor(t, "samples on disk", func() bool {
		st, err := os.Stat(path)
		return err == nil && st.Size() > 44
	})
	record(r, 120, 130) // these die in the buffer
	r.crash()
	if frames, _ := readRecording(t, path); frames != 0 {
		t.Fatalf("header claimed %d frames before repair", frames)
	}
	st, _ := os.Stat(path)
	got, err := RepairWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := (st.Size() - 44) / 4; got != want || got == 0 {
		t.Fatalf("repaired %d frames, file holds %d", got, want)
	}
	if frames, _ := readRecording(t, path); int64(frames) != got {
		t.Fatalf("after repair the header says %d frames", frames)
	}
	t.Logf("recovered %d ms of audio", got/8)
}

// TestRepairWAVTruncated cuts a recording at many byte offsets (inside the
// header, inside a sample frame, at the end) and repairs each copy.
func TestRepairWAVTruncated(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.wav")
	r, err := NewRecorder(full, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	record(r, 0, 20)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	content, _ := os.ReadFile(full)
	var offsets []int
	for off := 0; off < 60; off++ {
		offsets = append(offsets, off)
	}
	for off := 60; off < len(content); off += 113 {
		offsets = append(offsets, off)
	}
	offsets = append(offsets, len(content)-1, len(content))
	for _, off := range offsets {
		path := filepath.Join(dir, fmt.Sprintf("cut%d.wav", off))
		if err := os.WriteFile(path, content[:off], 0o600); err != nil {
			t.Fatal(err)
		}
		frames, err := RepairWAV(path)
		if off < 44 {
			if !errors.Is(err, ErrWAV) {
				t.Errorf("offset %d (inside the header): %v, want ErrWAV", off, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("offset %d: %v", off, err)
		}
		want := int64(off-44) / 4
		if frames != want {
			t.Errorf("offset %d: %d frames, want %d", off, frames, want)
		}
		if got, size := readRecording(t, path); int64(got) != want || size != 44+4*want {
			t.Errorf("offset %d: file has %d frames, %d bytes", off, got, size)
		}
	}
	if _, err := RepairWAV(filepath.Join(dir, "nope.wav")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestRecorderKill9 records in a child process and kills it with SIGKILL
// mid-call; the file must be playable as it is, and repairable.
func TestRecorderKill9(t *testing.T) {
	if path := os.Getenv("HOTLINE_MEDIA_RECORDER_CHILD"); path != "" {
		recorderChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "killed.wav")
	cmd := exec.Command(os.Args[0], "-test.run=^TestRecorderKill9$")
	cmd.Env = append(os.Environ(), "HOTLINE_MEDIA_RECORDER_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "READY" {
				ready <- sc.Text()
			}
		}
		close(ready)
	}()
	select {
	case _, ok := <-ready:
		if !ok {
			t.Fatal("child exited before it was ready")
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child never became ready")
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	frames, _ := readRecording(t, path)
	if frames < 150*FrameSamples {
		t.Fatalf("playable part after kill -9: %d frames, want ≥ %d", frames, 150*FrameSamples)
	}
	repaired, err := RepairWAV(path)
	if err != nil || repaired < int64(frames) {
		t.Fatalf("repair: %d frames, %v", repaired, err)
	}
	readRecording(t, path)
	t.Logf("after kill -9: %d frames playable as is, %d after repair", frames, repaired)
}

// recorderChild records 150 frames, waits for a checkpoint to cover them,
// says READY and keeps recording until it is killed.
func recorderChild(path string) {
	r, err := newRecorder(path, nil, 20*time.Millisecond)
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	record(r, 0, 150)
	for {
		f, err := os.Open(path)
		if err == nil {
			var b [4]byte
			f.ReadAt(b[:], 40)
			f.Close()
			if binary.LittleEndian.Uint32(b[:]) >= 150*640 {
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	fmt.Println("READY")
	for k := 150; ; k++ {
		record(r, k, k+1)
		time.Sleep(time.Millisecond)
	}
}
