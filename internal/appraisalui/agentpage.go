package appraisalui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// inputRow is one input of an agent's appraisal: an item, or one of the
// commission's two inputs.
type inputRow struct {
	Key, Name, Weight string
	Source            string // where the value comes from by the scheme
	Raw, From, Note   string
	Tier              string // the tier's range
	Points, Weighted  string
	Missing           bool
	Entry             *appraisal.Entry
	Value             string // the form's value: the entry's, or what was typed
	NoteValue         string
	Err               string // the refusal of this input's form
}

type historyRow struct {
	Month  appraisal.Month
	Total  string
	Closed bool
}

type changeRow struct {
	appraisal.EntryChange
	Name, Old, New string
}

type agentPage struct {
	V          *appraisal.AgentView
	Month      appraisal.Month
	Prev, Next appraisal.Month
	Team       string
	Inputs     []inputRow
	Total      string
	Bonus      string
	Commission *commissionView
	Flags      []flagView
	History    []historyRow
	Changes    []changeRow
	CanScore   bool
	Closed     bool
	Back       string
	Error      string // a refusal no input's form shows
}

type commissionView struct {
	Pct, Value string
}

func (u *UI) agent(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.renderAgent(w, r, a, http.StatusOK, "", nil)
}

// renderAgent shows an agent's month; after a refused entry, failed names
// the input and typed what was posted.
func (u *UI) renderAgent(w http.ResponseWriter, r *http.Request, a *org.Actor, status int, failed string, typed *web.Form) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	m := monthParam(r, thisMonth())
	if typed != nil {
		if pm, err := appraisal.ParseMonth(typed.Get("month")); err == nil {
			m = pm
		}
	}
	v, err := u.svc.Agent(r.Context(), a, id, m)
	if err != nil {
		return err
	}
	teams, err := u.teamNames(r)
	if err != nil {
		return err
	}
	ap := v.Appraisal
	p := &agentPage{V: v, Month: m, Prev: m.Add(-1), Next: m.Add(1), Team: teams[ap.TeamID], Total: numOr(ap.Total),
		Bonus: money(ap.Bonus, v.Currency), Flags: u.flags(r, ap.Flags), Closed: v.State.Status == "closed",
		Back: monthURL(ap.SchemeID, m)}
	p.CanScore = a.Can(appraisal.PermScore) && !p.Closed && a.UserID != id
	entries := map[string]*appraisal.Entry{}
	for i := range v.Entries {
		entries[v.Entries[i].Item] = &v.Entries[i]
	}
	for i, it := range ap.Items {
		in := u.itemRow(r, v, it, i)
		in.Entry = entries[it.Key]
		p.Inputs = append(p.Inputs, in)
	}
	if c := ap.Commission; c != nil && v.Definition.Commission != nil {
		p.Commission = &commissionView{Pct: numOr(c.Pct), Value: money(c.Value, v.Currency)}
		for _, k := range []string{appraisal.KeyCommissionCount, appraisal.KeyCommissionAmount} {
			in := u.commissionRow(r, v, k)
			in.Entry = entries[k]
			p.Inputs = append(p.Inputs, in)
		}
	}
	for i := range p.Inputs {
		in := &p.Inputs[i]
		if in.Entry != nil {
			in.Value, in.NoteValue = num(in.Entry.Value), in.Entry.Note
		}
		if typed != nil && typed.Get("item") == in.Key {
			in.Value, in.NoteValue = typed.Get("value"), typed.Get("note")
			if failed == in.Key {
				in.Err = typed.Error
			}
		}
	}
	if typed != nil && typed.Error != "" {
		p.Error = typed.Error
		for _, in := range p.Inputs {
			if in.Err != "" && p.CanScore {
				p.Error = ""
			}
		}
	}
	for _, h := range ap.History {
		p.History = append(p.History, historyRow{Month: h.Month, Total: numOr(h.Total), Closed: h.Closed})
	}
	for _, c := range v.Changes {
		p.Changes = append(p.Changes, changeRow{EntryChange: c, Name: u.inputName(r, &v.Definition, c.Item), Old: numOr(c.Old), New: numOr(c.New)})
	}
	u.web.RenderStatus(w, r, status, "appraisal_agent", p)
	return nil
}

