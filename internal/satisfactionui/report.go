package satisfactionui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/satisfaction"
	"github.com/hotline-cc/hotline/internal/web"
)

type reportView struct {
	R          *satisfaction.Report
	From, To   string // the range's dates, inclusive
	Period     string
	Periods    []strOpt
	Error      string
	N          *names
	Reasons    map[int64]string
	Closed     int
	Overdue    []caseRow
	CSAT       csatLinks
	PeriodRows []periodRow
}

type periodRow struct {
	Label          string
	Opened, Closed int
	Mean, Median   string
}

// Mean and Median show the time to close of the whole range.
func (v *reportView) Mean() string   { return fmtDuration(v.R.ToClose.MeanMS) }
func (v *reportView) Median() string { return fmtDuration(v.R.ToClose.MedianMS) }

// ReasonLabel names a reason key of the report ("" not reviewed yet).
func (v *reportView) ReasonLabel(key string) string {
	id, _ := strconv.ParseInt(key, 10, 64)
	return v.Reasons[id]
}

func (u *UI) report(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q := r.URL.Query()
	v := &reportView{Period: q.Get("period"), From: q.Get("from"), To: q.Get("to")}
	f := satisfaction.ReportFilter{Period: v.Period}
	if t, err := time.ParseInLocation(time.DateOnly, v.From, time.Local); err == nil {
		f.Since = t
	}
	if t, err := time.ParseInLocation(time.DateOnly, v.To, time.Local); err == nil {
		f.Until = t.AddDate(0, 0, 1)
	}
	rep, err := u.Svc.Report(r.Context(), a, f)
	if apperr.KindOf(err) == apperr.KindInvalid {
		v.Error = u.errText(r, err)
		f = satisfaction.ReportFilter{}
		rep, err = u.Svc.Report(r.Context(), a, f)
	}
	if err != nil {
		return err
	}
	v.R, v.Period = rep, rep.Period
	v.From, v.To = rep.Since.In(time.Local).Format(time.DateOnly), rep.Until.In(time.Local).AddDate(0, 0, -1).Format(time.DateOnly)
	for _, p := range []string{satisfaction.PeriodDay, satisfaction.PeriodWeek, satisfaction.PeriodMonth} {
		v.Periods = append(v.Periods, strOpt{Value: p, Label: u.UI.T(r, "satisfaction.period."+p)})
	}
	ids := []int64{}
	for _, g := range rep.ByAgent {
		ids = append(ids, g.ID)
	}
	for _, c := range rep.OverdueCases {
		ids = append(ids, c.AgentID)
	}
	if v.N, err = u.lookup(r.Context(), ids...); err != nil {
		return err
	}
	if v.Reasons, _, err = u.reasonNames(r.Context(), web.Lang(r)); err != nil {
		return err
	}
	for _, s := range rep.ByStatus {
		if s.Key == satisfaction.StatusClosed {
			v.Closed = s.N
		}
	}
	for _, c := range rep.OverdueCases {
		v.Overdue = append(v.Overdue, caseRow{Case: c, Agent: v.N.User(c.AgentID), Team: v.N.Team(c.TeamID),
			Reason: v.Reasons[c.ReasonID], CallbackTeam: v.N.Team(c.CallbackTeamID)})
	}
	for _, p := range rep.Periods {
		v.PeriodRows = append(v.PeriodRows, periodRow{Label: periodLabel(p.Start, rep.Period), Opened: p.Opened, Closed: p.Closed,
			Mean: fmtDuration(p.MeanMS), Median: fmtDuration(p.MedianMS)})
	}
	v.CSAT = newCSAT(a, v.From, v.To)
	u.UI.Render(w, r, "satisfaction_report", v)
	return nil
}

func periodLabel(t time.Time, period string) string {
	t = t.In(time.Local)
	switch period {
	case satisfaction.PeriodMonth:
		return t.Format("2006-01")
	case satisfaction.PeriodWeek:
		return t.Format("2006-01-02") + " –"
	}
	return t.Format("2006-01-02")
}
