package report

// CallSums are the additive facts about calls that the call metrics are
// ratios of. One value per rollup row; rows add up field by field (MaxWaitMS
// takes the maximum), so any interval, group or scope is a sum of rows.
// Call fields count CDRs (a call once, under the agent who answered it
// first, or the queue's department when nobody did); Leg fields count agent
// legs (under each leg's agent).
type CallSums struct {
	Calls      int64 // every call (CDR) of any direction
	Inbound    int64 // calls received (direction inbound)
	Blocked    int64 // refused before reaching the ACD
	IVRHandled int64 // ended in self-service, never queued
	Queued     int64 // inbound calls placed in an ACD queue
	AnsweredQ  int64 // queued calls an agent answered
	InSL       int64 // ... within the service-level threshold
	Abandoned  int64 // queued calls whose caller hung up waiting
	ShortAband int64 // ... within the short-abandon threshold
	AbandInSL  int64 // abandoned after the short-abandon threshold, within the SL threshold
	Overflowed int64 // moved by a queue limit (voicemail, goodbye)
	Callbacks  int64 // left a callback request instead of waiting
	Answered   int64 // calls an agent answered (any direction)
	Failed     int64 // outbound calls nobody answered
	WaitAnsMS  int64 // queue time of the queued calls answered
	WaitAbMS   int64 // queue time of the abandoned calls
	WaitQMS    int64 // queue time of every queued call
	MaxWaitMS  int64 // the longest queue time (maximum, not a sum)
	TalkMS     int64 // conversation of answered calls, without hold
	HoldMS     int64
	Held       int64 // calls put on hold at least once
	Holds      int64 // times put on hold
	FCRBase    int64 // inbound calls an agent answered
	FCRFailed  int64 // ... followed by a repeat call or call-back within the window, or marked unresolved
	Rated      int64 // calls with a satisfaction rating
	Satisfied  int64 // ... in the top two scores of the scale (top one on a scale of 3 or less)
	VeryUnsat  int64 // ... with the lowest score
	RatingPts  int64 // Σ (score−1)/(scale−1) in per mille: the ratings on a 0–1000 scale

	LegsOffered     int64 // offers to agents (phones rung)
	LegsAnswered    int64 // offers answered: calls handled by agents
	LegsMissed      int64 // offers not answered (no answer, rejected, busy, unreachable)
	LegRingMS       int64 // ringing before the agent answered (answered legs)
	LegTalkMS       int64
	LegHoldMS       int64
	LegWrapMS       int64 // after-call work
	LegsTransferred int64 // legs the agent ended by transferring the call
}

// callCols names the rollup columns of CallSums, in fields() order.
var callCols = []string{
	"calls", "inbound", "blocked", "ivr_handled", "queued", "answered_q", "in_sl", "abandoned", "short_aband",
	"aband_in_sl", "overflowed", "callbacks", "answered", "failed", "wait_ans_ms", "wait_ab_ms", "wait_q_ms",
	"max_wait_ms", "talk_ms", "hold_ms", "held", "holds", "fcr_base", "fcr_failed", "rated", "satisfied",
	"very_unsat", "rating_pts", "legs_offered", "legs_answered", "legs_missed", "leg_ring_ms", "leg_talk_ms",
	"leg_hold_ms", "leg_wrap_ms", "legs_transferred",
}

// maxCol is the one column aggregated with MAX instead of SUM.
const maxCol = "max_wait_ms"

func (s *CallSums) fields() []*int64 {
	return []*int64{
		&s.Calls, &s.Inbound, &s.Blocked, &s.IVRHandled, &s.Queued, &s.AnsweredQ, &s.InSL, &s.Abandoned, &s.ShortAband,
		&s.AbandInSL, &s.Overflowed, &s.Callbacks, &s.Answered, &s.Failed, &s.WaitAnsMS, &s.WaitAbMS, &s.WaitQMS,
		&s.MaxWaitMS, &s.TalkMS, &s.HoldMS, &s.Held, &s.Holds, &s.FCRBase, &s.FCRFailed, &s.Rated, &s.Satisfied,
		&s.VeryUnsat, &s.RatingPts, &s.LegsOffered, &s.LegsAnswered, &s.LegsMissed, &s.LegRingMS, &s.LegTalkMS,
		&s.LegHoldMS, &s.LegWrapMS, &s.LegsTransferred,
	}
}

// Add adds o into s.
func (s *CallSums) Add(o CallSums) {
	dst, src := s.fields(), o.fields()
	for i := range dst {
		if callCols[i] == maxCol {
			*dst[i] = max(*dst[i], *src[i])
			continue
		}
		*dst[i] += *src[i]
	}
}

// IsZero reports whether nothing was counted.
func (s CallSums) IsZero() bool { return s == CallSums{} }

// AgentSums are the additive facts about agents' time: milliseconds per
// state, and the scheduled phone time with what of it was worked. The Units
// count rows (an agent in one bucket of the table read: a quarter hour or a
// day) that were scheduled, and of those, attended.
type AgentSums struct {
	LoggedInMS  int64 // any state but logged out
	ReadyMS     int64 // idle, waiting for a call
	RingingMS   int64
	OnCallMS    int64
	OnHoldMS    int64
	WrapUpMS    int64
	NotReadyMS  int64
	ScheduledMS int64 // scheduled phone time (shifts minus their activities)
	AdheredMS   int64 // ... spent ready, ringing, on a call, on hold or in wrap-up
	AttendedMS  int64 // ... spent logged in
	SchedUnits  int64 // rows with scheduled phone time
	AttendUnits int64 // ... and some of it logged in
}

var agentCols = []string{"logged_in_ms", "ready_ms", "ringing_ms", "on_call_ms", "on_hold_ms", "wrap_up_ms",
	"not_ready_ms", "scheduled_ms", "adhered_ms", "attended_ms", "sched_units", "attend_units"}

func (s *AgentSums) fields() []*int64 {
	return []*int64{&s.LoggedInMS, &s.ReadyMS, &s.RingingMS, &s.OnCallMS, &s.OnHoldMS, &s.WrapUpMS, &s.NotReadyMS,
		&s.ScheduledMS, &s.AdheredMS, &s.AttendedMS, &s.SchedUnits, &s.AttendUnits}
}

// Add adds o into s.
func (s *AgentSums) Add(o AgentSums) {
	dst, src := s.fields(), o.fields()
	for i := range dst {
		*dst[i] += *src[i]
	}
}

// unit sets the Units of one row from its milliseconds.
func (s *AgentSums) unit() {
	if s.ScheduledMS > 0 {
		s.SchedUnits = 1
		if s.AttendedMS > 0 {
			s.AttendUnits = 1
		}
	}
}

// IsZero reports whether nothing was counted.
func (s AgentSums) IsZero() bool { return s == AgentSums{} }
