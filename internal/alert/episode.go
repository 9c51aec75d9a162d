package alert

import "time"

// Reading is a figure at one evaluation. OK is false when there is none:
// a window without any counted call has no service level.
type Reading struct {
	Value float64
	OK    bool
}

// Value is a reading of v.
func Value(v float64) Reading { return Reading{Value: v, OK: true} }

// State is the alert state of one queue's metric between evaluations:
// whether an episode is open, at which level, its worst value, and a level
// change waiting for the rule's hold time.
type State struct {
	Open  bool
	Level Level     // the level now, while open
	Max   Level     // the worst level reached in the episode
	Peak  float64   // the worst value in the episode
	Last  float64   // the last value seen while open
	Since time.Time // when the figure went past the level that opened the episode

	// A change of level waiting for the hold time: the figure has been on
	// the worse (Dir > 0) or better (Dir < 0) side of the current level
	// since PendingSince; PendingPeak is its worst value meanwhile.
	Dir          int
	PendingSince time.Time
	PendingPeak  float64
}

// EventKind says what happened to an episode.
type EventKind string

// The events of an episode.
const (
	EventNone        EventKind = ""
	EventOpened      EventKind = "opened"
	EventEscalated   EventKind = "escalated"   // warning → critical
	EventDeescalated EventKind = "deescalated" // critical → warning
	EventClosed      EventKind = "closed"
)

// Event is the outcome of a step: what happened, the level after it, when
// (an opening or closing is dated when the figure crossed, which is the
// hold time before it was confirmed), and the episode's worst and last
// values then.
type Event struct {
	Kind  EventKind
	Level Level
	At    time.Time
	Peak  float64
	Last  float64
}

// Step is the episode logic, a pure function: given the state, the figure
// read now and the rule, it returns the new state and what happened.
//
// The target level is the level the figure is past — strictly worse than
// the level — or, for the level the episode is at and those below it, past
// the level less the rule's hysteresis (so an open alert stays until the
// figure is better than its level by the margin). When the target differs
// from the current level, the change takes effect once the figure has been
// on that side (worse, or better) for the rule's hold time without coming
// back; a figure that returns to the current level cancels it. A figure
// wobbling around a level therefore opens one episode and closes it once.
func Step(s State, in Reading, r Rule, now time.Time) (State, Event) {
	cur := LevelNone
	if s.Open {
		cur = s.Level
		if in.OK {
			s.Last = in.Value
			s.Peak = worst(r.Metric, s.Peak, in.Value)
		}
	}
	target := levelFor(in, r, cur)
	if target == cur {
		s.Dir, s.PendingSince, s.PendingPeak = 0, time.Time{}, 0
		return s, Event{}
	}
	dir := -1
	if target.Worse(cur) {
		dir = 1
	}
	if s.Dir != dir {
		s.Dir, s.PendingSince, s.PendingPeak = dir, now, in.Value
	} else if in.OK {
		s.PendingPeak = worst(r.Metric, s.PendingPeak, in.Value)
	}
	if now.Sub(s.PendingSince) < r.Hold() {
		return s, Event{}
	}
	return apply(s, target, in, r, now)
}

// apply makes the pending change to target take effect.
func apply(s State, target Level, in Reading, r Rule, now time.Time) (State, Event) {
	since, peak := s.PendingSince, s.PendingPeak
	s.Dir, s.PendingSince, s.PendingPeak = 0, time.Time{}, 0
	switch {
	case !s.Open:
		last := peak
		if in.OK {
			last = in.Value
		}
		return State{Open: true, Level: target, Max: target, Peak: peak, Last: last, Since: since},
			Event{Kind: EventOpened, Level: target, At: since, Peak: peak, Last: last}
	case target == LevelNone:
		return State{}, Event{Kind: EventClosed, Level: LevelNone, At: since, Peak: s.Peak, Last: s.Last}
	}
	kind := EventDeescalated
	if target.Worse(s.Level) {
		kind = EventEscalated
	}
	s.Level = target
	if target.Worse(s.Max) {
		s.Max = target
	}
	return s, Event{Kind: kind, Level: target, At: now, Peak: s.Peak, Last: s.Last}
}

// Close ends an open episode now, whatever the figure: its rule was
// disabled or removed, or its queue deleted.
func Close(s State, now time.Time) (State, Event) {
	if !s.Open {
		return State{}, Event{}
	}
	return State{}, Event{Kind: EventClosed, Level: LevelNone, At: now, Peak: s.Peak, Last: s.Last}
}

// levelFor is the level the reading is past, with hysteresis for the
// current level and those below it.
func levelFor(in Reading, r Rule, cur Level) Level {
	if !in.OK {
		return LevelNone
	}
	v := in.Value
	if past(r.Metric, v, r.Critical) || (cur == LevelCritical && past(r.Metric, v, back(r, r.Critical))) {
		return LevelCritical
	}
	if past(r.Metric, v, r.Warning) || (cur != LevelNone && past(r.Metric, v, back(r, r.Warning))) {
		return LevelWarning
	}
	return LevelNone
}

func past(m Metric, v, level float64) bool {
	if m.LowIsBad() {
		return v < level
	}
	return v > level
}

// back is a level moved towards the good side by the hysteresis.
func back(r Rule, level float64) float64 {
	if r.Metric.LowIsBad() {
		return level + r.Hysteresis
	}
	return level - r.Hysteresis
}

// worst returns the worse of two values of m.
func worst(m Metric, a, b float64) float64 {
	if past(m, b, a) {
		return b
	}
	return a
}
