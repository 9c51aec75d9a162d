package report

import "github.com/hotline-cc/hotline/internal/calllog"

// limits are the thresholds a call is classified with (its queue's).
type limits struct {
	slMS    int64 // answered within: wait ≤ slMS
	shortMS int64 // short abandon: wait < shortMS
}

// callFacts is what the metrics know of one call beyond its CDR.
type callFacts struct {
	cdr      calllog.CDR
	legs     []calllog.Leg
	scale    int  // rating scale; 0 when not rated
	repeated bool // a repeat call or a call-back followed within the FCR window
	customer int64
	source   string
	level    string
	custom   map[string]string
	campaign int64
}

// classifyCall is one CDR's contribution to its row: pure, the single
// definition of how a call counts (docs/metrics.md).
func classifyCall(c calllog.CDR, repeated bool, scale int, lim limits) CallSums {
	s := CallSums{Calls: 1, HoldMS: c.HoldMS, Holds: int64(c.Holds)}
	inbound := c.Direction == "inbound"
	if inbound {
		s.Inbound = 1
	}
	if c.Holds > 0 {
		s.Held = 1
	}
	switch c.Outcome {
	case calllog.OutcomeBlocked:
		s.Blocked = 1
	case calllog.OutcomeIVR:
		s.IVRHandled = 1
	case calllog.OutcomeFailed:
		s.Failed = 1
	case calllog.OutcomeAnswered:
		s.Answered, s.TalkMS = 1, c.TalkMS
	}
	if inbound && c.Queue != "" {
		queued(&s, c, lim)
	}
	if inbound && c.Outcome == calllog.OutcomeAnswered {
		s.FCRBase = 1
		if repeated || c.Unresolved {
			s.FCRFailed = 1
		}
	}
	if c.Rating > 0 {
		rated(&s, c.Rating, scale)
	}
	return s
}

func queued(s *CallSums, c calllog.CDR, lim limits) {
	w := c.WaitMS
	s.Queued, s.WaitQMS, s.MaxWaitMS = 1, w, w
	switch c.Outcome {
	case calllog.OutcomeAnswered:
		s.AnsweredQ, s.WaitAnsMS = 1, w
		if w <= lim.slMS {
			s.InSL = 1
		}
	case calllog.OutcomeAbandoned:
		s.Abandoned, s.WaitAbMS = 1, w
		switch {
		case w < lim.shortMS:
			s.ShortAband = 1
		case w <= lim.slMS:
			s.AbandInSL = 1
		}
	case calllog.OutcomeOverflow:
		s.Overflowed = 1
	case calllog.OutcomeCallback:
		s.Callbacks = 1
	}
}

// rated counts a rating: satisfied is the top two scores of the scale (the
// top one on a scale of 3 or less), very unsatisfied the lowest.
func rated(s *CallSums, score, scale int) {
	if scale < 2 {
		scale = 5
	}
	score = min(max(score, 1), scale)
	s.Rated = 1
	top := scale - 1
	if scale <= 3 {
		top = scale
	}
	if score >= top {
		s.Satisfied = 1
	}
	if score == 1 {
		s.VeryUnsat = 1
	}
	s.RatingPts = int64((score - 1) * 1000 / (scale - 1))
}

// classifyLeg is one agent leg's contribution to its agent's row.
func classifyLeg(l calllog.Leg) CallSums {
	s := CallSums{LegsOffered: 1}
	switch l.Outcome {
	case "answered":
		s.LegsAnswered, s.LegRingMS, s.LegTalkMS, s.LegHoldMS, s.LegWrapMS = 1, l.RingMS, l.TalkMS, l.HoldMS, l.WrapUpMS
		if l.TransferredTo != "" {
			s.LegsTransferred = 1
		}
	case "no_answer", "rejected", "busy", "unreachable":
		s.LegsMissed = 1
	}
	return s
}
