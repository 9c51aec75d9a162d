package appraisal

import (
	"math"
	"time"
)

// MonthTotal is an agent's total of one month; Total is nil when the
// month was not scored (an item without a value, or not employed).
type MonthTotal struct {
	Month  Month    `json:"month"`
	Total  *float64 `json:"total"`
	Closed bool     `json:"closed"` // from a closed month (frozen)
}

// Probation is an agent's probation as it touches a month: from the hire
// date for the scheme's probation months.
type Probation struct {
	Start      string `json:"start"`       // the hire date
	End        string `json:"end"`         // the last day of probation
	FirstMonth Month  `json:"first_month"` // the month of the hire date
	Final      bool   `json:"final"`       // this month holds the last day
}

// ProbationIn returns the agent's probation if it touches month m, or nil:
// no hire date, no probation in the scheme, or m outside it.
func ProbationIn(hired string, months int, m Month) *Probation {
	if hired == "" || months <= 0 {
		return nil
	}
	h, err := time.Parse("2006-01-02", hired)
	if err != nil {
		return nil
	}
	last := h.AddDate(0, months, -1)
	first, lastMonth := MonthOf(h), MonthOf(last)
	if m < first || m > lastMonth {
		return nil
	}
	return &Probation{Start: hired, End: last.Format("2006-01-02"), FirstMonth: first, Final: m == lastMonth}
}

// Flag levels.
const (
	LevelGood = "good"
	LevelWarn = "warn"
	LevelBad  = "bad"
)

// FlagLevel is the level a flag kind shows with.
func FlagLevel(kind string) string {
	switch kind {
	case RuleEarlyConfirmation, RuleProbationPass, RulePromotion:
		return LevelGood
	case RuleProbationUnfit, RuleDismissal:
		return LevelBad
	}
	return LevelWarn
}

// Flag is a rule that holds for the month, with the condition that made it
// hold and that condition's measured value (a total, an average, or a
// number of months). A probation_fail flag carries the probation_pass
// rule's first condition, which did not hold.
type Flag struct {
	Kind      string    `json:"kind"`
	Level     string    `json:"level"`
	Condition Condition `json:"condition"`
	Value     float64   `json:"value"`
}

// round6 keeps averages of hundredths exact: (110.01 × 3) ÷ 3 is 110.01,
// not 110.01000000000001.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// measure returns a condition's value over hist (hist[0] this month, then
// the months before it in order), and whether it can be measured.
func (c Condition) measure(hist []MonthTotal, p *Probation) (float64, bool) {
	switch c.Measure {
	case MeasureMonth:
		return *hist[0].Total, true
	case MeasureAverage:
		if len(hist) < c.Months {
			return 0, false
		}
		var sum float64
		for _, h := range hist[:c.Months] {
			if h.Total == nil {
				return 0, false
			}
			sum += *h.Total
		}
		return round6(sum / float64(c.Months)), true
	case MeasureCount:
		n := 0
		for _, h := range hist[:min(c.Months, len(hist))] {
			if h.Total != nil && compare(c.Cmp, *h.Total, c.Threshold) {
				n++
			}
		}
		return float64(n), true
	case MeasureProbationAverage:
		if p == nil {
			return 0, false
		}
		var sum float64
		n := 0
		for _, h := range hist {
			if h.Month < p.FirstMonth {
				break
			}
			if h.Total != nil {
				sum += *h.Total
				n++
			}
		}
		if n == 0 {
			return 0, false
		}
		return round6(sum / float64(n)), true
	}
	return 0, false
}

// holds reports whether the condition holds, with its measured value.
func (c Condition) holds(hist []MonthTotal, p *Probation) (float64, bool, bool) {
	v, ok := c.measure(hist, p)
	if !ok {
		return 0, false, false
	}
	if c.Measure == MeasureCount {
		return v, v >= float64(c.Count), true
	}
	return v, compare(c.Cmp, v, c.Threshold), true
}

// Flags evaluates the rules for a month. hist[0] is the month itself and
// must be scored (a month without a total raises no flag); the months
// before it follow in order, as many as Definition.window. p is the
// agent's probation in the month (nil: confirmed): probation rules apply
// to agents on probation, the others to confirmed agents.
func (d *Definition) Flags(hist []MonthTotal, p *Probation) []Flag {
	if len(hist) == 0 || hist[0].Total == nil {
		return nil
	}
	var out []Flag
	for _, r := range d.Rules {
		if ruleOnProbation(r.Kind) != (p != nil) {
			continue
		}
		if r.Kind == RuleProbationPass && !p.Final {
			continue
		}
		if f, ok := r.eval(hist, p); ok {
			out = append(out, f)
		} else if r.Kind == RuleProbationPass {
			c := r.Any[0]
			v, _ := c.measure(hist, p)
			out = append(out, Flag{Kind: FlagProbationFail, Level: FlagLevel(FlagProbationFail), Condition: c, Value: v})
		}
	}
	return out
}

// eval returns the rule's flag from the first condition that holds.
func (r Rule) eval(hist []MonthTotal, p *Probation) (Flag, bool) {
	for _, c := range r.Any {
		if v, yes, ok := c.holds(hist, p); ok && yes {
			return Flag{Kind: r.Kind, Level: FlagLevel(r.Kind), Condition: c, Value: v}, true
		}
	}
	return Flag{}, false
}
