package crmui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

func (u *UI) adminRoutes(mux *http.ServeMux) {
	p := org.P
	mux.Handle("GET /crm/allocations", u.protect(p("customers", "allocate"), u.allocationLog))
	mux.Handle("GET /crm/allocations/export", u.protect(p("customers", "export"), u.allocationExport))
	mux.Handle("GET /crm/quotas", u.protect(p("customers", "allocate"), func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		return u.quotasPage(w, r, a, nil, http.StatusOK)
	}))
	mux.Handle("POST /crm/quotas/{user_id}", u.protect(p("customers", "allocate"), u.quotaSave))
	mux.Handle("POST /crm/pool/settings", u.protect(p("pool", "rules"), u.poolSettingsSave))
	mux.Handle("GET /crm/rules", u.protect(p("pool", "rules"), func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		f := u.web.NewForm(r, ruleFields...)
		f.Set("enabled", "on")
		f.Set("kind", crm.RuleNoContact)
		f.Set("days", "30")
		return u.rulesPage(w, r, a, nil, f, nil, http.StatusOK)
	}))
	mux.Handle("POST /crm/rules", u.protect(p("pool", "rules"), u.ruleSubmit))
	mux.Handle("POST /crm/rules/run", u.protect(p("pool", "rules"), u.rulesRun))
	mux.Handle("GET /crm/rules/{id}", u.protect(p("pool", "rules"), u.ruleShow))
	mux.Handle("POST /crm/rules/{id}", u.protect(p("pool", "rules"), u.ruleSubmit))
	mux.Handle("POST /crm/rules/{id}/delete", u.protect(p("pool", "rules"), u.ruleDelete))
	mux.Handle("GET /crm/settings", u.protect(p("settings", "update"), func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		return u.settingsPage(w, r, a, nil, http.StatusOK)
	}))
	mux.Handle("POST /crm/settings/lists/{kind}", u.protect(p("settings", "update"), u.listSave))
	mux.Handle("POST /crm/settings/fields", u.protect(p("settings", "update"), u.fieldSave))
	mux.Handle("POST /crm/settings/fields/{id}", u.protect(p("settings", "update"), u.fieldSave))
	mux.Handle("POST /crm/settings/fields/{id}/delete", u.protect(p("settings", "update"), u.fieldDelete))
}

// allocationsView is the allocation log page.
type allocationsView struct {
	Rows    []crm.Allocation
	Pager   web.Pager
	Action  string
	Since   string
	Until   string
	Actions []string
	Query   string
}

func logFilter(r *http.Request) (crm.AllocationFilter, *allocationsView) {
	q := r.URL.Query()
	v := &allocationsView{Action: q.Get("action"), Since: q.Get("since"), Until: q.Get("until"), Actions: crm.Actions}
	f := crm.AllocationFilter{Action: v.Action}
	if t, err := time.ParseInLocation(time.DateOnly, v.Since, time.Local); err == nil {
		f.Since = t
	} else {
		v.Since = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, v.Until, time.Local); err == nil {
		f.Until = t.AddDate(0, 0, 1) // the whole day
	} else {
		v.Until = ""
	}
	known := false
	for _, a := range crm.Actions {
		known = known || a == v.Action
	}
	if !known {
		v.Action, f.Action = "", ""
	}
	q.Del("page")
	v.Query = q.Encode()
	return f, v
}

func (u *UI) allocationLog(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f, v := logFilter(r)
	f.Limit, f.Offset = 50, web.PageOffset(r, 50)
	rows, total, err := u.svc.Allocations(r.Context(), a, f)
	if err != nil {
		return err
	}
	v.Rows, v.Pager = rows, web.NewPager(r, total, 50)
	for i := range v.Rows {
		v.Rows[i].FromName = u.placeLabel(r, v.Rows[i].FromName)
		v.Rows[i].ToName = u.placeLabel(r, v.Rows[i].ToName)
	}
	u.web.Render(w, r, "crm_allocations", v)
	return nil
}

