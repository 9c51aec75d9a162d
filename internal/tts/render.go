package tts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// render synthesises text into path: espeak-ng writes a WAV at its own
// rate, sox converts it to 8 kHz mono 16-bit and normalises to -3 dBFS so
// every prompt plays at the same loudness; the result appears by rename.
func (e *Engine) render(ctx context.Context, path, voice, text string) error {
	start := time.Now()
	raw, err := tempName(e.cfg.Dir, ".espeak-*.wav")
	if err != nil {
		return err
	}
	defer os.Remove(raw)
	out, err := tempName(e.cfg.Dir, ".sox-*.wav")
	if err != nil {
		return err
	}
	defer os.Remove(out)

	if err := e.run(ctx, text, e.cfg.Espeak, "-v", voice, "-s", strconv.Itoa(e.cfg.Speed), "-b", "1", "-w", raw, "--stdin"); err != nil {
		return err
	}
	if err := e.run(ctx, "", e.cfg.Sox, raw, "-t", "wav", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", out, "norm", "-3"); err != nil {
		return err
	}
	info, err := ReadWAVInfo(out)
	if err != nil || !info.IsTelephony() || info.DataBytes == 0 {
		return fmt.Errorf("tts: sox produced %+v, want 8 kHz mono 16-bit audio: %v", info, err)
	}
	if err := os.Rename(out, path); err != nil {
		return fmt.Errorf("tts: store rendering: %w", err)
	}
	e.cfg.Logger.Debug("tts: rendered", "voice", voice, "chars", len([]rune(text)),
		"audio", info.Duration(), "took", time.Since(start), "path", path)
	return nil
}

// tempName reserves a fresh file name in dir.
func tempName(dir, pattern string) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("tts: temporary file: %w", err)
	}
	name := f.Name()
	f.Close()
	return name, nil
}

// run runs a tool with stdin; its error quotes the tool's stderr.
func (e *Engine) run(ctx context.Context, stdin, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 2048}
	cmd.WaitDelay = 2 * time.Second // a stray child holding stderr must not hang us
	err := cmd.Run()
	switch {
	case err == nil:
		return nil
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%w: %s is not installed: %w", ErrUnavailable, name, err)
	case ctx.Err() != nil:
		return fmt.Errorf("tts: %s: %w", name, context.Cause(ctx))
	}
	return fmt.Errorf("tts: %s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
}

// limitedWriter keeps the first n bytes and discards the rest.
type limitedWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if room := l.n - l.w.Len(); room > 0 {
		l.w.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// toolVersion probes espeak-ng and sox once; their versions are part of
// the cache key, so an upgrade re-renders prompts.
func (e *Engine) toolVersion(ctx context.Context) (string, error) {
	e.verMu.Lock()
	defer e.verMu.Unlock()
	if e.version != "" {
		return e.version, nil
	}
	var parts []string
	for _, tool := range []string{e.cfg.Espeak, e.cfg.Sox} {
		v, err := probe(ctx, tool)
		if err != nil {
			return "", err
		}
		parts = append(parts, v)
	}
	e.version = strings.Join(parts, "|")
	return e.version, nil
}

func probe(ctx context.Context, tool string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	path, err := exec.LookPath(tool)
	if err != nil {
		return "", fmt.Errorf("%w: %s is not installed (Debian package %s): %w", ErrUnavailable, tool, debianPackage(tool), err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("tts: %s --version: %w", tool, ctx.Err())
		}
		return "", fmt.Errorf("%w: %s --version: %w", ErrUnavailable, tool, err)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return first, nil
}

func debianPackage(tool string) string {
	if strings.Contains(tool, "sox") {
		return "sox"
	}
	return "espeak-ng"
}
