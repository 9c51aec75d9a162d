package appraisalui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// option is a choice of a select.
type option struct {
	Value    any
	Label    string
	Selected bool
}

// monthParam reads ?month=YYYY-MM; the default is last month (the one to
// close), or this month for an agent looking at their own.
func monthParam(r *http.Request, def appraisal.Month) appraisal.Month {
	if m, err := appraisal.ParseMonth(r.URL.Query().Get("month")); err == nil {
		return m
	}
	return def
}

func thisMonth() appraisal.Month { return appraisal.MonthOf(time.Now()) }

// cell is one item of an agent's row.
type cell struct {
	Points, Raw string
	Manual      bool // the value was entered by hand
	Missing     bool
}

type monthRow struct {
	AgentID      int64
	Name, Team   string
	Cells        []cell
	Total, Bonus string
	Commission   string
	Complete     bool
	Missing      int
	Probation    bool
	Flags        []flagView
}

type monthPage struct {
	Schemes    []option
	SchemeID   int64
	Month      appraisal.Month
	Prev, Next appraisal.Month
	View       *appraisal.MonthView
	Items      []string // item names, in the columns' order
	Rows       []monthRow
	Complete   int
	Commission bool
	CanClose   bool
	CanReopen  bool
}

func (u *UI) month(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ctx := r.Context()
	ss, err := u.svc.Schemes(ctx)
	if err != nil {
		return err
	}
	def := thisMonth().Add(-1)
	schemeID, _ := strconv.ParseInt(r.URL.Query().Get("scheme"), 10, 64)
	if own, err := u.svc.SchemeOf(ctx, a.UserID); err != nil {
		return err
	} else if own != 0 {
		def = thisMonth()
		if schemeID == 0 {
			schemeID = own
		}
	}
	if schemeID == 0 && len(ss) > 0 {
		schemeID = ss[0].ID
	}
	m := monthParam(r, def)
	v, err := u.svc.Month(ctx, a, schemeID, m)
	if err != nil {
		return err
	}
	p := &monthPage{SchemeID: schemeID, Month: m, Prev: m.Add(-1), Next: m.Add(1), View: v,
		Commission: v.Definition.Commission != nil}
	for _, s := range ss {
		p.Schemes = append(p.Schemes, option{Value: s.ID, Label: s.Name, Selected: s.ID == schemeID})
	}
	for _, it := range v.Definition.Items {
		p.Items = append(p.Items, itemName(r, it.Name, it.NameEn))
	}
	teams, err := u.teamNames(r)
	if err != nil {
		return err
	}
	for _, ap := range v.Agents {
		p.Rows = append(p.Rows, u.monthRow(r, ap, teams, v.Currency))
		if ap.Complete {
			p.Complete++
		}
	}
	manage := a.Can(appraisal.PermManage)
	p.CanClose = manage && v.Over && v.State.Status != "closed"
	p.CanReopen = manage && v.State.Status == "closed"
	u.web.Render(w, r, "appraisal_month", p)
	return nil
}

func (u *UI) monthRow(r *http.Request, ap appraisal.Appraisal, teams map[int64]string, currency string) monthRow {
	row := monthRow{AgentID: ap.AgentID, Name: ap.Name, Team: teams[ap.TeamID], Total: numOr(ap.Total),
		Bonus: money(ap.Bonus, currency), Complete: ap.Complete, Missing: len(ap.Missing), Probation: ap.Probation != nil,
		Flags: u.flags(r, ap.Flags)}
	for _, it := range ap.Items {
		row.Cells = append(row.Cells, cell{Points: numOr(it.Points), Raw: u.rawText(r, it.Source, it.Value),
			Manual: it.From == appraisal.SourceManual, Missing: it.Points == nil})
	}
	if ap.Commission != nil {
		row.Commission = money(ap.Commission.Value, currency)
	}
	return row
}

// teamNames maps team IDs to names.
func (u *UI) teamNames(r *http.Request) (map[int64]string, error) {
	ts, err := u.web.Org.Teams(r.Context(), 0)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, t := range ts {
		out[t.ID] = t.Name
	}
	return out, nil
}

// monthURL is the month page of a scheme.
func monthURL(scheme int64, m appraisal.Month) string {
	return fmt.Sprintf("%s?scheme=%d&month=%s", Base, scheme, url.QueryEscape(string(m)))
}

// monthForm reads the scheme and month a close or reopen form posts.
func (u *UI) monthForm(r *http.Request) (*web.Form, int64, appraisal.Month, error) {
	f := u.web.ParseForm(r, "reason")
	id := f.ID("scheme")
	m, err := appraisal.ParseMonth(f.Get("month"))
	return f, id, m, err
}

func (u *UI) closeMonth(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	_, id, m, err := u.monthForm(r)
	if err == nil {
		_, err = u.svc.Close(r.Context(), a, id, m)
	}
	u.flashResult(w, r, err, "appraisal.flash.closed", string(m))
	web.Redirect(w, r, monthURL(id, m))
	return nil
}

func (u *UI) reopenMonth(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f, id, m, err := u.monthForm(r)
	if err == nil {
		_, err = u.svc.Reopen(r.Context(), a, id, m, appraisal.ReopenInput{Reason: f.Get("reason")})
	}
	u.flashResult(w, r, err, "appraisal.flash.reopened", string(m))
	web.Redirect(w, r, monthURL(id, m))
	return nil
}

// flashResult says what happened: the success message, or the refusal.
func (u *UI) flashResult(w http.ResponseWriter, r *http.Request, err error, ok string, args ...string) {
	if err == nil {
		u.web.Flash(w, "ok", ok, args...)
		return
	}
	u.web.Flash(w, "error", "appraisal.flash.refused", u.errText(r, err))
}