func (u *UI) itemRow(r *http.Request, v *appraisal.AgentView, it appraisal.ItemScore, i int) inputRow {
	in := inputRow{Key: it.Key, Name: itemName(r, it.Name, it.NameEn), Weight: num(it.Weight) + "%", Source: u.sourceText(r, it.Source),
		Raw: u.rawText(r, it.Source, it.Value), Note: u.noteText(r, it.Note), Points: numOr(it.Points), Weighted: numOr(it.Weighted),
		Missing: it.Points == nil}
	in.From = u.fromText(r, it.Raw)
	if it.Tier >= 0 && i < len(v.Definition.Items) && it.Tier < len(v.Definition.Items[i].Tiers) {
		in.Tier = rangeText(v.Definition.Items[i].Tiers[it.Tier].Range, "x")
	}
	return in
}

func (u *UI) commissionRow(r *http.Request, v *appraisal.AgentView, key string) inputRow {
	c, d := v.Appraisal.Commission, v.Definition.Commission
	raw, src := c.Count, d.Count
	if key == appraisal.KeyCommissionAmount {
		raw, src = c.Amount, d.Amount
	}
	return inputRow{Key: key, Name: u.tr(r, "appraisal.input."+key), Source: u.sourceText(r, src), Raw: u.rawText(r, src, raw.Value),
		From: u.fromText(r, raw), Note: u.noteText(r, raw.Note), Missing: raw.Value == nil}
}

// fromText says where the value in use came from.
func (u *UI) fromText(r *http.Request, raw appraisal.Raw) string {
	switch {
	case raw.Value == nil:
		return ""
	case raw.Manual != nil:
		return u.tr(r, "appraisal.from.manual", raw.Manual.By)
	}
	return u.tr(r, "appraisal.source_kind."+raw.From)
}

// inputName is an input's name by its key.
func (u *UI) inputName(r *http.Request, d *appraisal.Definition, key string) string {
	if it, ok := d.Item(key); ok {
		return itemName(r, it.Name, it.NameEn)
	}
	if strings.HasPrefix(key, "commission_") {
		return u.tr(r, "appraisal.input."+key)
	}
	return key
}

// agentURL is an agent's page for a month.
func agentURL(id int64, m appraisal.Month) string {
	return fmt.Sprintf("%s/agents/%d?month=%s", Base, id, m)
}

func (u *UI) manualSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	f := u.web.ParseForm(r)
	m, err := appraisal.ParseMonth(f.Get("month"))
	if err != nil {
		return err
	}
	item := f.Get("item")
	value, perr := strconv.ParseFloat(strings.ReplaceAll(f.Get("value"), ",", ""), 64)
	if perr != nil {
		f.Error = u.tr(r, "appraisal.err.number")
		return u.renderAgent(w, r, a, http.StatusUnprocessableEntity, item, f)
	}
	if _, err := u.svc.SetManual(r.Context(), a, id, m, item, appraisal.ManualInput{Value: value, Note: f.Get("note")}); err != nil {
		if status := failStatus(err); status != 0 {
			f.Error = u.errText(r, err)
			return u.renderAgent(w, r, a, status, item, f)
		}
		return err
	}
	u.web.Flash(w, web.FlashOK, "appraisal.flash.entered")
	web.Redirect(w, r, agentURL(id, m)+"#inputs")
	return nil
}

func (u *UI) manualDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	f := u.web.ParseForm(r)
	m, err := appraisal.ParseMonth(f.Get("month"))
	if err != nil {
		return err
	}
	err = u.svc.DeleteManual(r.Context(), a, id, m, f.Get("item"), f.Get("note"))
	u.flashResult(w, r, err, "appraisal.flash.removed")
	web.Redirect(w, r, agentURL(id, m)+"#inputs")
	return nil
}

// failStatus is the status a refused form is shown again with; 0 for an
// error that is not the user's to fix.
func failStatus(err error) int {
	e := apperr.As(err)
	switch {
	case e == nil:
		return 0
	case e.Kind == apperr.KindInvalid, e.Kind == apperr.KindConflict && e.Code == "duplicate":
		return http.StatusUnprocessableEntity
	case e.Kind == apperr.KindConflict:
		return http.StatusConflict
	case e.Kind == apperr.KindForbidden:
		return http.StatusForbidden
	}
	return 0
}
