package complaintui

import (
	"net/http"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

const perPage = 25

// listFilter is the list's filters as given in the query.
type listFilter struct {
	Status, Severity, Liability string
	Dept, Agent                 int64
	Q                           string
	From, To                    string // dates, inclusive
	Overdue                     bool
}

type listView struct {
	Rows        []row
	Pager       web.Pager
	F           listFilter
	Statuses    []strOpt
	Severities  []strOpt
	Liabilities []strOpt
	Depts       []web.Option
	Agents      []web.Option
}

type row struct {
	complaint.Complaint
	Agent, Responsible, Penalty, Excerpt string
}

func readFilter(r *http.Request) (listFilter, complaint.Filter) {
	q := r.URL.Query()
	f := listFilter{Status: q.Get("status"), Severity: q.Get("severity"), Liability: q.Get("liability"), Dept: queryID(r, "department_id"),
		Agent: queryID(r, "agent_id"), Q: strings.TrimSpace(q.Get("q")), From: q.Get("from"), To: q.Get("to"), Overdue: q.Get("overdue") == "1"}
	if !oneOf(f.Status, complaint.Statuses) {
		f.Status = ""
	}
	if !oneOf(f.Severity, complaint.Severities) {
		f.Severity = ""
	}
	if f.Liability != "pending" && !oneOf(f.Liability, complaint.Liabilities) {
		f.Liability = ""
	}
	cf := complaint.Filter{Status: f.Status, Severity: f.Severity, Liability: f.Liability, DepartmentID: f.Dept, AgentID: f.Agent,
		Search: f.Q, Overdue: f.Overdue}
	if t, err := time.ParseInLocation(time.DateOnly, f.From, time.Local); err == nil {
		cf.Since = t
	} else {
		f.From = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.To, time.Local); err == nil {
		cf.Until = t.AddDate(0, 0, 1)
	} else {
		f.To = ""
	}
	return f, cf
}

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (u *UI) list(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f, cf := readFilter(r)
	cf.Limit, cf.Offset = perPage, web.PageOffset(r, perPage)
	cs, total, err := u.Svc.List(r.Context(), a, cf)
	if err != nil {
		return err
	}
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.AgentID)
	}
	n, err := u.lookup(r.Context(), ids...)
	if err != nil {
		return err
	}
	v := &listView{Pager: web.NewPager(r, total, perPage), F: f, Depts: n.DeptOptions(),
		Statuses: u.options(r, "complaints.status.", complaint.Statuses), Severities: u.options(r, "complaints.severity.", complaint.Severities),
		Liabilities: u.options(r, "complaints.liability.", append([]string{"pending"}, complaint.Liabilities...))}
	for _, c := range cs {
		v.Rows = append(v.Rows, row{Complaint: c, Agent: n.User(c.AgentID), Responsible: n.Dept(c.ResponsibleDepartmentID),
			Penalty: yuan(c.PenaltyFen), Excerpt: excerpt(c.Content, 40)})
	}
	if v.Agents, err = u.agents(r, a); err != nil {
		return err
	}
	u.UI.Render(w, r, "complaints_list", v)
	return nil
}

// excerpt is the first n characters of s on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
