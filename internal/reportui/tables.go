package reportui

import (
	"net/url"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/report"
)

// cell is one figure as shown: its text, whether it is a note (no
// figure), its breach and a link into the call list.
type cell struct {
	Text       string
	Muted      bool
	Breach     string // high, low or ""
	BreachText string
	Link       string
}

// metricRow is one line of the summary table: a metric with its target,
// its figure over the whole period, and its figure per group.
type metricRow struct {
	N      int
	Key    string
	Name   string
	Def    string
	Band   string
	Status string // on target / above / below, for the total
	Total  cell
	Groups []cell
}

// colHead is a column of the interval table.
type colHead struct {
	Key  string
	N    int
	Name string
	Band string
}

// intRow is one line of the interval table.
type intRow struct {
	Label string
	Group string
	Cells []cell
}

// intervalCols orders the interval table's columns: the traffic first
// (小时话务量: calls and Erlangs), then the service figures, the handling,
// the agents' figures, satisfaction and the center's.
var intervalCols = []string{
	"total_calls", "offered", "answered", "abandoned", "blocked", "traffic_erlangs", "service_level", "asa", "answer_rate",
	"abandon_rate", "ata", "longest_wait", "queue_time", "aht", "talk_time", "acw", "hold_time", "rings", "transfer_rate",
	"fcr", "queue_placement", "blocked_rate", "occupancy", "adherence", "attendance", "calls_per_hour", "csat",
	"rating_index", "very_unsatisfied", "monitoring_score", "cost_per_call", "turnover",
}

// maxIntervalRows bounds the interval table; the export has them all.
const maxIntervalRows = 800

// tables builds the summary and interval tables of a result.
type tables struct {
	f          fmtr
	res        *report.Result
	loc        *time.Location
	groupLabel func(report.Row) string
	callLink   func(key string, group string) string // "" when the figure has no call list
}

func (tb tables) cell(m report.Metric, v report.Value, link string) cell {
	c := cell{Text: tb.f.value(m, v), Muted: !v.OK, Breach: v.Breach, BreachText: tb.f.breachText(v.Breach)}
	if v.OK && v.V > 0 {
		c.Link = link
	}
	return c
}

func (tb tables) summary() []metricRow {
	var out []metricRow
	for _, m := range report.Metrics {
		v := tb.res.Total.Values[m.Key]
		row := metricRow{N: m.N, Key: m.Key, Name: metricName(tb.f.lang, m), Def: metricDef(tb.f.lang, m),
			Band: tb.f.band(m, tb.res.Targets[m.Key]), Total: tb.cell(m, v, tb.callLink(m.Key, ""))}
		switch {
		case !v.OK || m.Kind == report.KindNone:
		case v.Breach != "":
			row.Status = tb.f.breachText(v.Breach)
		default:
			row.Status = tb.f.t("reports.breach.none")
		}
		for _, g := range tb.res.Groups {
			row.Groups = append(row.Groups, tb.cell(m, g.Values[m.Key], tb.callLink(m.Key, g.Group)))
		}
		out = append(out, row)
	}
	return out
}

func (tb tables) heads() []colHead {
	out := make([]colHead, 0, len(intervalCols))
	for _, k := range intervalCols {
		m, _ := report.MetricByKey(k)
		out = append(out, colHead{Key: k, N: m.N, Name: metricName(tb.f.lang, m), Band: tb.f.band(m, tb.res.Targets[k])})
	}
	return out
}

func (tb tables) cells(r report.Row) []cell {
	out := make([]cell, 0, len(intervalCols))
	for _, k := range intervalCols {
		m, _ := report.MetricByKey(k)
		out = append(out, tb.cell(m, r.Values[k], ""))
	}
	return out
}

// intervals returns the interval table's rows (at most maxIntervalRows)
// and whether some were left out.
func (tb tables) intervals() ([]intRow, bool) {
	q := tb.res.Query
	multi := q.To.Sub(q.From) > 24*time.Hour
	var out []intRow
	for i, r := range tb.res.Rows {
		if i == maxIntervalRows {
			return out, true
		}
		row := intRow{Label: tb.f.slotLabel(rowSlot(r), q.Interval, tb.loc, multi), Cells: tb.cells(r)}
		if q.GroupBy != report.GroupNone {
			row.Group = tb.groupLabel(r)
		}
		out = append(out, row)
	}
	return out, false
}

// callLinker links the counts of calls into the telephony call history,
// where its filters can say the same: the period, a queue, an agent.
func callLinker(f filter, g report.GroupBy, can bool) func(key, group string) string {
	outcome := map[string]string{"total_calls": "", "abandoned": "abandoned", "blocked": "blocked"}
	simple := f.TeamID == 0 && f.DepartmentID == 0 && f.Direction == "" && f.Source == "" && f.Level == "" && f.CFKey == ""
	return func(key, group string) string {
		o, ok := outcome[key]
		if !can || !ok || !simple {
			return ""
		}
		v := url.Values{"from": {f.From}, "to": {f.To}}
		if o != "" {
			v.Set("outcome", o)
		}
		if f.Queue != "" {
			v.Set("queue", f.Queue)
		}
		if f.AgentID != 0 {
			v.Set("agent_id", strconv.FormatInt(f.AgentID, 10))
		}
		switch {
		case group == "":
		case g == report.GroupQueue:
			v.Set("queue", group)
		case g == report.GroupAgent && group != "0":
			v.Set("agent_id", group)
		default:
			return "" // the call list cannot filter by this grouping
		}
		return "/telephony/calls?" + v.Encode()
	}
}
