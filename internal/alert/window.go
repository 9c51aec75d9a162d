package alert

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/store"
)

// Default thresholds of a queue that leaves them zero (docs/metrics.md):
// answered within 20 s counts for the service level (80/20), and callers
// who hang up within 20 s are short abandons, counted in neither figure.
const (
	DefaultServiceLevelSec = acd.DefaultServiceLevelSec
	DefaultShortAbandonSec = 20
)

// Counts are a queue's inbound calls in a window, as the two windowed
// metrics count them (docs/metrics.md): calls queued, answered, answered
// within the service-level threshold, abandoned after waiting at least the
// short-abandon threshold (long abandons) and within it (short abandons,
// left out of both figures), and overflowed (to voicemail or a goodbye, or
// left a callback request).
type Counts struct {
	Queued         int `json:"queued"`
	Answered       int `json:"answered"`
	AnsweredInSL   int `json:"answered_in_sl"`
	Abandoned      int `json:"abandoned"` // long abandons
	ShortAbandoned int `json:"short_abandoned"`
	Overflowed     int `json:"overflowed"`
}

// ServiceLevel is metric 21 in its default variant, "abandoned calls
// counted against" (docs/metrics.md): answered within the threshold ÷
// (answered + long abandons + overflowed), in percent. ok is false when
// no call counts.
func ServiceLevel(c Counts) (pct float64, ok bool) {
	n := c.Answered + c.Abandoned + c.Overflowed
	if n <= 0 {
		return 0, false
	}
	return 100 * float64(c.AnsweredInSL) / float64(n), true
}

// AbandonRate is metric 14 (docs/metrics.md): long abandons ÷ (queued −
// short abandons), in percent. ok is false when no call counts.
func AbandonRate(c Counts) (pct float64, ok bool) {
	n := c.Queued - c.ShortAbandoned
	if n <= 0 {
		return 0, false
	}
	return 100 * float64(c.Abandoned) / float64(n), true
}

// Thresholds of one queue for the windowed metrics.
type Thresholds struct {
	ServiceLevel time.Duration // answered within this counts for the service level
	ShortAbandon time.Duration // abandoned within this is left out
}

// QueueThresholds returns a queue's thresholds from its configuration,
// with the defaults for zero.
func QueueThresholds(q acd.Queue) Thresholds {
	th := Thresholds{ServiceLevel: DefaultServiceLevelSec * time.Second, ShortAbandon: DefaultShortAbandonSec * time.Second}
	if q.ServiceLevelSec > 0 {
		th.ServiceLevel = time.Duration(q.ServiceLevelSec) * time.Second
	}
	if q.ShortAbandonSec > 0 {
		th.ShortAbandon = time.Duration(q.ShortAbandonSec) * time.Second
	}
	return th
}

// WindowCounts counts the inbound calls queued in queue (by name, as CDRs
// name it) that started in (from, to], from the stored CDRs.
func WindowCounts(ctx context.Context, q store.Querier, queue string, from, to time.Time, th Thresholds) (Counts, error) {
	var c Counts
	err := q.QueryRowContext(ctx, `SELECT count(*),
			COALESCE(SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN outcome = 'answered' AND wait_ms <= $4 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN outcome = 'abandoned' AND wait_ms >= $5 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN outcome = 'abandoned' AND wait_ms < $5 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN outcome IN ('overflow', 'callback') THEN 1 ELSE 0 END), 0)
		FROM cdrs WHERE queue = $1 AND direction = 'inbound' AND started_at > $2 AND started_at <= $3`,
		queue, from.UnixMilli(), to.UnixMilli(), th.ServiceLevel.Milliseconds(), th.ShortAbandon.Milliseconds()).
		Scan(&c.Queued, &c.Answered, &c.AnsweredInSL, &c.Abandoned, &c.ShortAbandoned, &c.Overflowed)
	if err != nil {
		return Counts{}, fmt.Errorf("alert: window counts of %s: %w", queue, err)
	}
	return c, nil
}
