package reportui

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

// reportView is the report page.
type reportView struct {
	F          filter
	C          choices
	Err        string
	Res        *report.Result
	Variant    string
	PeriodText string
	Generated  string
	TimeZone   string
	Grouped    bool
	GroupHeads []string
	Summary    []metricRow // the 23 metrics
	Extras     []metricRow // the figures beside them
	Heads      []colHead
	Rows       []intRow
	Total      []cell
	Cut        bool // the interval table was cut at MaxRows
	MaxRows    int
	ShowRows   bool
	Charts     []chart
	ChartJSON  string
	Export     exportView
	Links      reportLinks
}

// exportView wires the export buttons: the job API takes the report's
// own query parameters plus format.
type exportView struct {
	Can   bool
	Query string
	Texts string // the script's texts, JSON
}

// reportLinks are shortcuts that change one thing of the current report.
type reportLinks struct {
	ByAgent, ByQueue, ByDay, ByHalfHour, HourOfDay string
}

func (u *UI) reportPage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	loc := s.Location()
	now := u.Now()
	f := readFilter(r, loc, now)
	v := &reportView{F: f, TimeZone: s.TimeZone, Export: exportView{Can: a.Can(permExport), Query: f.apiValues().Encode()},
		Links: reportLinks{ByAgent: f.with("group_by", "agent"), ByQueue: f.with("group_by", "queue"), ByDay: f.with("interval", "day"),
			ByHalfHour: f.with("interval", "30m"), HourOfDay: f.with("interval", "hour_of_day")}}
	if v.C, err = u.choices(r, a, f); err != nil {
		return err
	}
	en, zh := s.Variant()
	v.Variant = en
	if web.Lang(r) == web.LangZH {
		v.Variant = zh
	}
	if v.Export.Can {
		v.Export.Texts = u.jsTexts(r, "reports.export.js.")
	}
	if err := u.fillReport(r, a, v, loc, now); err != nil {
		if apperr.KindOf(err) != apperr.KindInvalid {
			return err
		}
		v.Err = u.web.ErrorText(r, u.localize(r, err))
		u.web.RenderStatus(w, r, http.StatusBadRequest, "reports_page", v)
		return nil
	}
	u.web.Render(w, r, "reports_page", v)
	return nil
}

// jsTexts are the catalog's texts under prefix, keyed without it, as JSON
// for a script (which carries no texts of its own).
func (u *UI) jsTexts(r *http.Request, prefix string) string {
	m := map[string]string{}
	for k, text := range u.msgs[web.Lang(r)] {
		if name, ok := strings.CutPrefix(k, prefix); ok {
			m[name] = text
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// fillReport runs the report and the charts' reports and lays them out.
func (u *UI) fillReport(r *http.Request, a *org.Actor, v *reportView, loc *time.Location, now time.Time) error {
	ctx := r.Context()
	qu, err := v.F.query(loc)
	if err != nil {
		return err
	}
	res, err := u.Reports.Report(ctx, a, qu)
	if err != nil {
		return err
	}
	base, asa, err := u.chartReports(r, a, res)
	if err != nil {
		return err
	}
	lang := web.Lang(r)
	fm := fmtr{lang: lang, currency: res.Settings.Currency, t: func(k string, args ...any) string { return u.t(r, k, args...) }}
	gl := func(row report.Row) string { return u.groupLabel(r, res.Query.GroupBy, row) }
	tb := tables{f: fm, res: res, loc: loc, groupLabel: gl,
		callLink: callLinker(v.F, res.Query.GroupBy, a.Can(permCalls))}
	lastNone(res.Groups)
	v.Res, v.Variant = res, variant(lang, res)
	v.Res.Stale = res.Stale || base.Stale || asa.Stale
	v.PeriodText = fm.slotLabel(slot{Start: res.Query.From, End: res.Query.To}, report.IntTotal, loc, true)
	v.Generated = res.Generated.In(loc).Format("2006-01-02 15:04:05")
	v.Grouped = res.Query.GroupBy != report.GroupNone
	for _, g := range res.Groups {
		v.GroupHeads = append(v.GroupHeads, gl(g))
	}
	for _, m := range tb.summary() {
		if m.N > 0 {
			v.Summary = append(v.Summary, m)
		} else {
			v.Extras = append(v.Extras, m)
		}
	}
	v.ShowRows = res.Query.Interval != report.IntTotal
	if v.ShowRows {
		v.Heads = tb.heads()
		v.Rows, v.Cut = tb.intervals()
		v.MaxRows = maxIntervalRows
		v.Total = tb.cells(res.Total)
	}
	cs := buildCharts(chartInput{main: res, base: base, asa: asa, loc: loc, now: now, f: fm, groupLabel: gl})
	v.Charts = cs.Charts
	b, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	v.ChartJSON = string(b)
	return nil
}

// chartReports returns the ungrouped report at the charts' interval and
// the half-hour report of ASA (the page's own when it already is one).
func (u *UI) chartReports(r *http.Request, a *org.Actor, res *report.Result) (*report.Result, *report.Result, error) {
	run := func(iv report.Interval, have ...*report.Result) (*report.Result, error) {
		for _, h := range have {
			if h.Query.GroupBy == report.GroupNone && h.Query.Interval == iv {
				return h, nil
			}
		}
		q := res.Query
		q.GroupBy, q.Interval = report.GroupNone, iv
		return u.Reports.Report(r.Context(), a, q)
	}
	base, err := run(chartInterval(res.Query), res)
	if err != nil {
		return nil, nil, err
	}
	if res.Query.To.Sub(res.Query.From) > report.MaxFineSpan {
		return base, base, nil // too long for half hours: ASA per the charts' interval
	}
	asa, err := run(report.Int30m, res, base)
	if err != nil {
		return nil, nil, err
	}
	return base, asa, nil
}

// lastNone moves the group of the calls of no group (no agent, no
// campaign…) after the others.
func lastNone(gs []report.Row) {
	sort.SliceStable(gs, func(i, j int) bool { return !isNone(gs[i].Group) && isNone(gs[j].Group) })
}

func isNone(g string) bool { return g == "" || g == "0" }

// groupLabel names a group: its label, "none" for the calls of no group,
// directions translated.
func (u *UI) groupLabel(r *http.Request, g report.GroupBy, row report.Row) string {
	if isNone(row.Group) {
		return u.t(r, "reports.group_none")
	}
	if g == report.GroupDirection {
		key := "reports.dir." + row.Group
		if s := u.t(r, key); s != key {
			return s
		}
	}
	if row.Label != "" {
		return row.Label
	}
	return row.Group
}