func (u *UI) placeLabel(r *http.Request, name string) string {
	switch name {
	case "pool":
		return u.web.T(r, "crm.place.pool")
	case "unassigned", "":
		return u.web.T(r, "crm.place.unassigned")
	}
	return name
}

func (u *UI) allocationExport(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f, _ := logFilter(r)
	format := r.URL.Query().Get("format")
	if format != "xlsx" {
		format = "csv"
	}
	return u.svc.ExportAllocations(r.Context(), a, f, format, web.Lang(r), download(w, "allocations", format))
}

// quotasView is the quota page with the pool settings.
type quotasView struct {
	Rows     []crm.Quota
	Settings crm.PoolSettings
	Form     *web.Form // the settings form
	Ch       *choices
}

func (u *UI) quotasPage(w http.ResponseWriter, r *http.Request, a *org.Actor, sf *web.Form, status int) error {
	qs, err := u.svc.Quotas(r.Context(), a)
	if err != nil {
		return err
	}
	ps, err := u.svc.PoolSettings(r.Context())
	if err != nil {
		return err
	}
	ch, err := u.choices(r.Context(), a)
	if err != nil {
		return err
	}
	if sf == nil {
		sf = u.web.NewForm(r, "default_quota", "daily_claim_limit")
		sf.Set("default_quota", strconv.Itoa(ps.DefaultQuota))
		sf.Set("daily_claim_limit", strconv.Itoa(ps.DailyClaimLimit))
	}
	u.web.RenderStatus(w, r, status, "crm_quotas", &quotasView{Rows: qs, Settings: ps, Form: sf, Ch: ch})
	return nil
}

// optInt reads an optional number: "" is nil.
func optInt(s string) (*int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	n, err := strconv.Atoi(s)
	return &n, err == nil
}

func (u *UI) quotaSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "user_id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	mx, ok1 := optInt(r.FormValue("max_customers"))
	dc, ok2 := optInt(r.FormValue("daily_claims"))
	if !ok1 || !ok2 {
		u.web.Flash(w, web.FlashError, "crm.flash.quota_bad")
		web.Redirect(w, r, "/crm/quotas")
		return nil
	}
	q, err := u.svc.SetQuota(r.Context(), a, id, crm.QuotaInput{MaxCustomers: mx, DailyClaims: dc})
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.KindInternal || k == apperr.KindNotFound {
			return err
		}
		u.web.Flash(w, web.FlashError, "crm.flash.quota_failed", u.errText(r, err))
	} else {
		u.web.Flash(w, web.FlashOK, "crm.flash.quota_saved", q.Name)
	}
	web.Redirect(w, r, "/crm/quotas")
	return nil
}

