package tts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Defaults for Config.
const (
	DefaultSpeed   = 160 // words per minute; espeak-ng's 175 is hurried on a phone line
	DefaultTimeout = 30 * time.Second
)

// formatVersion changes whenever the rendering pipeline changes (options,
// effects), so older cache entries are not reused.
const formatVersion = "1:8000/1/16:norm-3"

// Config configures an Engine.
type Config struct {
	// Dir is the cache directory (required); it is created if missing.
	Dir string
	// Espeak and Sox are the commands to run, names looked up in PATH or
	// paths (defaults "espeak-ng" and "sox").
	Espeak, Sox string
	// Speed is espeak-ng's speed in words per minute (default 160).
	Speed int
	// Timeout bounds one rendering (default 30 s).
	Timeout time.Duration
	// Logger (default slog.Default()).
	Logger *slog.Logger
}

// Engine renders and caches prompts. It is safe for concurrent use.
type Engine struct {
	cfg Config

	verMu   sync.Mutex
	version string // tool versions, once probed

	mu      sync.Mutex
	flights map[string]*flight // renderings in progress, by cache path
}

// flight is one rendering shared by everyone asking for the same prompt.
type flight struct {
	done    chan struct{}
	err     error
	waiters int
	cancel  context.CancelFunc
}

// New returns an engine caching in cfg.Dir. It does not need espeak-ng or
// sox to be installed; Available and Render report that.
func New(cfg Config) (*Engine, error) {
	if cfg.Dir == "" {
		return nil, errors.New("tts: no cache directory configured")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("tts: cache directory: %w", err)
	}
	if cfg.Espeak == "" {
		cfg.Espeak = "espeak-ng"
	}
	if cfg.Sox == "" {
		cfg.Sox = "sox"
	}
	if cfg.Speed <= 0 {
		cfg.Speed = DefaultSpeed
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Engine{cfg: cfg, flights: make(map[string]*flight)}, nil
}

// Available reports nil when espeak-ng and sox run, else an error wrapping
// ErrUnavailable that names what is missing.
func (e *Engine) Available(ctx context.Context) error {
	_, err := e.toolVersion(ctx)
	return err
}

// Render returns the path of an 8 kHz mono 16-bit WAV file speaking text
// in lang, synthesising it unless it is cached. Callers asking at the same
// time for the same prompt share one synthesis; it is cancelled only when
// every one of them has given up.
func (e *Engine) Render(ctx context.Context, lang, text string) (string, error) {
	voice, err := Voice(lang)
	if err != nil {
		return "", err
	}
	if text, err = cleanText(text); err != nil {
		return "", err
	}
	ver, err := e.toolVersion(ctx)
	if err != nil {
		return "", err
	}
	path := e.cachePath(ver, voice, text)
	if cached(path) {
		return path, nil
	}
	if err := e.join(ctx, path, voice, text); err != nil {
		return "", err
	}
	return path, nil
}

// cachePath: <dir>/<voice>-<sha256 of everything that shapes the audio>.wav
func (e *Engine) cachePath(ver, voice, text string) string {
	h := sha256.New()
	for _, s := range []string{formatVersion, ver, voice, strconv.Itoa(e.cfg.Speed), text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return filepath.Join(e.cfg.Dir, voice+"-"+hex.EncodeToString(h.Sum(nil))+".wav")
}

// cached reports whether a complete rendering is at path (renderings
// appear by rename, so a file there is complete unless damaged).
func cached(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Size() > 44
}

// join waits for the rendering of path, starting it if nobody has.
func (e *Engine) join(ctx context.Context, path, voice, text string) error {
	e.mu.Lock()
	f, ok := e.flights[path]
	if !ok {
		if cached(path) { // finished between Render's check and here
			e.mu.Unlock()
			return nil
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.Timeout)
		f = &flight{done: make(chan struct{}), cancel: cancel}
		e.flights[path] = f
		go e.fly(rctx, f, path, voice, text)
	}
	f.waiters++
	e.mu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		e.leave(f, path)
		return ctx.Err()
	}
}

// leave drops a waiter; the last one out cancels the rendering and forgets
// it, so a later request starts afresh instead of joining a dying one.
func (e *Engine) leave(f *flight, path string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f.waiters--
	if f.waiters == 0 {
		f.cancel()
		if e.flights[path] == f {
			delete(e.flights, path)
		}
	}
}

func (e *Engine) fly(ctx context.Context, f *flight, path, voice, text string) {
	f.err = e.render(ctx, path, voice, text)
	f.cancel()
	e.mu.Lock()
	if e.flights[path] == f {
		delete(e.flights, path)
	}
	e.mu.Unlock()
	close(f.done)
}
