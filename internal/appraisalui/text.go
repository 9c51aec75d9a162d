package appraisalui

import (
	"math"
	"net/http"
	"strconv"

	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

// num writes a number with at most two decimals, without trailing zeros.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// numOr writes v, or "—" without one.
func numOr(v *float64) string {
	if v == nil {
		return "—"
	}
	return num(*v)
}

// money writes an amount in the reports' currency.
func money(v *float64, currency string) string {
	if v == nil {
		return "—"
	}
	s := strconv.FormatFloat(*v, 'f', 2, 64)
	if currency == "" || currency == "CNY" {
		return "¥" + s
	}
	return currency + " " + s
}

var cmpSign = map[string]string{appraisal.CmpGE: "≥", appraisal.CmpGT: ">", appraisal.CmpLE: "≤", appraisal.CmpLT: "<"}

// rangeText writes a range around x: "0 ≤ x ≤ 1", "1 < x ≤ 3", "x > 11".
func rangeText(rg appraisal.Range, x string) string {
	lo, hi := "", ""
	if rg.From != nil {
		op := "<"
		if rg.FromIncl {
			op = "≤"
		}
		lo = num(*rg.From) + " " + op + " "
	}
	if rg.To != nil {
		op := "<"
		if rg.ToIncl {
			op = "≤"
		}
		hi = " " + op + " " + num(*rg.To)
	}
	switch {
	case lo == "" && hi == "":
		return "—"
	case hi == "" && rg.FromIncl:
		return x + " ≥ " + num(*rg.From)
	case hi == "":
		return x + " > " + num(*rg.From)
	}
	return lo + x + hi
}

// tr translates in the request's language.
func (u *UI) tr(r *http.Request, key string, args ...any) string { return u.web.T(r, key, args...) }

// metricName is a report metric's name in the request's language.
func metricName(r *http.Request, key string) string {
	m, ok := report.MetricByKey(key)
	if !ok {
		return key
	}
	if web.Lang(r) == web.LangZH {
		return m.Zh
	}
	return m.En
}

// sourceText says where an input's value comes from.
func (u *UI) sourceText(r *http.Request, s appraisal.Source) string {
	switch s.Kind {
	case appraisal.SourceMetric:
		return u.tr(r, "appraisal.source.metric", metricName(r, s.Metric))
	case appraisal.SourceQA:
		return u.tr(r, "appraisal.source.qa", u.tr(r, "appraisal.qa."+s.QA))
	case appraisal.SourceComplaints:
		return u.tr(r, "appraisal.source.complaints", u.tr(r, "appraisal.complaints."+s.Complaints))
	}
	return u.tr(r, "appraisal.source.manual")
}

// itemName is an item's name, in English when it has one and the page is.
func itemName(r *http.Request, name, nameEn string) string {
	if nameEn != "" && web.Lang(r) == web.LangEN {
		return nameEn
	}
	return name
}

// rawText writes a raw value in its source's unit.
func (u *UI) rawText(r *http.Request, s appraisal.Source, v *float64) string {
	if v == nil {
		return "—"
	}
	if s.Kind == appraisal.SourceMetric {
		if m, ok := report.MetricByKey(s.Metric); ok {
			switch m.Unit {
			case report.UnitSec:
				return u.tr(r, "appraisal.unit.sec", num(*v))
			case report.UnitPct:
				return num(*v) + "%"
			}
		}
	}
	return num(*v)
}

// noteText explains why an input has no value (or why a manual one was
// used).
func (u *UI) noteText(r *http.Request, note string) string {
	if note == "" {
		return ""
	}
	return u.web.T(r, "appraisal.note."+note)
}

// flagView is a flag as pages show it.
type flagView struct {
	Kind, Level, Label, Detail string
}

func (u *UI) flags(r *http.Request, fs []appraisal.Flag) []flagView {
	out := make([]flagView, len(fs))
	for i, f := range fs {
		v := f.Value
		out[i] = flagView{Kind: f.Kind, Level: f.Level, Label: u.tr(r, "appraisal.rule."+f.Kind), Detail: u.condText(r, f.Condition, &v)}
	}
	return out
}

// condText writes a condition; with a value, the measured figure too.
func (u *UI) condText(r *http.Request, c appraisal.Condition, v *float64) string {
	sign, th := cmpSign[c.Cmp], num(c.Threshold)
	if v == nil {
		return u.tr(r, "appraisal.rule_cond."+c.Measure, sign, th, c.Months, c.Count)
	}
	return u.tr(r, "appraisal.cond."+c.Measure, num(*v), sign, th, c.Months, c.Count)
}

// levelBadge maps a flag level to a badge class.
func levelBadge(level string) string {
	switch level {
	case appraisal.LevelGood:
		return "badge-ok"
	case appraisal.LevelBad:
		return "appraisal-badge-bad"
	}
	return "badge-warn"
}
