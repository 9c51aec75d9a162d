package appraisal

import (
	"math"
	"slices"
	"testing"
)

// hist builds a history from this month backwards; NaN is a month
// without a total.
func hist(totals ...float64) []MonthTotal {
	m := Month("2026-06")
	out := make([]MonthTotal, len(totals))
	for i, t := range totals {
		out[i] = MonthTotal{Month: m.Add(-i)}
		if t == t {
			out[i].Total = val(t)
		}
	}
	return out
}

func kinds(fs []Flag) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Kind)
	}
	return out
}

// The rules for confirmed agents at their boundaries.
func TestRulesConfirmed(t *testing.T) {
	def := DefaultDefinition()
	n := math.NaN()
	cases := []struct {
		name string
		h    []MonthTotal
		want []string
	}{
		{"3-month average exactly 110", hist(110, 110, 110), []string{}},
		{"3-month average 110.01", hist(110.01, 110.01, 110.01), []string{RulePromotion}},
		{"average 110.01 of unequal months", hist(120, 110, 100.03), []string{RulePromotion}},
		{"two months only", hist(120, 120), []string{}},
		{"a month without a total breaks the run", hist(120, n, 120, 120), []string{}},
		{"one month 89.99", hist(89.99, 110, 110), []string{RuleDemotion}},
		{"one month exactly 90", hist(90, 110, 110), []string{}},
		{"3-month average below 95", hist(94, 95, 95), []string{RuleDemotion}},
		{"3-month average exactly 95", hist(95, 95, 95), []string{}},
		{"3-month average below 90", hist(91, 89, 89), []string{RuleDemotion, RuleDismissal}},
		{"3 months below 90 within a year", hist(100, 89, 100, 100, 80, 100, 100, 100, 100, 100, 100, 70), []string{RuleDismissal}},
		{"the third month below 90 is 13 months back", hist(100, 89, 100, 100, 80, 100, 100, 100, 100, 100, 100, 100, 70), []string{}},
		{"this month unscored: no flags", hist(n, 80, 80, 80), []string{}},
	}
	for _, c := range cases {
		got := kinds(def.Flags(c.h, nil))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: flags %v, want %v", c.name, got, c.want)
		}
	}
	fs := def.Flags(hist(100, 89, 100, 100, 80, 100, 100, 100, 100, 100, 100, 70), nil)
	if fs[0].Value != 3 || fs[0].Condition.Measure != MeasureCount || fs[0].Level != LevelBad {
		t.Errorf("dismissal flag %+v", fs[0])
	}
	fs = def.Flags(hist(110.01, 110.01, 110.01), nil)
	if fs[0].Value != 110.01 || fs[0].Level != LevelGood {
		t.Errorf("promotion flag %+v", fs[0])
	}
}

// Probation: early confirmation from 110, unfit below 90, the probation
// average judged in the last probation month; the confirmed agents'
// rules do not apply.
func TestRulesProbation(t *testing.T) {
	def := DefaultDefinition()
	on := &Probation{FirstMonth: "2026-04"}
	final := &Probation{FirstMonth: "2026-04", Final: true}
	cases := []struct {
		name string
		h    []MonthTotal
		p    *Probation
		want []string
	}{
		{"one month exactly 110", hist(110), on, []string{RuleEarlyConfirmation}},
		{"one month 109.99", hist(109.99), on, []string{}},
		{"one month 89.99", hist(89.99), on, []string{RuleProbationUnfit}},
		{"final month, average exactly 100", hist(100, 95, 105), final, []string{RuleProbationPass}},
		{"final month, average 99.99", hist(99.97, 100, 100), final, []string{FlagProbationFail}},
		{"only probation months count", hist(100, 100, 100, 10), final, []string{RuleProbationPass}},
		{"not the final month", hist(100, 95), on, []string{}},
		{"final month at 115", hist(115, 110, 100), final, []string{RuleEarlyConfirmation, RuleProbationPass}},
	}
	for _, c := range cases {
		got := kinds(def.Flags(c.h, c.p))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: flags %v, want %v", c.name, got, c.want)
		}
	}
	fs := def.Flags(hist(99.97, 100, 100), final)
	if fs[0].Value != 99.99 || fs[0].Level != LevelWarn {
		t.Errorf("probation_fail %+v", fs[0])
	}
}

func TestProbationIn(t *testing.T) {
	for _, c := range []struct {
		hired  string
		months int
		m      Month
		on     bool
		final  bool
	}{
		{"2026-01-15", 3, "2025-12", false, false},
		{"2026-01-15", 3, "2026-01", true, false},
		{"2026-01-15", 3, "2026-03", true, false},
		{"2026-01-15", 3, "2026-04", true, true}, // the last day is 2026-04-14
		{"2026-01-15", 3, "2026-05", false, false},
		{"2026-01-01", 3, "2026-03", true, true},
		{"2026-01-01", 3, "2026-04", false, false},
		{"2026-01-01", 0, "2026-01", false, false},
		{"", 3, "2026-01", false, false},
	} {
		p := ProbationIn(c.hired, c.months, c.m)
		if (p != nil) != c.on || p != nil && p.Final != c.final {
			t.Errorf("hired %s, %d months, %s: %+v", c.hired, c.months, c.m, p)
		}
	}
	if p := ProbationIn("2026-01-15", 3, "2026-02"); p.End != "2026-04-14" || p.FirstMonth != "2026-01" {
		t.Errorf("probation %+v", p)
	}
}