func (u *UI) poolSettingsSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.web.ParseForm(r, "default_quota", "daily_claim_limit")
	in := crm.PoolSettings{}
	var err error
	if in.DefaultQuota, err = strconv.Atoi(f.Get("default_quota")); err != nil {
		f.Invalid("default_quota", "err.number")
	}
	if in.DailyClaimLimit, err = strconv.Atoi(f.Get("daily_claim_limit")); err != nil {
		f.Invalid("daily_claim_limit", "err.number")
	}
	status, err := f.Save(func() error {
		_, err := u.svc.SetPoolSettings(r.Context(), a, in)
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.quotasPage(w, r, a, f, status)
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.pool_settings_saved")
	web.Redirect(w, r, "/crm/quotas")
	return nil
}

var ruleFields = []string{"name", "kind", "days", "status", "department_id", "enabled"}

// rulesView is the recycle rules page: the list, the form (new, or editing
// Rule) and a preview.
type rulesView struct {
	Rules   []crm.RecycleRule
	Rule    *crm.RecycleRule
	Form    *web.Form
	Preview *crm.RecyclePreview
	Report  *crm.RecycleReport
	Lists   *crm.Lists
	Ch      *choices
}

// Kinds are the kinds of rules.
func (v *rulesView) Kinds() []string {
	return []string{crm.RuleNoContact, crm.RuleNoProgress, crm.RuleStatus}
}

// Opts are the statuses a status rule may name.
func (v *rulesView) Opts() []strOpt { return listOpts(v.Lists.Statuses) }

func (u *UI) rulesPage(w http.ResponseWriter, r *http.Request, a *org.Actor, rule *crm.RecycleRule, f *web.Form,
	prev *crm.RecyclePreview, status int) error {
	v := &rulesView{Rule: rule, Form: f, Preview: prev}
	var err error
	if v.Rules, err = u.svc.RecycleRules(r.Context()); err != nil {
		return err
	}
	if v.Lists, err = u.svc.Lists(r.Context()); err != nil {
		return err
	}
	if v.Ch, err = u.choices(r.Context(), a); err != nil {
		return err
	}
	u.web.RenderStatus(w, r, status, "crm_rules", v)
	return nil
}

func ruleForm(f *web.Form, rr *crm.RecycleRule) {
	f.Set("name", rr.Name)
	f.Set("kind", rr.Kind)
	f.Set("days", strconv.Itoa(rr.Days))
	f.Set("status", rr.Status)
	f.Set("department_id", idStr(rr.DepartmentID))
	if rr.Enabled {
		f.Set("enabled", "on")
	}
}

func (u *UI) ruleShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rr, err := u.svc.RecycleRule(r.Context(), id)
	if err != nil {
		return err
	}
	f := u.web.NewForm(r, ruleFields...)
	ruleForm(f, rr)
	return u.rulesPage(w, r, a, rr, f, nil, http.StatusOK)
}

