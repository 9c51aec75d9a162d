package complaintui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

var newFields = []string{"call_id", "customer_id", "contact_name", "contact_phone", "channel", "content", "severity", "agent_id",
	"liability", "liable_department_id", "steps"}

type newView struct {
	Form         *web.Form
	CallID       string
	CustomerName string
	RecordingID  int64
	Channels     []strOpt
	Severities   []strOpt
	Liabilities  []strOpt
	Steps        []strOpt
	Agents       []web.Option
	Depts        []web.Option
	CanJudge     bool
}

// Ticked reports whether the form has step ticked.
func (v *newView) Ticked(step string) bool { return v.Form.Has("steps", step) }

func (u *UI) newPage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.UI.NewForm(r, newFields...)
	f.Set("channel", "phone")
	f.Set("severity", complaint.SeverityMinor)
	f.Set("agent_id", idStr(a.UserID))
	v := &newView{Form: f}
	if callID := r.URL.Query().Get("call_id"); callID != "" {
		d, err := u.Svc.Draft(r.Context(), a, callID)
		if apperr.KindOf(err) == apperr.KindInvalid {
			f.Error = u.errText(r, err)
		} else if err != nil {
			return err
		} else {
			fillDraft(f, d)
			v.CallID, v.CustomerName, v.RecordingID = d.CallID, d.CustomerName, d.RecordingID
		}
	}
	return u.renderNew(w, r, a, v, http.StatusOK)
}

func fillDraft(f *web.Form, d *complaint.Draft) {
	f.Set("call_id", d.CallID)
	f.Set("customer_id", idStr(d.CustomerID))
	f.Set("contact_name", d.ContactName)
	f.Set("contact_phone", d.ContactPhone)
	f.Set("channel", d.Channel)
	if d.AgentID != 0 {
		f.Set("agent_id", idStr(d.AgentID))
	}
}

func (u *UI) renderNew(w http.ResponseWriter, r *http.Request, a *org.Actor, v *newView, status int) error {
	v.Channels = u.options(r, "complaints.channel.", complaint.Channels)
	v.Severities = u.options(r, "complaints.severity.", complaint.Severities)
	v.Liabilities = u.options(r, "complaints.liability.", complaint.Liabilities)
	v.Steps = u.options(r, "complaints.step.", complaint.Steps)
	v.CanJudge = a.Can(complaint.PermManage)
	var err error
	if v.Agents, err = u.agents(r, a); err != nil {
		return err
	}
	n, err := u.lookup(r.Context())
	if err != nil {
		return err
	}
	v.Depts = n.DeptOptions()
	u.UI.RenderStatus(w, r, status, "complaints_new", v)
	return nil
}

func (u *UI) create(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.UI.ParseForm(r, newFields...)
	in := complaint.Input{CallID: f.Get("call_id"), CustomerID: f.ID("customer_id"), ContactName: f.Get("contact_name"),
		ContactPhone: f.Get("contact_phone"), Channel: f.Get("channel"), Content: f.Values.Get("content"), Severity: f.Get("severity"),
		AgentID: f.ID("agent_id"), Steps: f.Values["steps"]}
	if a.Can(complaint.PermManage) {
		in.Liability, in.LiableDepartmentID = f.Get("liability"), f.ID("liable_department_id")
	}
	var c *complaint.Complaint
	status, err := u.save(r, f, newFields, func() error {
		var err error
		c, err = u.Svc.Create(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		v := &newView{Form: f, CallID: in.CallID}
		if in.CallID != "" {
			if d, err := u.Svc.Draft(r.Context(), a, in.CallID); err == nil {
				v.CustomerName, v.RecordingID = d.CustomerName, d.RecordingID
			}
		}
		return u.renderNew(w, r, a, v, status)
	}
	u.UI.Flash(w, web.FlashOK, "complaints.flash.created", strconv.FormatInt(c.ID, 10))
	web.Redirect(w, r, fmt.Sprintf("%s/%d", Base, c.ID))
	return nil
}
