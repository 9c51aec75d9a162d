package report

import "time"

// Value is one metric's figure in one row. OK is false when there is
// nothing to compute it from (Note says why: no_data, not_applicable,
// no_qa_data, no_cost, no_schedule); Breach is "low" or "high" when the
// figure is off its target band.
type Value struct {
	V      float64 `json:"v"`
	OK     bool    `json:"ok"`
	Note   string  `json:"note,omitempty"`
	Breach string  `json:"breach,omitempty"`
}

// Notes of values that have no figure.
const (
	NoteNoData        = "no_data"
	NoteNotApplicable = "not_applicable"
	NoteNoQA          = "no_qa_data"
	NoteNoCost        = "no_cost"
	NoteNoSchedule    = "no_schedule"
)

// center holds the center-wide inputs of a row: its share of the entered
// cost and the agents' headcount. Nil when the grouping has none.
type center struct {
	costApplies bool // the row is the center, a department, or the actor's departments
	cost        float64
	costOK      bool
	turnover    bool // the row is the center, a team or a department, a day or longer
	leavers     int
	headFrom    int // agents employed at the start of the period
	headTo      int // ... at its end
}

// QAFigures are the quality inspection results of a row.
type QAFigures struct {
	Score  float64 // mean score out of 100
	Graded int     // calls inspected
}

// inputs is everything one row's values are computed from.
type inputs struct {
	calls     CallSums
	agents    AgentSums
	hasAgents bool       // the grouping has agents: their state time applies
	center    *center    // nil: no center-wide figures for the grouping
	qa        *QAFigures // nil: no QA data
	span      time.Duration
}

func ratio(num, den int64, scale float64) Value {
	if den <= 0 {
		return Value{Note: NoteNoData}
	}
	return Value{V: float64(num) * scale / float64(den), OK: true}
}

func secs(ms, n int64) Value { return ratio(ms, n, 0.001) }

func count(n int64) Value { return Value{V: float64(n), OK: true} }

// serviceLevel applies the settings' variant.
func serviceLevel(c CallSums, mode string) Value {
	long := c.Abandoned - c.ShortAband
	other := c.Overflowed + c.Callbacks
	switch mode {
	case AbandonIgnored:
		return ratio(c.InSL, c.AnsweredQ+other, 100)
	case AbandonForWithin:
		return ratio(c.InSL+c.AbandInSL, c.AnsweredQ+long+other, 100)
	}
	return ratio(c.InSL, c.AnsweredQ+long+other, 100)
}

// compute returns every metric of a row, with its breach flag.
func compute(in inputs, s Settings) map[string]Value {
	c, a := in.calls, in.agents
	v := map[string]Value{
		"acw":              secs(c.LegWrapMS, c.LegsAnswered),
		"ata":              secs(c.WaitAbMS, c.Abandoned),
		"aht":              secs(c.LegTalkMS+c.LegHoldMS+c.LegWrapMS, c.LegsAnswered),
		"hold_time":        secs(c.HoldMS, c.Held),
		"rings":            ratio(c.LegRingMS, c.LegsAnswered, 0.001/s.RingCycleSec),
		"queue_time":       secs(c.WaitQMS, c.Queued),
		"asa":              secs(c.WaitAnsMS, c.AnsweredQ),
		"talk_time":        secs(c.LegTalkMS, c.LegsAnswered),
		"abandon_rate":     ratio(c.Abandoned-c.ShortAband, c.Queued-c.ShortAband, 100),
		"blocked_rate":     ratio(c.Blocked, c.Inbound, 100),
		"fcr":              ratio(c.FCRBase-c.FCRFailed, c.FCRBase, 100),
		"queue_placement":  ratio(c.Queued, c.Inbound, 100),
		"transfer_rate":    ratio(c.LegsTransferred, c.LegsAnswered, 100),
		"answer_rate":      ratio(c.AnsweredQ, c.Queued, 100),
		"service_level":    serviceLevel(c, s.AbandonMode),
		"total_calls":      count(c.Calls),
		"offered":          count(c.Queued),
		"answered":         count(c.LegsAnswered),
		"abandoned":        count(c.Abandoned),
		"blocked":          count(c.Blocked),
		"longest_wait":     Value{V: float64(c.MaxWaitMS) / 1000, OK: c.Queued > 0, Note: noteIf(c.Queued == 0)},
		"csat":             ratio(c.Satisfied, c.Rated, 100),
		"very_unsatisfied": count(c.VeryUnsat),
		"rating_index":     ratio(c.RatingPts, c.Rated, 0.1),
		"traffic_erlangs":  ratio(c.LegTalkMS+c.LegHoldMS+c.LegWrapMS, in.span.Milliseconds(), 1),
	}
	agentValues(v, in, a)
	centerValues(v, in)
	if in.qa == nil {
		v["monitoring_score"] = Value{Note: NoteNoQA}
	} else if in.qa.Graded == 0 {
		v["monitoring_score"] = Value{Note: NoteNoData}
	} else {
		v["monitoring_score"] = Value{V: in.qa.Score, OK: true}
	}
	for _, m := range Metrics {
		if x, ok := v[m.Key]; ok && x.OK {
			x.Breach = m.breach(x.V, m.Target(s))
			v[m.Key] = x
		}
	}
	return v
}

func noteIf(none bool) string {
	if none {
		return NoteNoData
	}
	return ""
}

func agentValues(v map[string]Value, in inputs, a AgentSums) {
	if !in.hasAgents {
		for _, k := range []string{"adherence", "calls_per_hour", "occupancy", "attendance"} {
			v[k] = Value{Note: NoteNotApplicable}
		}
		return
	}
	v["calls_per_hour"] = ratio(in.calls.LegsAnswered, a.LoggedInMS, 3600000)
	v["occupancy"] = ratio(a.OnCallMS+a.OnHoldMS, a.OnCallMS+a.OnHoldMS+a.ReadyMS+a.RingingMS, 100)
	v["adherence"] = ratio(a.AdheredMS, a.ScheduledMS, 100)
	v["attendance"] = ratio(a.AttendUnits, a.SchedUnits, 100)
	if a.ScheduledMS == 0 {
		v["adherence"] = Value{Note: NoteNoSchedule}
		v["attendance"] = Value{Note: NoteNoSchedule}
	}
}

func centerValues(v map[string]Value, in inputs) {
	if in.center == nil {
		v["cost_per_call"] = Value{Note: NoteNotApplicable}
		v["turnover"] = Value{Note: NoteNotApplicable}
		return
	}
	c := in.center
	handled := in.calls.Answered + in.calls.IVRHandled
	switch {
	case !c.costApplies:
		v["cost_per_call"] = Value{Note: NoteNotApplicable}
	case !c.costOK:
		v["cost_per_call"] = Value{Note: NoteNoCost}
	case handled == 0:
		v["cost_per_call"] = Value{Note: NoteNoData}
	default:
		v["cost_per_call"] = Value{V: c.cost / float64(handled), OK: true}
	}
	if !c.turnover {
		v["turnover"] = Value{Note: NoteNotApplicable}
	} else if head := float64(c.headFrom+c.headTo) / 2; head > 0 {
		v["turnover"] = Value{V: float64(c.leavers) * 100 / head, OK: true}
	} else {
		v["turnover"] = Value{Note: NoteNoData}
	}
}
