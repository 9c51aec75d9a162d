package satisfactionui

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/satisfaction"
	"github.com/hotline-cc/hotline/internal/web"
)

// The inputs of each step's form.
var stepFields = map[string][]string{
	satisfaction.StepReview:   {"reason_id", "finding"},
	satisfaction.StepAssign:   {"team_id", "user_id", "due_at", "note"},
	satisfaction.StepCallback: {"result", "note"},
	satisfaction.StepClose:    {"reason_id", "outcome"},
}

type casePageView struct {
	C           *satisfaction.Detail
	N           *names
	Reasons     map[int64]string
	ReasonOpts  []web.Option // the active reasons
	Teams       []web.Option
	Members     []web.Option // grouped by team, for the person picker
	Results     []strOpt
	Recordings  []recRow
	Steps       []stepRow
	Forms       map[string]*web.Form
	CanAct      bool // review, assign and close: the case is in the actor's scope
	CanCallBack bool // the case's call-back may be recorded (also by the assigned team)
	CanRetry    bool // the customer was unreachable: assign again
	CallLink    string
	Customer    string
	CSAT        csatLinks
	Failed      string // the refusal of a form the page does not show
}

// shows reports whether the page offers step's form, as the template
// decides.
func (v *casePageView) shows(step string) bool {
	st := v.C.Status
	switch step {
	case satisfaction.StepReview:
		return v.CanAct && st == satisfaction.StatusNew
	case satisfaction.StepAssign:
		return v.CanAct && (st == satisfaction.StatusReviewed || st == satisfaction.StatusAssigned || v.CanRetry)
	case satisfaction.StepCallback:
		return v.CanCallBack
	}
	return v.CanAct && st == satisfaction.StatusCalledBack
}

// recRow is a recording of the call, played from the API's audio endpoint
// (which checks recordings:view and the data scope, accepts the session
// cookie and serves byte ranges) as the telephony call page does.
type recRow struct {
	AudioURL string
	Duration string
}

type stepRow struct {
	satisfaction.Step
	Reason, Team, User string
}

func (u *UI) casePage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return u.renderCase(w, r, a, id, "", nil, http.StatusOK)
}

// renderCase shows the case with a blank form for its next step, or
// with the given form (failed, with its errors) for step.
func (u *UI) renderCase(w http.ResponseWriter, r *http.Request, a *org.Actor, id int64, step string, failed *web.Form, status int) error {
	d, err := u.Svc.Detail(r.Context(), a, id)
	if err != nil {
		return err
	}
	v, err := u.caseView(r, a, d)
	if err != nil {
		return err
	}
	if failed != nil {
		v.Forms[step] = failed
		if !v.shows(step) {
			// A form the case's status no longer offers: say why on top.
			v.Failed = failed.Error
		}
	}
	u.UI.RenderStatus(w, r, status, "satisfaction_case", v)
	return nil
}

func (u *UI) caseView(r *http.Request, a *org.Actor, d *satisfaction.Detail) (*casePageView, error) {
	ctx := r.Context()
	ids := []int64{d.AgentID, d.ReviewedBy, d.CallbackUserID, d.CalledBackBy, d.ClosedBy}
	for _, s := range d.Steps {
		ids = append(ids, s.UserID)
	}
	if d.EarlierReview != nil {
		ids = append(ids, d.EarlierReview.By)
	}
	n, err := u.lookup(ctx, ids...)
	if err != nil {
		return nil, err
	}
	reasons, all, err := u.reasonNames(ctx, web.Lang(r))
	if err != nil {
		return nil, err
	}
	mayReview := a.Can(satisfaction.PermReview)
	inScope := a.Scope.Allows(d.AgentID, d.TeamID, d.DepartmentID)
	v := &casePageView{C: d, N: n, Reasons: reasons, Forms: map[string]*web.Form{}, CSAT: newCSAT(a, "", ""),
		CanAct: mayReview && inScope,
		CanCallBack: mayReview && d.Status == satisfaction.StatusAssigned &&
			(inScope || d.CallbackTeamID != 0 && d.CallbackTeamID == a.Scope.TeamID),
		CanRetry: d.Status == satisfaction.StatusCalledBack && d.CallbackResult == satisfaction.ResultUnreachable}
	for _, rs := range all {
		if rs.Active {
			v.ReasonOpts = append(v.ReasonOpts, web.Option{Value: rs.ID, Label: rs.Label(web.Lang(r))})
		}
	}
	for _, s := range d.Steps {
		v.Steps = append(v.Steps, stepRow{Step: s, Reason: reasons[s.ReasonID], Team: n.Team(s.TeamID), User: n.User(s.UserID)})
	}
	for _, res := range satisfaction.Results {
		v.Results = append(v.Results, strOpt{Value: res, Label: u.UI.T(r, "satisfaction.result."+res)})
	}
	if a.Can(org.P("calls", "view")) && inScope {
		v.CallLink = "/telephony/calls/" + d.CallID
	}
	if d.CustomerID != 0 && a.Can(org.P("customers", "view")) {
		v.Customer = "/customers/" + strconv.FormatInt(d.CustomerID, 10)
	}
	if err := u.recordings(r, a, d, v); err != nil {
		return nil, err
	}
	if v.CanAct && (d.Status == satisfaction.StatusReviewed || v.CanRetry || d.Status == satisfaction.StatusAssigned) {
		if err := u.assignChoices(r, v); err != nil {
			return nil, err
		}
	}
	u.blankForms(r, d, v)
	return v, nil
}

