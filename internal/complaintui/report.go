package complaintui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/org"
)

type reportView struct {
	R        *complaint.Report
	N        *names
	From, To string // dates, inclusive
	Error    string
	Overdue  []row
}

// DeptName names a department key of the report ("" none).
func (v *reportView) DeptName(key string) string {
	id, _ := strconv.ParseInt(key, 10, 64)
	return v.N.Dept(id)
}

// Yuan shows fen as yuan.
func (v *reportView) Yuan(fen int64) string { return yuan(fen) }

// Month shows a month.
func (v *reportView) Month(t time.Time) string { return t.In(time.Local).Format("2006-01") }

// Mean and Median show the time to close.
func (v *reportView) Mean() string   { return fmtDuration(v.R.ToClose.MeanMS) }
func (v *reportView) Median() string { return fmtDuration(v.R.ToClose.MedianMS) }

func (u *UI) report(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q := r.URL.Query()
	v := &reportView{From: q.Get("from"), To: q.Get("to")}
	var f complaint.ReportFilter
	if t, err := time.ParseInLocation(time.DateOnly, v.From, time.Local); err == nil {
		f.Since = t
	}
	if t, err := time.ParseInLocation(time.DateOnly, v.To, time.Local); err == nil {
		f.Until = t.AddDate(0, 0, 1)
	}
	rep, err := u.Svc.Report(r.Context(), a, f)
	if apperr.KindOf(err) == apperr.KindInvalid {
		v.Error = u.errText(r, err)
		rep, err = u.Svc.Report(r.Context(), a, complaint.ReportFilter{})
	}
	if err != nil {
		return err
	}
	v.R = rep
	v.From, v.To = rep.Since.In(time.Local).Format(time.DateOnly), rep.Until.In(time.Local).AddDate(0, 0, -1).Format(time.DateOnly)
	ids := []int64{}
	for _, g := range rep.ByAgent {
		ids = append(ids, g.AgentID)
	}
	for _, c := range rep.OverdueTickets {
		ids = append(ids, c.AgentID)
	}
	if v.N, err = u.lookup(r.Context(), ids...); err != nil {
		return err
	}
	for _, c := range rep.OverdueTickets {
		v.Overdue = append(v.Overdue, row{Complaint: c, Agent: v.N.User(c.AgentID), Responsible: v.N.Dept(c.ResponsibleDepartmentID),
			Penalty: yuan(c.PenaltyFen), Excerpt: excerpt(c.Content, 40)})
	}
	u.UI.Render(w, r, "complaints_report", v)
	return nil
}
