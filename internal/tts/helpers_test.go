package tts

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/testenv"
)

// wait bounds every wait in these tests; passing tests never reach it.
const wait = 30 * time.Second

// tools returns the real espeak-ng and sox, or skips (fails in CI).
func tools(t *testing.T) (espeak, sox string) {
	t.Helper()
	return testenvTools(t)
}

func testenvTools(t testing.TB) (espeak, sox string) {
	t.Helper()
	return testenv.Tool(t, "espeak-ng", "espeak-ng"), testenv.Tool(t, "sox", "sox")
}

// wrapper is an espeak-ng command that logs each synthesis (not version
// probes) to a file, optionally waits for a gate file, then runs the real
// espeak-ng: the engine is real, its invocations are counted.
type wrapper struct {
	path, log, gate string
}

func newWrapper(t *testing.T, real string, gated bool) *wrapper {
	t.Helper()
	dir := t.TempDir()
	w := &wrapper{path: filepath.Join(dir, "espeak-ng"), log: filepath.Join(dir, "log"), gate: filepath.Join(dir, "go")}
	wait := ""
	if gated {
		wait = "while [ ! -e '" + w.gate + "' ]; do sleep 0.01; done\n"
	}
	script := "#!/bin/sh\n[ \"$1\" = --version ] && exec '" + real + "' --version\necho run >> '" + w.log + "'\n" + wait + "exec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(w.path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *wrapper) runs() int {
	b, _ := os.ReadFile(w.log)
	return strings.Count(string(b), "run\n")
}

func (w *wrapper) open(t *testing.T) {
	if err := os.WriteFile(w.gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", wait, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// totalWaiters counts callers waiting for renderings in progress.
func (e *Engine) totalWaiters() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, f := range e.flights {
		n += f.waiters
	}
	return n
}

func newEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// peak returns the largest absolute sample of a 16-bit WAV written by sox
// (44-byte header).
func peak(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(44, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	p := 0
	for i := 0; i+1 < len(b); i += 2 {
		s := int(int16(binary.LittleEndian.Uint16(b[i:])))
		p = max(p, s, -s)
	}
	return p
}