// recordings lists the call's recordings the actor may hear.
func (u *UI) recordings(r *http.Request, a *org.Actor, d *satisfaction.Detail, v *casePageView) error {
	if u.Recordings == nil || !a.Can(org.P("recordings", "view")) {
		return nil
	}
	recs, _, err := u.Recordings.List(r.Context(), a.Scope, recording.Filter{CallID: d.CallID, Limit: 10})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		v.Recordings = append(v.Recordings, recRow{AudioURL: fmt.Sprintf("/api/v1/recordings/%d/audio", rec.ID),
			Duration: fmtDuration(rec.DurationMS)})
	}
	return nil
}

// assignChoices are the teams and, per team, their active members (any
// department's: the after-sales team usually sits in its own).
func (u *UI) assignChoices(r *http.Request, v *casePageView) error {
	for id, name := range v.N.teams {
		v.Teams = append(v.Teams, web.Option{Value: id, Label: name})
	}
	sortOptions(v.Teams)
	rows, err := u.Svc.DB.QueryContext(r.Context(), `SELECT id, display_name, team_id FROM users
		WHERE active = TRUE AND team_id IS NOT NULL ORDER BY display_name, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o web.Option
		if err := rows.Scan(&o.Value, &o.Label, &o.Group); err != nil {
			return err
		}
		v.Members = append(v.Members, o)
	}
	return rows.Err()
}

// blankForms prepares each step's form with its defaults.
func (u *UI) blankForms(r *http.Request, d *satisfaction.Detail, v *casePageView) {
	for step, fields := range stepFields {
		v.Forms[step] = u.UI.NewForm(r, fields...)
	}
	reason := ""
	if d.ReasonID != 0 {
		reason = strconv.FormatInt(d.ReasonID, 10)
	}
	v.Forms[satisfaction.StepClose].Set("reason_id", reason)
	as := v.Forms[satisfaction.StepAssign]
	as.Set("due_at", time.Now().Add(24*time.Hour).Local().Format(localInput))
	if d.CallbackTeamID != 0 {
		as.Set("team_id", strconv.FormatInt(d.CallbackTeamID, 10))
	}
}

// stepPost handles one step's form: done, back to the case with a
// message; refused, the case again with the form and its errors.
func (u *UI) stepPost(step string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		f := u.UI.ParseForm(r, stepFields[step]...)
		status, err := u.save(r, f, stepFields[step], func() error { return u.doStep(r, a, id, step, f) })
		if err != nil {
			return err
		}
		if status != 0 {
			return u.renderCase(w, r, a, id, step, f, status)
		}
		u.UI.Flash(w, web.FlashOK, "satisfaction.flash."+step)
		web.Redirect(w, r, fmt.Sprintf("%s/cases/%d", Base, id))
		return nil
	}
}

func (u *UI) doStep(r *http.Request, a *org.Actor, id int64, step string, f *web.Form) error {
	ctx := r.Context()
	// Read every input first: a malformed one is the form's error, and
	// nothing is sent to the service.
	var call func() error
	switch step {
	case satisfaction.StepReview:
		in := satisfaction.ReviewInput{ReasonID: f.ID("reason_id"), Finding: f.Values.Get("finding")}
		call = func() error { _, err := u.Svc.Review(ctx, a, id, in); return err }
	case satisfaction.StepAssign:
		in := satisfaction.AssignInput{TeamID: f.ID("team_id"), UserID: f.ID("user_id"), Note: f.Values.Get("note")}
		if s := f.Get("due_at"); s != "" {
			t, ok := parseLocal(s)
			if !ok {
				f.Invalid("due_at", "satisfaction.err.due_format")
			}
			in.DueAt = t
		}
		call = func() error { _, err := u.Svc.Assign(ctx, a, id, in); return err }
	case satisfaction.StepCallback:
		in := satisfaction.CallbackInput{Result: f.Get("result"), Note: f.Values.Get("note")}
		call = func() error { _, err := u.Svc.CallBack(ctx, a, id, in); return err }
	case satisfaction.StepClose:
		in := satisfaction.CloseInput{ReasonID: f.ID("reason_id"), Outcome: f.Values.Get("outcome")}
		call = func() error { _, err := u.Svc.Close(ctx, a, id, in); return err }
	}
	if !f.OK() {
		return nil
	}
	return call()
}
