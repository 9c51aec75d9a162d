package sip

import (
	"context"
	"log/slog"
)

// sipgoLogHandler sits between sipgo and our logger. sipgo drops messages it
// cannot parse with an Error record carrying the whole datagram; that would
// let anyone flood our logs, and it is the only place the drop is visible.
// So the handler counts those records (Stats.Unparsable) and logs them at
// Debug without the payload. Everything else sipgo says below Warn is
// demoted to Debug: it is library chatter, not operations news.
//
// The message text is sipgo v1.7.2's; TestUnparsableIsCounted pins it.
type sipgoLogHandler struct {
	next       slog.Handler
	unparsable func()
}

const sipgoParseFailure = "failed to parse"

func (h *sipgoLogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if l >= slog.LevelError {
		return true // parse failures must reach Handle to be counted
	}
	if l < slog.LevelWarn {
		l = slog.LevelDebug
	}
	return h.next.Enabled(ctx, l)
}

func (h *sipgoLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == sipgoParseFailure {
		h.unparsable()
		if !h.next.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		d := slog.NewRecord(r.Time, slog.LevelDebug, "sip: dropped unparsable message", r.PC)
		r.Attrs(func(a slog.Attr) bool {
			if a.Key != "data" {
				d.AddAttrs(a)
			}
			return true
		})
		return h.next.Handle(ctx, d)
	}
	if r.Level < slog.LevelWarn {
		r.Level = slog.LevelDebug
	}
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *sipgoLogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &sipgoLogHandler{next: h.next.WithAttrs(as), unparsable: h.unparsable}
}

func (h *sipgoLogHandler) WithGroup(name string) slog.Handler {
	return &sipgoLogHandler{next: h.next.WithGroup(name), unparsable: h.unparsable}
}
