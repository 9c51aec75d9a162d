package reportui

import (
	"math"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

// chartSet is what reports.js draws: the data of each chart, with series
// names already translated (the script carries no texts).
type chartSet struct {
	Locale string  `json:"locale"` // ECharts' built-in ZH or EN
	Charts []chart `json:"charts"`
}

// chart is one chart. Kind: line, bar (stacked) or radar.
type chart struct {
	ID         string      `json:"id"`
	Kind       string      `json:"kind"`
	X          []string    `json:"x,omitempty"`
	Series     []series    `json:"series"`
	Unit       string      `json:"unit,omitempty"`
	Max        float64     `json:"max,omitempty"`
	Indicators []indicator `json:"indicators,omitempty"`
	// Shown in the page around the chart, not inside it.
	Title   string `json:"-"`
	Caption string `json:"-"`
}

// series is a line, a bar stack part or a radar polygon. Style "target"
// draws a dashed reference line, "trend" a dotted one.
type series struct {
	Name  string     `json:"name"`
	Data  []*float64 `json:"data"`
	Style string     `json:"style,omitempty"`
}

type indicator struct {
	Name string  `json:"name"`
	Max  float64 `json:"max"`
}

func num(x float64) *float64 { return &x }

// chartInput is what the charts are built from: an ungrouped report at the
// chart interval, the half-hour report for ASA, and the page's own report
// (its groups draw the state-time bars).
type chartInput struct {
	main, base, asa *report.Result
	loc             *time.Location
	now             time.Time
	f               fmtr
	groupLabel      func(report.Row) string
}

func buildCharts(in chartInput) chartSet {
	cs := chartSet{Locale: "EN"}
	if in.f.lang == web.LangZH {
		cs.Locale = "ZH"
	}
	add := func(c *chart) {
		if c != nil {
			cs.Charts = append(cs.Charts, *c)
		}
	}
	add(callsChart(in))
	add(asaChart(in))
	add(slChart(in))
	add(statesChart(in))
	add(radarChart(in))
	return cs
}

// axis returns the slots of a result with their labels and rows.
func axis(in chartInput, res *report.Result) ([]string, []*report.Row) {
	q := res.Query
	ss := slots(q, in.loc, in.now)
	multi := q.To.Sub(q.From) > 24*time.Hour
	labels := make([]string, len(ss))
	for i, s := range ss {
		labels[i] = in.f.slotLabel(s, q.Interval, in.loc, multi)
	}
	return labels, index(ss, res.Rows)
}

func callsChart(in chartInput) *chart {
	x, rows := axis(in, in.base)
	t := in.f.t
	c := &chart{ID: "calls", Kind: "line", X: x, Unit: t("reports.chart.unit_calls"),
		Title: t("reports.chart.calls"), Caption: t("reports.chart.calls_caption", in.f.t("reports.interval."+string(in.base.Query.Interval)))}
	pick := []struct {
		name string
		get  func(report.CallSums) int64
	}{
		{t("reports.chart.total"), func(s report.CallSums) int64 { return s.Calls }},
		{t("reports.chart.answered"), func(s report.CallSums) int64 { return s.Answered }},
		{t("reports.chart.abandoned"), func(s report.CallSums) int64 { return s.Abandoned }},
		{t("reports.chart.blocked"), func(s report.CallSums) int64 { return s.Blocked }},
	}
	seen := false
	for _, p := range pick {
		s := series{Name: p.name, Data: make([]*float64, len(rows))}
		for i, r := range rows {
			v := 0.0
			if r != nil {
				v = float64(p.get(r.Calls))
			}
			seen = seen || v > 0
			s.Data[i] = num(v)
		}
		c.Series = append(c.Series, s)
	}
	if !seen {
		return nil
	}
	return c
}

// metricSeries is one metric's figure per slot, nil where there is none.
func metricSeries(rows []*report.Row, key string) ([]*float64, bool) {
	out := make([]*float64, len(rows))
	seen := false
	for i, r := range rows {
		if r == nil {
			continue
		}
		if v, ok := r.Values[key]; ok && v.OK {
			out[i] = num(v.V)
			seen = true
		}
	}
	return out, seen
}

func constant(n int, v float64) []*float64 {
	out := make([]*float64, n)
	for i := range out {
		out[i] = num(v)
	}
	return out
}

func asaChart(in chartInput) *chart {
	x, rows := axis(in, in.asa)
	data, ok := metricSeries(rows, "asa")
	if !ok {
		return nil
	}
	t := in.f.t
	per := t("reports.interval." + string(in.asa.Query.Interval))
	c := &chart{ID: "asa", Kind: "line", X: x, Unit: t("reports.unit.s"), Title: t("reports.chart.asa"),
		Caption: t("reports.chart.asa_caption", per)}
	c.Series = append(c.Series, series{Name: t("reports.chart.asa_series"), Data: data})
	if tr := trend(data); tr != nil {
		c.Series = append(c.Series, series{Name: t("reports.chart.trend"), Data: tr, Style: "trend"})
	}
	if b := in.asa.Targets["asa"]; b.Hi != nil {
		c.Series = append(c.Series, series{Name: t("reports.chart.target"), Data: constant(len(x), *b.Hi), Style: "target"})
	}
	return c
}

// trend is the least-squares line through the points that have a value,
// drawn from the first of them to the last; nil under two points.
func trend(ys []*float64) []*float64 {
	var n, sx, sy, sxx, sxy float64
	first, last := -1, -1
	for i, y := range ys {
		if y == nil {
			continue
		}
		x := float64(i)
		n++
		sx += x
		sy += *y
		sxx += x * x
		sxy += x * *y
		if first < 0 {
			first = i
		}
		last = i
	}
	if n < 2 || last == first {
		return nil
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	icpt := (sy - slope*sx) / n
	out := make([]*float64, len(ys))
	for i := first; i <= last; i++ {
		out[i] = num(math.Round((icpt+slope*float64(i))*100) / 100)
	}
	return out
}

func slChart(in chartInput) *chart {
	x, rows := axis(in, in.base)
	data, ok := metricSeries(rows, "service_level")
	if !ok {
		return nil
	}
	t := in.f.t
	c := &chart{ID: "sl", Kind: "line", X: x, Unit: "%", Max: 100, Title: t("reports.chart.sl"),
		Caption: variant(in.f.lang, in.base)}
	c.Series = append(c.Series, series{Name: t("reports.chart.sl_series"), Data: data},
		series{Name: t("reports.chart.target"), Data: constant(len(x), in.base.Settings.SLTargetPct), Style: "target"})
	return c
}

// stateParts are the agent states of the stacked bars, in order.
var stateParts = []struct {
	key string
	get func(report.AgentSums) int64
}{
	{"ready", func(a report.AgentSums) int64 { return a.ReadyMS }},
	{"ringing", func(a report.AgentSums) int64 { return a.RingingMS }},
	{"on_call", func(a report.AgentSums) int64 { return a.OnCallMS }},
	{"on_hold", func(a report.AgentSums) int64 { return a.OnHoldMS }},
	{"wrap_up", func(a report.AgentSums) int64 { return a.WrapUpMS }},
}

// statesChart stacks agents' state time: one bar per group when the
// report is grouped by agent, team or department, else one per interval.
func statesChart(in chartInput) *chart {
	var x []string
	var rows []*report.Row
	t := in.f.t
	caption := t("reports.chart.states_caption_interval")
	switch in.main.Query.GroupBy {
	case report.GroupAgent, report.GroupTeam, report.GroupDepartment:
		for i := range in.main.Groups {
			g := &in.main.Groups[i]
			if stateTotal(g.Agents) == 0 {
				continue // a group without agents' time (calls nobody answered)
			}
			x = append(x, in.groupLabel(*g))
			rows = append(rows, g)
		}
		caption = t("reports.chart.states_caption_group")
	default:
		x, rows = axis(in, in.base)
	}
	reasons := map[string]bool{}
	var most int64
	for _, r := range rows {
		if r == nil {
			continue
		}
		for k := range r.Reasons {
			reasons[k] = true
		}
		most = max(most, stateTotal(r.Agents))
	}
	if most == 0 {
		return nil
	}
	unit, div := t("reports.unit.h"), float64(time.Hour.Milliseconds())
	if most < 3*time.Hour.Milliseconds() {
		unit, div = t("reports.unit.min"), float64(time.Minute.Milliseconds())
	}
	c := &chart{ID: "states", Kind: "bar", X: x, Unit: unit, Title: t("reports.chart.states"), Caption: caption}
	part := func(name string, get func(*report.Row) int64) {
		s := series{Name: name, Data: make([]*float64, len(rows))}
		for i, r := range rows {
			v := 0.0
			if r != nil {
				v = math.Round(float64(get(r))/div*100) / 100
			}
			s.Data[i] = num(v)
		}
		c.Series = append(c.Series, s)
	}
	for _, p := range stateParts {
		get := p.get
		part(t("reports.state."+p.key), func(r *report.Row) int64 { return get(r.Agents) })
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		part(t("reports.state.not_ready_reason", reasonLabel(t, k)), func(r *report.Row) int64 { return r.Reasons[k] })
	}
	other := func(r *report.Row) int64 {
		rest := r.Agents.NotReadyMS
		for _, v := range r.Reasons {
			rest -= v
		}
		return max(rest, 0)
	}
	for _, r := range rows {
		if r != nil && other(r) > 0 {
			part(t("reports.state.not_ready_other"), other)
			break
		}
	}
	return c
}

func stateTotal(a report.AgentSums) int64 {
	return a.ReadyMS + a.RingingMS + a.OnCallMS + a.OnHoldMS + a.WrapUpMS + a.NotReadyMS
}

// reasonLabel names a not-ready reason: the built-in ones translated,
// a center's own as written.
func reasonLabel(t func(string, ...any) string, k string) string {
	key := "reports.reason." + k
	if s := t(key); s != key {
		return s
	}
	return k
}

// radarIndicators are seed 004's: the hard indicators measured from calls
// and schedules, and the soft one, satisfaction. inverse turns a rate to
// keep low into one to keep high (100 − abandonment).
var radarIndicators = []struct {
	key     string
	inverse bool
}{
	{"service_level", false}, {"answer_rate", false}, {"fcr", false}, {"abandon_rate", true}, {"adherence", false}, {"csat", false},
}

// radarChart shows each indicator as a percentage of its target (100 = on
// target), the target as the second polygon.
func radarChart(in chartInput) *chart {
	t := in.f.t
	tot := in.main.Total.Values
	c := &chart{ID: "radar", Kind: "radar", Title: t("reports.chart.radar"), Caption: t("reports.chart.radar_caption")}
	measured := series{Name: t("reports.chart.measured")}
	seen := false
	top := 120.0
	for _, ind := range radarIndicators {
		m, _ := report.MetricByKey(ind.key)
		name := metricName(in.f.lang, m)
		if ind.inverse {
			name = t("reports.chart.inverse", name)
		}
		v, target := tot[ind.key], radarTarget(in.main, ind.key, ind.inverse)
		share := 0.0
		switch {
		case !v.OK:
			name += " (" + in.f.note(v.Note) + ")"
		case target > 0:
			x := v.V
			if ind.inverse {
				x = 100 - x
			}
			share = math.Round(x/target*1000) / 10
			seen = true
		}
		top = max(top, math.Ceil(share/10)*10)
		c.Indicators = append(c.Indicators, indicator{Name: name})
		measured.Data = append(measured.Data, num(share))
	}
	if !seen {
		return nil
	}
	for i := range c.Indicators {
		c.Indicators[i].Max = top
	}
	c.Series = []series{measured, {Name: t("reports.chart.target"), Data: constant(len(c.Indicators), 100), Style: "target"}}
	return c
}

// radarTarget is the level an indicator aims at: the low end of a band
// to stay above, or 100 − the high end of a rate to stay below.
func radarTarget(res *report.Result, key string, inverse bool) float64 {
	b := res.Targets[key]
	if inverse {
		if b.Hi != nil {
			return 100 - *b.Hi
		}
		return 0
	}
	if b.Lo != nil {
		return *b.Lo
	}
	return 0
}
