package complaintui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/web"
)

// The inputs of each action's form.
var actionFields = map[string][]string{
	"assess":    {"severity", "liability", "liable_department_id", "agent_id", "note"},
	"checklist": {"step", "done"},
	"forward":   {"department_id", "deadline_at", "note"},
	"reply":     {"reply"},
	"callback":  {"result", "satisfaction", "note"},
	"close":     {"note"},
	"reopen":    {"reason"},
}

type ticketView struct {
	T             *complaint.Ticket
	N             *names
	Forms         map[string]*web.Form
	Recordings    []recRow
	Severities    []strOpt
	Liabilities   []strOpt
	Results       []strOpt
	Satisfactions []strOpt
	Agents        []web.Option
	Depts         []web.Option
	Penalty       string
	Manage        bool // judge, forward, call back, close, reopen
	Tick          bool // tick the checklist
	Reply         bool // reply for the responsible department
	Open          bool // not closed
	CallLink      string
	CustomerLink  string
	Failed        string // the refusal of a form the page does not show
}

// shows reports whether the page offers action's form, as the template
// decides.
func (v *ticketView) shows(action string) bool {
	st := v.T.Status
	switch action {
	case "checklist":
		return true
	case "reply":
		return v.Reply
	case "callback", "close":
		return v.Manage && v.Open && (st == complaint.StatusOpen || st == complaint.StatusReplied || st == complaint.StatusCalledBack)
	case "forward", "assess":
		return v.Manage && v.Open
	}
	return v.Manage && !v.Open // reopen
}

type recRow struct {
	AudioURL string
	Duration string
}

func (u *UI) ticketPage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return u.renderTicket(w, r, a, id, "", nil, http.StatusOK)
}

// renderTicket shows the ticket with blank forms, or with the given failed
// form (its values and errors) for action.
func (u *UI) renderTicket(w http.ResponseWriter, r *http.Request, a *org.Actor, id int64, action string, failed *web.Form, status int) error {
	t, err := u.Svc.Ticket(r.Context(), a, id)
	if err != nil {
		return err
	}
	v, err := u.ticketView(r, a, t)
	if err != nil {
		return err
	}
	if failed != nil {
		v.Forms[action] = failed
		if !v.shows(action) {
			// A form the ticket's state no longer offers: say why on top.
			v.Failed = failed.Error
		}
	}
	u.UI.RenderStatus(w, r, status, "complaints_ticket", v)
	return nil
}

func (u *UI) ticketView(r *http.Request, a *org.Actor, t *complaint.Ticket) (*ticketView, error) {
	ids := []int64{t.AgentID, t.CreatedBy, t.CalledBackBy, t.ClosedBy}
	for _, f := range t.Forwards {
		ids = append(ids, f.ForwardedBy, f.RepliedBy)
	}
	for _, e := range t.Events {
		ids = append(ids, e.Detail.AgentID)
	}
	n, err := u.lookup(r.Context(), ids...)
	if err != nil {
		return nil, err
	}
	inScope := a.Scope.Allows(t.AgentID, t.TeamID, t.DepartmentID)
	v := &ticketView{T: t, N: n, Forms: map[string]*web.Form{}, Penalty: yuan(t.PenaltyFen), Depts: n.DeptOptions(),
		Open:    t.Status != complaint.StatusClosed,
		Manage:  a.Can(complaint.PermManage) && inScope,
		Tick:    a.Can(complaint.PermCreate) && (inScope || t.CreatedBy == a.UserID),
		Results: u.options(r, "complaints.result.", complaint.Results), Satisfactions: u.options(r, "complaints.satisfaction.", complaint.Satisfactions),
		Severities: u.options(r, "complaints.severity.", complaint.Severities), Liabilities: u.options(r, "complaints.liability.", complaint.Liabilities)}
	if t.Status == complaint.StatusForwarded && a.Can(complaint.PermCreate) {
		v.Reply = v.Manage || u.inDepartment(r, a, t.ResponsibleDepartmentID)
	}
	if v.Manage && v.Open {
		if v.Agents, err = u.agents(r, a); err != nil {
			return nil, err
		}
	}
	if t.CallID != "" && inScope && a.Can(org.P("calls", "view")) {
		v.CallLink = "/telephony/calls/" + t.CallID
	}
	if t.CustomerID != 0 && a.Can(org.P("customers", "view")) {
		v.CustomerLink = fmt.Sprintf("/customers/%d", t.CustomerID)
	}
	if err := u.recordings(r, a, t, v); err != nil {
		return nil, err
	}
	u.blankForms(r, t, v)
	return v, nil
}

// inDepartment reports whether dept is a's department (or, for
// department-scoped roles, one below it), as the service decides replies.
func (u *UI) inDepartment(r *http.Request, a *org.Actor, dept int64) bool {
	for _, d := range a.Scope.DeptIDs {
		if d == dept {
			return true
		}
	}
	ag, err := u.Org.Agent(r.Context(), a.UserID)
	return err == nil && ag.DepartmentID == dept
}

