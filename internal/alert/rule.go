package alert

import (
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Metric is a figure a rule watches.
type Metric string

// The metrics. Waiting and LongestWait are live (the ACD, now);
// ServiceLevel and AbandonRate are over the rule's window of recent calls.
const (
	MetricWaiting      Metric = "waiting"       // callers waiting now
	MetricLongestWait  Metric = "longest_wait"  // seconds the longest caller has waited, now
	MetricServiceLevel Metric = "service_level" // percent, over the window; below is bad
	MetricAbandonRate  Metric = "abandon_rate"  // percent, over the window; above is bad
)

// Metrics lists the metrics in the order pages show them.
var Metrics = []Metric{MetricWaiting, MetricLongestWait, MetricServiceLevel, MetricAbandonRate}

// Known reports whether m is a metric.
func (m Metric) Known() bool {
	for _, x := range Metrics {
		if x == m {
			return true
		}
	}
	return false
}

// LowIsBad reports whether values below the levels are the bad side
// (service level); for the others values above them are.
func (m Metric) LowIsBad() bool { return m == MetricServiceLevel }

// Windowed reports whether the metric is measured over the last N minutes.
func (m Metric) Windowed() bool { return m == MetricServiceLevel || m == MetricAbandonRate }

// Percent reports whether the metric is a percentage (0–100).
func (m Metric) Percent() bool { return m.Windowed() }

// Level is how bad a figure is: none, warning or critical.
type Level string

// The levels, in increasing order of badness.
const (
	LevelNone     Level = ""
	LevelWarning  Level = "warning"
	LevelCritical Level = "critical"
)

func (l Level) rank() int {
	switch l {
	case LevelWarning:
		return 1
	case LevelCritical:
		return 2
	}
	return 0
}

// Worse reports whether l is worse than o.
func (l Level) Worse(o Level) bool { return l.rank() > o.rank() }

// Rule is the thresholds of one metric: of one queue, or (QueueID 0) the
// default for every queue without its own.
//
// A figure is past a level when it is strictly worse than it: more than
// Warning callers waiting, a service level below Warning percent. An open
// alert goes back down a level (or closes) only when the figure is better
// than that level by Hysteresis; and any change of level takes effect only
// once the figure has stayed on the new side for HoldSec seconds.
type Rule struct {
	ID         int64     `json:"id,omitempty"`
	QueueID    int64     `json:"queue_id,omitempty"` // 0: the default rule
	Metric     Metric    `json:"metric"`
	Enabled    bool      `json:"enabled"`
	Warning    float64   `json:"warning"`
	Critical   float64   `json:"critical"`
	WindowMin  int       `json:"window_min,omitempty"` // windowed metrics: the last N minutes
	Hysteresis float64   `json:"hysteresis"`           // in the metric's unit
	HoldSec    int       `json:"hold_sec"`
	UpdatedAt  time.Time `json:"updated_at,omitempty"` // zero for the shipped defaults
}

// Hold is the rule's hold time.
func (r Rule) Hold() time.Duration { return time.Duration(r.HoldSec) * time.Second }

// Window is the rule's window of recent calls (windowed metrics).
func (r Rule) Window() time.Duration { return time.Duration(r.WindowMin) * time.Minute }

// Defaults are the rules shipped on first start (migration 0420): the
// wallboard's former fixed thresholds — a caller waiting over 60 s, a
// service level under the 80/20 target, abandonment over 5% — with a
// critical level beyond each, and five callers waiting as a warning.
func Defaults() []Rule {
	return []Rule{
		{Metric: MetricWaiting, Enabled: true, Warning: 5, Critical: 10, Hysteresis: 1, HoldSec: 10},
		{Metric: MetricLongestWait, Enabled: true, Warning: 60, Critical: 120, Hysteresis: 10, HoldSec: 10},
		{Metric: MetricServiceLevel, Enabled: true, Warning: 80, Critical: 70, WindowMin: 30, Hysteresis: 2, HoldSec: 10},
		{Metric: MetricAbandonRate, Enabled: true, Warning: 5, Critical: 10, WindowMin: 30, Hysteresis: 1, HoldSec: 10},
	}
}

// Bounds of a rule's fields.
const (
	MaxWaiting   = 10000
	MaxWaitSec   = 86400
	MaxWindowMin = 1440
	MaxHoldSec   = 3600
)

// Validate checks a rule: known metric, levels in range and in order
// (critical at least as bad as warning), a window for windowed metrics,
// and a hysteresis that still lets an alert close.
func (r Rule) Validate() error {
	if !r.Metric.Known() {
		return apperr.Invalid("metric", "unknown metric %q (one of waiting, longest_wait, service_level, abandon_rate)", r.Metric)
	}
	max := float64(MaxWaiting)
	switch {
	case r.Metric == MetricLongestWait:
		max = MaxWaitSec
	case r.Metric.Percent():
		max = 100
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"warning", r.Warning}, {"critical", r.Critical}} {
		if f.v < 0 || f.v > max {
			return apperr.Invalid(f.name, "must be from 0 to %g", max)
		}
	}
	if r.Metric.LowIsBad() && r.Critical > r.Warning {
		return apperr.Invalid("critical", "must be at most the warning level (a lower service level is worse)")
	}
	if !r.Metric.LowIsBad() && r.Critical < r.Warning {
		return apperr.Invalid("critical", "must be at least the warning level")
	}
	if r.Metric.Windowed() && (r.WindowMin < 1 || r.WindowMin > MaxWindowMin) {
		return apperr.Invalid("window_min", "must be from 1 to %d minutes", MaxWindowMin)
	}
	if !r.Metric.Windowed() && r.WindowMin != 0 {
		return apperr.Invalid("window_min", "only the service level and the abandonment rate have a window")
	}
	if r.Hysteresis < 0 {
		return apperr.Invalid("hysteresis", "must not be negative")
	}
	// The alert closes when the figure is better than warning by the
	// margin; that must be possible within the metric's range.
	if r.Metric.LowIsBad() && r.Warning+r.Hysteresis > 100 {
		return apperr.Invalid("hysteresis", "warning + hysteresis must be at most 100, or the alert could never close")
	}
	if !r.Metric.LowIsBad() && r.Hysteresis > r.Warning {
		return apperr.Invalid("hysteresis", "must be at most the warning level, or the alert could never close")
	}
	if r.HoldSec < 0 || r.HoldSec > MaxHoldSec {
		return apperr.Invalid("hold_sec", "must be from 0 to %d seconds", MaxHoldSec)
	}
	return nil
}
