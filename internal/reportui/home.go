package reportui

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

// homeView is the home page's panel: today's figures for a manager's
// scope, or an agent's own day (话务信息).
type homeView struct {
	Own      bool
	Scope    string
	Date     string
	Stale    bool
	Variant  string
	Tiles    []tile
	Live     *liveAgents
	States   []tile // state time today, when live state is not shown
	Breaches []breachLine
	Shift    string // the agent's shift now or next
	ShiftNow bool
	Report   string // today's report
	Hourly   string // today per hour
	Wall     string // the wallboard, for live state
}

// tile is one figure of the panel, linking into the report.
type tile struct {
	Label      string
	Value      string
	Sub        string
	Breach     string // high, low or ""
	BreachText string
	Link       string
	Key        string
}

// liveAgents counts the agents of the scope by their state now.
type liveAgents struct {
	Ready, Busy, WrapUp, NotReady, Total int
}

// breachLine is a metric off its target today.
type breachLine struct {
	Name, Value, Band, Side, Breach, Link string
}

// homeData is the panel's data for the actor; nil (no panel) without
// reports:view.
func (u *UI) homeData(r *http.Request, a *org.Actor) (any, error) {
	if !a.Can(permView) || a.System {
		return nil, nil
	}
	s, err := u.settings(r)
	if err != nil {
		return nil, err
	}
	loc := s.Location()
	now := u.Now()
	day := midnight(now.In(loc))
	res, err := u.Reports.Report(r.Context(), a, report.Query{From: day, To: day.AddDate(0, 0, 1), Interval: report.IntTotal})
	if err != nil {
		return nil, err
	}
	lang := web.Lang(r)
	fm := fmtr{lang: lang, currency: res.Settings.Currency, t: func(k string, args ...any) string { return u.t(r, k, args...) }}
	today := filter{Period: PeriodToday, From: day.Format(dateLayout), To: day.Format(dateLayout), Interval: string(report.IntTotal)}
	v := &homeView{Own: a.Scope.Kind == org.ScopeOwn, Date: day.Format(dateLayout), Stale: res.Stale, Variant: variant(lang, res),
		Report: today.with("interval", "60m"), Hourly: today.with("interval", "hour_of_day")}
	link := func(key string) string { return today.with("interval", "60m") + "#m-" + key }
	if v.Own {
		u.ownDay(r, a, v, res, fm, link, now, loc)
		return v, nil
	}
	v.Scope = u.scopeText(r, a)
	tot := res.Total
	val := func(k string) report.Value { return tot.Values[k] }
	mt := func(k string) report.Metric { m, _ := report.MetricByKey(k); return m }
	v.Tiles = []tile{
		{Key: "offered", Label: u.t(r, "reports.home.offered"), Value: fm.value(mt("offered"), val("offered")), Link: link("offered")},
		{Key: "answered", Label: u.t(r, "reports.home.answered"), Value: thousands(tot.Calls.AnsweredQ),
			Sub: fm.value(mt("answer_rate"), val("answer_rate")), Breach: val("answer_rate").Breach, Link: link("answer_rate")},
		{Key: "abandoned", Label: u.t(r, "reports.home.abandoned"), Value: fm.value(mt("abandoned"), val("abandoned")),
			Sub: fm.value(mt("abandon_rate"), val("abandon_rate")), Breach: val("abandon_rate").Breach, Link: link("abandon_rate")},
		{Key: "service_level", Label: metricName(lang, mt("service_level")), Value: fm.value(mt("service_level"), val("service_level")),
			Sub: fm.band(mt("service_level"), res.Targets["service_level"]), Breach: val("service_level").Breach, Link: link("service_level")},
		{Key: "asa", Label: metricName(lang, mt("asa")), Value: fm.value(mt("asa"), val("asa")),
			Sub: fm.band(mt("asa"), res.Targets["asa"]), Breach: val("asa").Breach, Link: link("asa")},
	}
	for i := range v.Tiles {
		v.Tiles[i].BreachText = fm.breachText(v.Tiles[i].Breach)
	}
	if u.ACD != nil && a.Can(permAgents) {
		if v.Live, err = u.live(r, a); err != nil {
			return nil, err
		}
		if a.Can(permQueues) {
			v.Wall = "/desk/wall"
		}
	} else {
		v.States = stateTiles(fm, tot.Agents)
	}
	for _, m := range report.Metrics {
		x := tot.Values[m.Key]
		if x.OK && x.Breach != "" {
			v.Breaches = append(v.Breaches, breachLine{Name: metricName(lang, m), Value: fm.value(m, x), Band: fm.band(m, res.Targets[m.Key]),
				Side: fm.breachText(x.Breach), Breach: x.Breach, Link: link(m.Key)})
		}
	}
	return v, nil
}

