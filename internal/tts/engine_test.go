package tts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRenderTelephonyWAV(t *testing.T) {
	espeak, sox := tools(t)
	e := newEngine(t, Config{Espeak: espeak, Sox: sox})
	ctx := context.Background()
	cases := []struct{ lang, short, long string }{
		{"zh-CN", "您好", "欢迎致电客服中心，业务咨询请按一，投诉建议请按二，人工服务请按零"},
		{"en", "hello", "welcome to the customer service center, for sales press one, for support press two"},
	}
	for _, c := range cases {
		var durs []time.Duration
		for _, text := range []string{c.short, c.long} {
			path, err := e.Render(ctx, c.lang, text)
			if err != nil {
				t.Fatalf("%s %q: %v", c.lang, text, err)
			}
			info, err := ReadWAVInfo(path)
			if err != nil {
				t.Fatal(err)
			}
			if !info.IsTelephony() {
				t.Errorf("%s %q: %+v, want 8 kHz mono 16-bit", c.lang, text, info)
			}
			d := info.Duration()
			if d < 200*time.Millisecond || d > 30*time.Second {
				t.Errorf("%s %q: %v of audio is implausible", c.lang, text, d)
			}
			// norm -3: peak at -3 dBFS = 23197.
			if p := peak(t, path); p < 20000 || p > 24000 {
				t.Errorf("%s %q: peak sample %d, want about 23197 (-3 dBFS)", c.lang, text, p)
			}
			durs = append(durs, d)
		}
		if durs[1] < 3*durs[0] {
			t.Errorf("%s: a long sentence (%v) is not much longer than a word (%v): the text was not spoken", c.lang, durs[1], durs[0])
		}
	}
}

func TestRenderCache(t *testing.T) {
	espeak, sox := tools(t)
	w := newWrapper(t, espeak, false)
	dir := t.TempDir()
	e := newEngine(t, Config{Dir: dir, Espeak: w.path, Sox: sox})
	ctx := context.Background()
	p1, err := e.Render(ctx, "zh-CN", "您前面还有两位")
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.Render(ctx, "zh_cn", "  您前面还有两位 ")
	if err != nil || p2 != p1 {
		t.Fatalf("second Render = %q, %v; want the cached %q", p2, err, p1)
	}
	// A restarted engine on the same directory reuses the file.
	if p3, err := newEngine(t, Config{Dir: dir, Espeak: w.path, Sox: sox}).Render(ctx, "zh", "您前面还有两位"); err != nil || p3 != p1 {
		t.Fatalf("after restart Render = %q, %v; want %q", p3, err, p1)
	}
	if n := w.runs(); n != 1 {
		t.Errorf("espeak-ng ran %d times for one prompt, want 1", n)
	}
	other, err := e.Render(ctx, "en", "您前面还有两位")
	if err != nil || other == p1 || w.runs() != 2 {
		t.Errorf("another voice: %q, %v, %d runs; want a new rendering", other, err, w.runs())
	}
	slower := newEngine(t, Config{Dir: dir, Espeak: w.path, Sox: sox, Speed: 120})
	if p, err := slower.Render(ctx, "zh", "您前面还有两位"); err != nil || p == p1 || w.runs() != 3 {
		t.Errorf("another speed: %q, %v, %d runs; want a new rendering", p, err, w.runs())
	}
}

func TestRenderConcurrentOnce(t *testing.T) {
	espeak, sox := tools(t)
	w := newWrapper(t, espeak, true)
	e := newEngine(t, Config{Espeak: w.path, Sox: sox})
	const n = 16
	paths, errs := make([]string, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { paths[i], errs[i] = e.Render(context.Background(), "zh-CN", "预计等待两分钟") })
	}
	// The gated synthesis cannot finish, so all requests end up waiting.
	waitFor(t, "every request to wait", func() bool { return e.totalWaiters() == n })
	w.open(t)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || paths[i] != paths[0] {
			t.Fatalf("request %d: %q, %v", i, paths[i], errs[i])
		}
	}
	if r := w.runs(); r != 1 {
		t.Errorf("%d concurrent requests ran espeak-ng %d times, want 1", n, r)
	}
}

