package bustest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/hotline-cc/hotline/internal/bus"
)

func testBadInput(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	ctx := context.Background()
	c, _ := Subscribe(t, b, bus.All)
	for _, s := range []string{"", "hotline", "hotline.", "call.1", "hotline..x", "hotline.*", "hotline.>", "hotline.a b", "hotline.x\n", "HOTLINE.x", "hotline.é"} {
		err := b.Publish(ctx, bus.Event{Subject: s, Type: "t"})
		if !errors.Is(err, bus.ErrInvalidSubject) {
			t.Errorf("Publish to %q: %v, want ErrInvalidSubject", s, err)
		}
	}
	for _, ev := range []bus.Event{
		{Subject: "hotline.call.1"},
		{Subject: "hotline.call.1", Type: "with space"},
		{Subject: "hotline.call.1", Type: "t", Data: json.RawMessage(`{"open":`)},
		{Subject: "hotline.call.1", Type: "t", ID: "id\r\nInjected: header"},
	} {
		if err := b.Publish(ctx, ev); !errors.Is(err, bus.ErrInvalidEvent) {
			t.Errorf("Publish %+v: %v, want ErrInvalidEvent", ev, err)
		}
	}
	for _, p := range []string{"", ">", "*", "*.call", "hotline", "hotline.>.x", "hotline.a*", "hotline.>>", "hotline..*", "call.>"} {
		if _, err := b.Subscribe(ctx, p, c.Handle); !errors.Is(err, bus.ErrInvalidPattern) {
			t.Errorf("Subscribe %q: %v, want ErrInvalidPattern", p, err)
		}
	}
	if _, err := b.Subscribe(ctx, bus.All, nil); err == nil {
		t.Error("Subscribe with a nil handler succeeded")
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	ev, _ := bus.NewEvent("hotline.call.1", "t", nil)
	if err := b.Publish(done, ev); !errors.Is(err, context.Canceled) {
		t.Errorf("Publish with a done context: %v", err)
	}
	// The bus still works and delivered none of the rejected events.
	if early := c.WaitID(t, Publish(t, b, "hotline.call.1", "ok", nil).ID); len(early) != 0 {
		t.Errorf("rejected events were delivered: %s", describe(early))
	}
}