// ownDay fills an agent's day: calls handled, talk time, AHT, ACW, ready
// and not-ready time, adherence, satisfaction, and the shift.
func (u *UI) ownDay(r *http.Request, a *org.Actor, v *homeView, res *report.Result, fm fmtr, link func(string) string,
	now time.Time, loc *time.Location) {
	tot := res.Total
	mt := func(k string) report.Metric { m, _ := report.MetricByKey(k); return m }
	metric := func(k string) tile {
		m, x := mt(k), tot.Values[k]
		return tile{Key: k, Label: metricName(fm.lang, m), Value: fm.value(m, x), Sub: fm.band(m, res.Targets[k]),
			Breach: x.Breach, BreachText: fm.breachText(x.Breach), Link: link(k)}
	}
	handled := metric("answered")
	handled.Sub = ""
	talk := tile{Key: "talk_total", Label: u.t(r, "reports.home.talk_total"), Value: clock(float64(tot.Calls.LegTalkMS) / 1000),
		Link: link("talk_time")}
	v.Tiles = []tile{handled, talk, metric("aht"), metric("acw"),
		{Key: "ready", Label: u.t(r, "reports.state.ready"), Value: hours(tot.Agents.ReadyMS), Link: link("occupancy")},
		{Key: "not_ready", Label: u.t(r, "reports.state.not_ready"), Value: hours(tot.Agents.NotReadyMS), Link: link("occupancy")},
		metric("adherence"), metric("csat")}
	if tot.Calls.Rated > 0 {
		v.Tiles[len(v.Tiles)-1].Sub = u.t(r, "reports.home.ratings", tot.Calls.Rated)
	}
	if u.Shifts == nil || !a.Can(permWFM) {
		return
	}
	sh, err := u.nextShift(r, a, now)
	if err != nil {
		u.Log.Warn("reportui: next shift", "user", a.UserID, "err", err)
		return
	}
	if sh == nil {
		v.Shift = u.t(r, "reports.home.no_shift")
		return
	}
	v.ShiftNow = !sh.Start.After(now)
	st := sh.Start.In(loc)
	text := st.Format("01-02") + " " + u.t(r, "reports.wd."+st.Weekday().String()[:3]) + " " + span(sh.Start, sh.End, loc)
	var acts []string
	for _, act := range sh.Activities {
		acts = append(acts, u.t(r, "reports.activity."+act.Kind)+" "+span(act.Start, act.End, loc))
	}
	if len(acts) > 0 {
		text += " (" + strings.Join(acts, ", ") + ")"
	}
	v.Shift = text
}

func stateTiles(fm fmtr, ag report.AgentSums) []tile {
	return []tile{
		{Label: fm.t("reports.state.ready"), Value: hours(ag.ReadyMS)},
		{Label: fm.t("reports.state.on_call"), Value: hours(ag.OnCallMS + ag.OnHoldMS)},
		{Label: fm.t("reports.state.wrap_up"), Value: hours(ag.WrapUpMS)},
		{Label: fm.t("reports.state.not_ready"), Value: hours(ag.NotReadyMS)},
	}
}

// live counts the scope's agents by their live ACD state (logged-out
// agents left out), as the wallboard does.
func (u *UI) live(r *http.Request, a *org.Actor) (*liveAgents, error) {
	us, _, err := u.Org.Users(r.Context(), a, org.UserQuery{Limit: 1000})
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	for _, usr := range us {
		in[usr.ID] = true
	}
	l := &liveAgents{}
	for _, st := range u.ACD.Snapshot().Agents {
		if !in[st.ID] || st.State == acd.LoggedOut {
			continue
		}
		l.Total++
		switch st.State {
		case acd.Ready:
			l.Ready++
		case acd.Ringing, acd.OnCall, acd.OnHold:
			l.Busy++
		case acd.WrapUp:
			l.WrapUp++
		default:
			l.NotReady++
		}
	}
	return l, nil
}

// scopeText names what the figures cover.
func (u *UI) scopeText(r *http.Request, a *org.Actor) string {
	sc := a.Scope
	switch sc.Kind {
	case org.ScopeTeam:
		if t, err := u.Org.Team(r.Context(), sc.TeamID); err == nil {
			return u.t(r, "reports.home.scope_team", t.Name)
		}
	case org.ScopeDepartment:
		ds, err := u.Org.Departments(r.Context())
		if err == nil {
			var names []string
			for _, d := range ds {
				if slices.Contains(sc.DeptIDs, d.ID) {
					names = append(names, d.Name)
				}
			}
			return u.t(r, "reports.home.scope_department", strings.Join(names, "、"))
		}
	}
	return u.t(r, "reports.home.scope_all")
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