func TestRenderCancel(t *testing.T) {
	espeak, sox := tools(t)
	w := newWrapper(t, espeak, true)
	e := newEngine(t, Config{Espeak: w.path, Sox: sox})

	// Of two waiters, the one that gives up does not spoil it for the other.
	ctxA, cancelA := context.WithCancel(context.Background())
	resA, resB := make(chan error, 1), make(chan error, 1)
	go func() { _, err := e.Render(ctxA, "en", "please hold"); resA <- err }()
	var pathB string
	go func() {
		var err error
		pathB, err = e.Render(context.Background(), "en", "please hold")
		resB <- err
	}()
	waitFor(t, "the synthesis to start", func() bool { return w.runs() > 0 })
	waitFor(t, "both waiters", func() bool { return e.totalWaiters() == 2 })
	cancelA()
	if err := <-resA; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled waiter: %v", err)
	}
	w.open(t)
	if err := <-resB; err != nil || !cached(pathB) {
		t.Errorf("remaining waiter: %q, %v", pathB, err)
	}
}

func TestRenderCancelLastWaiterStopsSynthesis(t *testing.T) {
	espeak, sox := tools(t)
	w := newWrapper(t, espeak, true)
	dir := t.TempDir()
	e := newEngine(t, Config{Dir: dir, Espeak: w.path, Sox: sox})
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { _, err := e.Render(ctx, "en", "goodbye"); res <- err }()
	waitFor(t, "the synthesis to start", func() bool { return w.runs() > 0 })
	cancel()
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("Render = %v, want context.Canceled", err)
	}
	// The gated espeak-ng is killed (it would wait forever) and its
	// temporary files removed.
	waitFor(t, "the cache directory to be empty", func() bool {
		ents, _ := os.ReadDir(dir)
		return len(ents) == 0
	})
	w.open(t)
	if _, err := e.Render(context.Background(), "en", "goodbye"); err != nil || w.runs() != 2 {
		t.Errorf("Render after a cancelled one: %v after %d runs; want a fresh synthesis", err, w.runs())
	}
}

func TestRenderUnavailable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-tool")
	for _, cfg := range []Config{{Espeak: missing}, {Sox: missing}} {
		e := newEngine(t, cfg)
		if err := e.Available(context.Background()); !errors.Is(err, ErrUnavailable) {
			t.Errorf("%+v: Available = %v, want ErrUnavailable", cfg, err)
		}
		if _, err := e.Render(context.Background(), "en", "hello"); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), missing) {
			t.Errorf("%+v: Render = %v, want ErrUnavailable naming the tool", cfg, err)
		}
	}
}

func TestRenderToolFails(t *testing.T) {
	_, sox := tools(t)
	dir := t.TempDir()
	script := filepath.Join(t.TempDir(), "espeak-ng")
	body := "#!/bin/sh\n[ \"$1\" = --version ] && { echo fake 1.0; exit 0; }\necho 'voice data missing' >&2\nexit 3\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, Config{Dir: dir, Espeak: script, Sox: sox})
	_, err := e.Render(context.Background(), "en", "hello")
	if err == nil || errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "voice data missing") {
		t.Errorf("Render = %v, want the tool's own message", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("a failed rendering left %d files", len(ents))
	}
}

func TestRenderBadInput(t *testing.T) {
	espeak, sox := tools(t)
	w := newWrapper(t, espeak, false)
	e := newEngine(t, Config{Espeak: w.path, Sox: sox})
	cases := []struct {
		lang, text string
		want       error
	}{
		{"en", "", ErrInvalidText},
		{"en", " \t\n\x00 ", ErrInvalidText},
		{"zh", strings.Repeat("长", MaxTextRunes+1), ErrInvalidText},
		{"fr", "bonjour", ErrUnsupportedLanguage},
		{"", "hello", ErrUnsupportedLanguage},
	}
	for _, c := range cases {
		if _, err := e.Render(context.Background(), c.lang, c.text); !errors.Is(err, c.want) {
			t.Errorf("Render(%q, %.20q) = %v, want %v", c.lang, c.text, err, c.want)
		}
	}
	if w.runs() != 0 {
		t.Errorf("bad input ran espeak-ng %d times", w.runs())
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without a directory succeeded")
	}
}
