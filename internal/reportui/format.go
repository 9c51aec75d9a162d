package reportui

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

// fmtr formats figures in one language and currency.
type fmtr struct {
	lang     string
	currency string
	t        func(key string, args ...any) string
}

// value formats a metric's figure: seconds as m:ss, percents with one
// decimal, money in the currency, counts whole. A value without a figure
// is its note, translated.
func (f fmtr) value(m report.Metric, v report.Value) string {
	if !v.OK {
		return f.note(v.Note)
	}
	return f.number(m, v.V)
}

func (f fmtr) note(n string) string {
	if n == "" {
		n = report.NoteNoData
	}
	return f.t("reports.note." + n)
}

// number formats x in the metric's unit.
func (f fmtr) number(m report.Metric, x float64) string {
	switch {
	case m.Key == "traffic_erlangs":
		return strconv.FormatFloat(x, 'f', 2, 64) + " Erl"
	case m.Unit == report.UnitPct:
		return pct(x)
	case m.Unit == report.UnitSec:
		return clock(x)
	case m.Unit == report.UnitMoney:
		return f.money(x, 2)
	case m.Unit == report.UnitCount:
		return thousands(int64(math.Round(x)))
	case m.Unit == report.UnitPerHour:
		return f.t("reports.unit.per_hour", strconv.FormatFloat(x, 'f', 1, 64))
	case m.Unit == report.UnitRings, m.Unit == report.UnitScore:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func pct(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) + "%" }

// clock formats seconds as m:ss, or h:mm:ss from an hour.
func clock(sec float64) string {
	s := int64(math.Round(sec))
	neg := ""
	if s < 0 {
		neg, s = "-", -s
	}
	if s >= 3600 {
		return fmt.Sprintf("%s%d:%02d:%02d", neg, s/3600, s%3600/60, s%60)
	}
	return fmt.Sprintf("%s%d:%02d", neg, s/60, s%60)
}

// hours formats milliseconds as h:mm.
func hours(ms int64) string {
	m := (ms + 30000) / 60000
	return fmt.Sprintf("%d:%02d", m/60, m%60)
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

var currencySigns = map[string]string{"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}

func (f fmtr) money(x float64, prec int) string {
	num := strconv.FormatFloat(x, 'f', prec, 64)
	if s, ok := currencySigns[strings.ToUpper(f.currency)]; ok {
		return s + num
	}
	return f.currency + " " + num
}

// band formats a target band: "≥ 92%", "≤ 20 s", "30–60 s", "3–10 min",
// "¥2–5"; "—" without a target.
func (f fmtr) band(m report.Metric, b report.Band) string {
	if m.Kind == report.KindNone || (b.Lo == nil && b.Hi == nil) {
		return "—"
	}
	unit, scale := f.bandUnit(m, b)
	num := func(x float64) string {
		s := strconv.FormatFloat(x/scale, 'f', -1, 64)
		if m.Unit == report.UnitMoney {
			return f.money(x, -1)
		}
		return s
	}
	switch {
	case b.Lo != nil && b.Hi != nil:
		if m.Unit == report.UnitMoney {
			return f.money(*b.Lo, -1) + "–" + strconv.FormatFloat(*b.Hi, 'f', -1, 64)
		}
		return num(*b.Lo) + "–" + num(*b.Hi) + unit
	case b.Lo != nil:
		return "≥ " + num(*b.Lo) + unit
	}
	return "≤ " + num(*b.Hi) + unit
}

// bandUnit is the unit written after a band's numbers, and what its
// numbers are divided by: long bands of seconds read in minutes.
func (f fmtr) bandUnit(m report.Metric, b report.Band) (string, float64) {
	switch m.Unit {
	case report.UnitPct:
		return "%", 1
	case report.UnitSec:
		whole := func(p *float64) bool { return p == nil || math.Mod(*p, 60) == 0 }
		if b.Hi != nil && *b.Hi >= 120 && whole(b.Lo) && whole(b.Hi) {
			return " " + f.t("reports.unit.min"), 60
		}
		return " " + f.t("reports.unit.s"), 1
	case report.UnitRings:
		return " " + f.t("reports.unit.rings"), 1
	case report.UnitPerHour:
		return " " + f.t("reports.unit.h"), 1
	}
	return "", 1
}

// breachText says which side of its band a figure is on.
func (f fmtr) breachText(b string) string {
	switch b {
	case "high":
		return f.t("reports.breach.high")
	case "low":
		return f.t("reports.breach.low")
	}
	return ""
}

// metricName is a metric's name in the language.
func metricName(lang string, m report.Metric) string {
	if lang == web.LangZH {
		return m.Zh
	}
	return m.En
}

func metricDef(lang string, m report.Metric) string {
	if lang == web.LangZH {
		return m.DefZh
	}
	return m.DefEn
}

func variant(lang string, res *report.Result) string {
	if lang == web.LangZH {
		return res.VariantZh
	}
	return res.VariantEn
}