// recordings lists the call's recordings the actor may hear.
func (u *UI) recordings(r *http.Request, a *org.Actor, t *complaint.Ticket, v *ticketView) error {
	if u.Recordings == nil || t.CallID == "" || !a.Can(org.P("recordings", "view")) {
		return nil
	}
	recs, _, err := u.Recordings.List(r.Context(), a.Scope, recording.Filter{CallID: t.CallID, Limit: 10})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		v.Recordings = append(v.Recordings, recRow{AudioURL: fmt.Sprintf("/api/v1/recordings/%d/audio", rec.ID),
			Duration: fmtDuration(rec.DurationMS)})
	}
	return nil
}

func (u *UI) blankForms(r *http.Request, t *complaint.Ticket, v *ticketView) {
	for action, fields := range actionFields {
		v.Forms[action] = u.UI.NewForm(r, fields...)
	}
	as := v.Forms["assess"]
	as.Set("severity", t.Severity)
	as.Set("liability", t.Liability)
	as.Set("liable_department_id", idStr(t.LiableDepartmentID))
	as.Set("agent_id", idStr(t.AgentID))
	v.Forms["forward"].Set("deadline_at", time.Now().Add(48*time.Hour).Local().Format(localInput))
	v.Forms["forward"].Set("department_id", idStr(t.ResponsibleDepartmentID))
}

// actionPost handles one action's form: done, back to the ticket with a
// message; refused, the ticket again with the form and its errors.
func (u *UI) actionPost(action string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		f := u.UI.ParseForm(r, actionFields[action]...)
		call := u.prepare(r, a, id, action, f)
		status, err := u.save(r, f, actionFields[action], func() error {
			if !f.OK() {
				return nil
			}
			_, err := call()
			return err
		})
		if err != nil {
			return err
		}
		if status != 0 {
			return u.renderTicket(w, r, a, id, action, f, status)
		}
		key := "complaints.flash." + action
		if action == "checklist" && f.Get("done") != "1" {
			key = "complaints.flash.unchecked"
		}
		u.UI.Flash(w, web.FlashOK, key)
		web.Redirect(w, r, fmt.Sprintf("%s/%d", Base, id))
		return nil
	}
}

// prepare reads an action's inputs (a malformed one is the form's error)
// and returns the service call that applies it.
func (u *UI) prepare(r *http.Request, a *org.Actor, id int64, action string, f *web.Form) func() (*complaint.Complaint, error) {
	ctx, s := r.Context(), u.Svc
	note := f.Values.Get("note")
	switch action {
	case "assess":
		in := complaint.AssessInput{Severity: f.Get("severity"), Liability: f.Get("liability"),
			LiableDepartmentID: f.ID("liable_department_id"), AgentID: f.ID("agent_id"), Note: note}
		if in.Liability != complaint.LiabilityDepartment {
			in.LiableDepartmentID = 0 // the picker's value only counts with a department's liability
		}
		return func() (*complaint.Complaint, error) { return s.Assess(ctx, a, id, in) }
	case "checklist":
		in := complaint.CheckInput{Step: f.Get("step"), Done: f.Get("done") == "1"}
		return func() (*complaint.Complaint, error) { return s.Check(ctx, a, id, in) }
	case "forward":
		in := complaint.ForwardInput{DepartmentID: f.ID("department_id"), Note: note}
		if v := f.Get("deadline_at"); v != "" {
			t, ok := parseLocal(v)
			if !ok {
				f.Invalid("deadline_at", "complaints.err.deadline_format")
			}
			in.DeadlineAt = t
		}
		return func() (*complaint.Complaint, error) { return s.Forward(ctx, a, id, in) }
	case "reply":
		in := complaint.ReplyInput{Reply: f.Values.Get("reply")}
		return func() (*complaint.Complaint, error) { return s.Reply(ctx, a, id, in) }
	case "callback":
		in := complaint.CallbackInput{Result: f.Get("result"), Satisfaction: f.Get("satisfaction"), Note: note}
		if in.Result == "unreachable" {
			in.Satisfaction = "" // the form keeps the select; an unreachable customer gave none
		}
		return func() (*complaint.Complaint, error) { return s.CallBack(ctx, a, id, in) }
	case "close":
		in := complaint.CloseInput{Note: note}
		return func() (*complaint.Complaint, error) { return s.Close(ctx, a, id, in) }
	}
	in := complaint.ReopenInput{Reason: f.Values.Get("reason")}
	return func() (*complaint.Complaint, error) { return s.Reopen(ctx, a, id, in) }
}

// Yuan shows fen as yuan.
func (v *ticketView) Yuan(fen int64) string { return yuan(fen) }
