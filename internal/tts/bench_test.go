package tts

import (
	"context"
	"testing"
)

// BenchmarkRender: one uncached prompt, espeak-ng + sox (what the first
// caller waits for).
func BenchmarkRender(b *testing.B) {
	espeak, sox := testenvTools(b)
	e, err := New(Config{Dir: b.TempDir(), Espeak: espeak, Sox: sox})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if _, err := e.Render(context.Background(), "zh-CN", "您前面还有"+zhNumber(i)+"位，预计等待两分钟"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderCached: a cache hit (what every later caller waits for).
func BenchmarkRenderCached(b *testing.B) {
	espeak, sox := testenvTools(b)
	e, err := New(Config{Dir: b.TempDir(), Espeak: espeak, Sox: sox})
	if err != nil {
		b.Fatal(err)
	}
	text := "欢迎致电客服中心，人工服务请按零"
	if _, err := e.Render(context.Background(), "zh-CN", text); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Render(context.Background(), "zh-CN", text); err != nil {
			b.Fatal(err)
		}
	}
}
