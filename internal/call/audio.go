package call

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/media"
)

// TTS renders text to an 8 kHz WAV file (internal/tts).
type TTS interface {
	Render(ctx context.Context, lang, text string) (string, error)
}

// PromptLookup finds stored prompts by name (internal/ivr PromptStore).
type PromptLookup interface {
	GetByName(ctx context.Context, name string) (*ivr.StoredPrompt, error)
}

// Audio turns prompts into PCM: stored prompts (uploaded WAV files or
// stored TTS text) and inline text, spoken by the TTS engine. Decoded audio
// is cached in memory, so a prompt is read and decoded once; the cache is
// bounded by total samples.
type Audio struct {
	TTS     TTS // nil: inline text prompts are skipped
	Prompts PromptLookup
	DataDir string
	Log     *slog.Logger

	mu      sync.Mutex
	cache   map[string][]int16
	order   []string
	samples int
	max     int
}

// NewAudio returns a library caching up to about one hour of audio.
func NewAudio(tts TTS, prompts PromptLookup, dataDir string, log *slog.Logger) *Audio {
	return &Audio{TTS: tts, Prompts: prompts, DataDir: dataDir, Log: log, cache: map[string][]int16{}, max: 8000 * 3600}
}

// PCM returns the audio of prompts one after another. A prompt that cannot
// be rendered (a missing file, no TTS engine) is logged and skipped: a bad
// prompt never strands a caller.
func (a *Audio) PCM(ctx context.Context, prompts []ivr.Prompt) []int16 {
	var out []int16
	for _, p := range prompts {
		pcm, err := a.one(ctx, p)
		if err != nil {
			a.Log.Warn("prompt skipped", "prompt", p.String(), "err", err)
			continue
		}
		out = append(out, pcm...)
	}
	return out
}

func (a *Audio) one(ctx context.Context, p ivr.Prompt) ([]int16, error) {
	key := p.String()
	a.mu.Lock()
	pcm, ok := a.cache[key]
	a.mu.Unlock()
	if ok {
		return pcm, nil
	}
	var path string
	var err error
	switch {
	case p.IsTTS():
		path, err = a.speak(ctx, p.Lang, p.Text)
	default:
		var sp *ivr.StoredPrompt
		if sp, err = a.Prompts.GetByName(ctx, p.Name); err != nil {
			return nil, fmt.Errorf("stored prompt %q: %w", p.Name, err)
		}
		if sp.Kind == ivr.PromptTTS {
			lang := sp.Language
			if lang == "" {
				lang = p.Lang
			}
			path, err = a.speak(ctx, lang, sp.Text)
		} else {
			path = filepath.Join(a.DataDir, sp.File)
		}
	}
	if err != nil {
		return nil, err
	}
	if pcm, err = media.LoadWAV(path); err != nil {
		return nil, err
	}
	a.put(key, pcm)
	return pcm, nil
}

// ErrNoTTS is returned for spoken text when no TTS engine is configured.
var ErrNoTTS = errors.New("call: no speech synthesiser (install espeak-ng and sox)")

func (a *Audio) speak(ctx context.Context, lang, text string) (string, error) {
	if a.TTS == nil {
		return "", ErrNoTTS
	}
	if lang == "" {
		lang = "zh-CN"
	}
	return a.TTS.Render(ctx, lang, text)
}

// Say renders one text now (announcements); nil when it cannot.
func (a *Audio) Say(ctx context.Context, lang, text string) []int16 {
	return a.PCM(ctx, []ivr.Prompt{{Text: text, Lang: lang}})
}

func (a *Audio) put(key string, pcm []int16) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.cache[key]; ok {
		return
	}
	a.cache[key] = pcm
	a.order = append(a.order, key)
	a.samples += len(pcm)
	for a.samples > a.max && len(a.order) > 1 {
		old := a.order[0]
		a.order = a.order[1:]
		a.samples -= len(a.cache[old])
		delete(a.cache, old)
	}
}

// Warm renders prompts ahead of the first call (e.g. every flow's prompts at
// start), so that no caller waits for the speech synthesiser.
func (a *Audio) Warm(ctx context.Context, prompts []ivr.Prompt) {
	for _, p := range prompts {
		if _, err := a.one(ctx, p); err != nil && !errors.Is(err, ErrNoTTS) {
			a.Log.Debug("prompt not warmed", "prompt", p.String(), "err", err)
		}
	}
}

// holdMusic is the built-in music on hold: a slow, quiet arpeggio over a
// soft pad, 8 seconds long, looped by the player.
func holdMusic() []int16 {
	const rate = 8000
	notes := []float64{261.63, 329.63, 392.00, 523.25, 392.00, 329.63, 293.66, 349.23, 440.00, 587.33, 440.00, 349.23, 246.94, 293.66, 392.00, 493.88}
	step := rate / 2 // half a second per note
	out := make([]int16, len(notes)*step)
	for i := range out {
		n := notes[i/step]
		t := float64(i) / rate
		pos := float64(i%step) / float64(step)
		env := math.Sin(math.Pi * pos) // fade each note in and out
		v := 0.18*env*math.Sin(2*math.Pi*n*t) + 0.06*math.Sin(2*math.Pi*n/2*t)
		out[i] = int16(v * 32767 * 0.5)
	}
	return out
}

// langOf picks the announcement language of a queue.
func langOf(l string) string {
	if strings.HasPrefix(l, "en") {
		return "en"
	}
	return "zh-CN"
}

var _ = time.Second