// ruleSubmit saves a rule (new or {id}) or, with action=preview, shows what
// it would move without saving.
func (u *UI) ruleSubmit(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var rule *crm.RecycleRule
	if r.PathValue("id") != "" {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		if rule, err = u.svc.RecycleRule(r.Context(), id); err != nil {
			return err
		}
	}
	f := u.web.ParseForm(r, ruleFields...)
	days, err := strconv.Atoi(f.Get("days"))
	if err != nil && f.Get("days") != "" {
		f.Invalid("days", "err.number")
	}
	in := crm.RecycleRuleInput{Name: f.Get("name"), Kind: f.Get("kind"), Days: days, Status: f.Get("status"),
		DepartmentID: f.ID("department_id"), Enabled: f.Get("enabled") != ""}
	var prev *crm.RecyclePreview
	preview := f.Get("action") == "preview"
	var saved *crm.RecycleRule
	status, err := f.Save(func() (err error) {
		switch {
		case preview:
			prev, err = u.svc.PreviewRecycle(r.Context(), a, in)
		case rule != nil:
			saved, err = u.svc.UpdateRecycleRule(r.Context(), a, rule.ID, in)
		default:
			saved, err = u.svc.CreateRecycleRule(r.Context(), a, in)
		}
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 || preview {
		return u.rulesPage(w, r, a, rule, f, prev, max(status, http.StatusOK))
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.rule_saved", saved.Name)
	web.Redirect(w, r, "/crm/rules")
	return nil
}

func (u *UI) ruleDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rr, err := u.svc.RecycleRule(r.Context(), id)
	if err != nil {
		return err
	}
	if err := u.svc.DeleteRecycleRule(r.Context(), a, id); err != nil {
		return err
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.rule_deleted", rr.Name)
	web.Redirect(w, r, "/crm/rules")
	return nil
}

func (u *UI) rulesRun(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	rep, err := u.svc.RunRecycleNow(r.Context(), a)
	if err != nil {
		return err
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.rules_ran", strconv.Itoa(rep.Moved))
	web.Redirect(w, r, "/crm/rules")
	return nil
}

// settingsView is the CRM settings page: the option lists and custom fields.
type settingsView struct {
	Lists     *crm.Lists
	ListForms map[string]*web.Form
	Fields    []crm.Field
	FieldForm *web.Form // the new-field form, or the one that failed
	FailedID  int64     // the field whose edit failed
	Kinds     []string
}

// ListKinds are the configurable lists in page order.
func (v *settingsView) ListKinds() []string {
	return []string{crm.ListStatus, crm.ListLevel, crm.ListSource}
}

// ListText is a list as the textarea shows it: "key | label" per line.
func (v *settingsView) ListText(kind string) string {
	if f := v.ListForms[kind]; f != nil {
		return f.Values.Get("options")
	}
	var b strings.Builder
	for _, o := range v.Lists.Of(kind) {
		b.WriteString(o.Key + " | " + o.Label + "\n")
	}
	return b.String()
}

// ListErr is the error of a list's form.
func (v *settingsView) ListErr(kind string) string {
	if f := v.ListForms[kind]; f != nil {
		return f.Error
	}
	return ""
}

// Choices is a choice field's choices, one per line.
func (v *settingsView) Choices(f crm.Field) string { return strings.Join(f.Choices, "\n") }

func (u *UI) settingsPage(w http.ResponseWriter, r *http.Request, a *org.Actor, v *settingsView, status int) error {
	if v == nil {
		v = &settingsView{ListForms: map[string]*web.Form{}}
	}
	var err error
	if v.Lists, err = u.svc.Lists(r.Context()); err != nil {
		return err
	}
	if v.Fields, err = u.svc.Fields(r.Context()); err != nil {
		return err
	}
	if v.FieldForm == nil {
		v.FieldForm = u.web.NewForm(r, fieldFields...)
		v.FieldForm.Set("kind", crm.FieldText)
	}
	v.Kinds = []string{crm.FieldText, crm.FieldNumber, crm.FieldDate, crm.FieldChoice}
	u.web.RenderStatus(w, r, status, "crm_settings", v)
	return nil
}

// parseOptions reads "key | label" lines.
func parseOptions(text string) []crm.Option {
	var out []crm.Option
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, l, _ := strings.Cut(line, "|")
		out = append(out, crm.Option{Key: strings.TrimSpace(k), Label: strings.TrimSpace(l)})
	}
	return out
}

func (u *UI) listSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	kind := r.PathValue("kind")
	f := u.web.ParseForm(r, "options")
	status, err := f.Save(func() error {
		_, err := u.svc.SetList(r.Context(), a, kind, parseOptions(f.Values.Get("options")))
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		if f.Error == "" {
			f.Error = f.Err("options")
		}
		return u.settingsPage(w, r, a, &settingsView{ListForms: map[string]*web.Form{kind: f}}, status)
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.list_saved")
	web.Redirect(w, r, "/crm/settings")
	return nil
}

var fieldFields = []string{"key", "label", "kind", "choices", "required", "position"}

func (u *UI) fieldSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = web.PathID(r, "id"); err != nil {
			return err
		}
	}
	f := u.web.ParseForm(r, fieldFields...)
	pos, _ := strconv.Atoi(f.Get("position"))
	in := crm.FieldInput{Key: f.Get("key"), Label: f.Get("label"), Kind: f.Get("kind"), Choices: strings.Split(f.Values.Get("choices"), "\n"),
		Required: f.Get("required") != "", Position: pos}
	var fd *crm.Field
	status, err := f.Save(func() (err error) {
		if id != 0 {
			fd, err = u.svc.UpdateField(r.Context(), a, id, in)
		} else {
			fd, err = u.svc.CreateField(r.Context(), a, in)
		}
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.settingsPage(w, r, a, &settingsView{FieldForm: f, FailedID: id}, status)
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.field_saved", fd.Label)
	web.Redirect(w, r, "/crm/settings#fields")
	return nil
}

func (u *UI) fieldDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	fd, err := u.svc.Field(r.Context(), id)
	if err != nil {
		return err
	}
	if err := u.svc.DeleteField(r.Context(), a, id); err != nil {
		return err
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.field_deleted", fd.Label)
	web.Redirect(w, r, "/crm/settings#fields")
	return nil
}
