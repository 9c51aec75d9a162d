package appraisalui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

type schemeRow struct {
	appraisal.Scheme
	Targets string
	Items   string
}

func (u *UI) schemes(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ss, err := u.svc.Schemes(r.Context())
	if err != nil {
		return err
	}
	names, err := u.orgNames(r)
	if err != nil {
		return err
	}
	var rows []schemeRow
	for _, s := range ss {
		var items []string
		for _, it := range s.Definition.Items {
			items = append(items, fmt.Sprintf("%s %s%%", itemName(r, it.Name, it.NameEn), num(it.Weight)))
		}
		rows = append(rows, schemeRow{Scheme: s, Targets: u.targetsText(r, s.Definition.Targets, names), Items: strings.Join(items, " · ")})
	}
	u.web.Render(w, r, "appraisal_schemes", rows)
	return nil
}

// orgNames are the names of departments and teams by ID.
type orgNames struct {
	depts, teams map[int64]string
	deptList     []org.Department
	teamList     []org.Team
}

func (u *UI) orgNames(r *http.Request) (*orgNames, error) {
	ds, err := u.web.Org.Departments(r.Context())
	if err != nil {
		return nil, err
	}
	ts, err := u.web.Org.Teams(r.Context(), 0)
	if err != nil {
		return nil, err
	}
	n := &orgNames{depts: map[int64]string{}, teams: map[int64]string{}, deptList: ds, teamList: ts}
	for _, d := range ds {
		n.depts[d.ID] = d.Name
	}
	for _, t := range ts {
		n.teams[t.ID] = t.Name
	}
	return n, nil
}

func (u *UI) targetsText(r *http.Request, t appraisal.Targets, n *orgNames) string {
	var parts []string
	if t.All {
		parts = append(parts, u.tr(r, "appraisal.targets.all"))
	}
	for _, id := range t.DepartmentIDs {
		parts = append(parts, u.tr(r, "appraisal.targets.department", orName(n.depts[id], id)))
	}
	for _, id := range t.TeamIDs {
		parts = append(parts, u.tr(r, "appraisal.targets.team", orName(n.teams[id], id)))
	}
	return strings.Join(parts, "、")
}

func orName(name string, id int64) string {
	if name == "" {
		return "#" + strconv.FormatInt(id, 10)
	}
	return name
}

// definitionView is a definition written out for reading.
type definitionView struct {
	Max, Probation string
	Targets        string
	Items          []itemView
	Bonus          []bandView
	Rules          []ruleView
	Commission     *commissionText
}

type itemView struct {
	Key, Name, Weight, Source string
	Tiers                     []bandView
}

type bandView struct{ Range, Value string }

type ruleView struct {
	Kind, Label, Applies string
	Conds                []string
}

type commissionText struct {
	Count, Amount string
	Tiers         []bandView
}

func (u *UI) definitionView(r *http.Request, d appraisal.Definition, n *orgNames, currency string) definitionView {
	v := definitionView{Max: num(d.Max), Probation: strconv.Itoa(d.ProbationMonths), Targets: u.targetsText(r, d.Targets, n)}
	for _, it := range d.Items {
		iv := itemView{Key: it.Key, Name: itemName(r, it.Name, it.NameEn), Weight: num(it.Weight) + "%", Source: u.sourceText(r, it.Source)}
		for _, t := range it.Tiers {
			iv.Tiers = append(iv.Tiers, bandView{Range: rangeText(t.Range, "x"), Value: num(t.Points)})
		}
		v.Items = append(v.Items, iv)
	}
	for _, b := range d.Bonus {
		amount := b.Amount
		v.Bonus = append(v.Bonus, bandView{Range: rangeText(b.Range, u.tr(r, "appraisal.score_var")), Value: money(&amount, currency)})
	}
	for _, rl := range d.Rules {
		rv := ruleView{Kind: rl.Kind, Label: u.tr(r, "appraisal.rule."+rl.Kind), Applies: u.tr(r, "appraisal.rule_applies."+rl.Kind)}
		for _, c := range rl.Any {
			rv.Conds = append(rv.Conds, u.condText(r, c, nil))
		}
		v.Rules = append(v.Rules, rv)
	}
	if c := d.Commission; c != nil {
		ct := &commissionText{Count: u.sourceText(r, c.Count), Amount: u.sourceText(r, c.Amount)}
		for _, t := range c.Tiers {
			ct.Tiers = append(ct.Tiers, bandView{Range: "≥ " + num(t.Min), Value: num(t.Pct) + "%"})
		}
		v.Commission = ct
	}
	return v
}

type schemePage struct {
	Scheme   *appraisal.Scheme
	Shown    *appraisal.Version // the version shown
	Def      definitionView
	Versions []appraisal.Version
	Current  bool
}

func (u *UI) schemeView(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	sc, err := u.svc.Scheme(ctx, id)
	if err != nil {
		return err
	}
	vs, err := u.svc.Versions(ctx, id)
	if err != nil {
		return err
	}
	shown := &vs[0]
	if n, err := strconv.Atoi(r.URL.Query().Get("version")); err == nil {
		if shown, err = u.svc.VersionOf(ctx, id, n); err != nil {
			return err
		}
	}
	names, err := u.orgNames(r)
	if err != nil {
		return err
	}
	st, err := u.svc.Reports.Settings(ctx)
	if err != nil {
		return err
	}
	u.web.Render(w, r, "appraisal_scheme", schemePage{Scheme: sc, Shown: shown, Def: u.definitionView(r, shown.Definition, names, st.Currency),
		Versions: vs, Current: shown.Version == sc.Version})
	return nil
}

// choices are the options of the scheme form's selects.
type choices struct {
	Sources, Metrics, QA, Complaints, Measures, Comparisons []option
	Departments, Teams                                      []idOption
	Kinds                                                   map[string]string // rule kind → label
}

func (u *UI) choices(r *http.Request) (*choices, error) {
	n, err := u.orgNames(r)
	if err != nil {
		return nil, err
	}
	c := &choices{Kinds: map[string]string{}}
	for _, s := range appraisal.SourceKinds {
		c.Sources = append(c.Sources, option{Value: s, Label: u.tr(r, "appraisal.source_kind."+s)})
	}
	for _, m := range appraisal.CatalogOf().Metrics {
		c.Metrics = append(c.Metrics, option{Value: m.Key, Label: metricName(r, m.Key) + unitHint(m.Unit)})
	}
	for _, q := range appraisal.QAFigures {
		c.QA = append(c.QA, option{Value: q, Label: u.tr(r, "appraisal.qa."+q)})
	}
	for _, q := range appraisal.ComplaintFields {
		c.Complaints = append(c.Complaints, option{Value: q, Label: u.tr(r, "appraisal.complaints."+q)})
	}
	for _, m := range appraisal.Measures {
		c.Measures = append(c.Measures, option{Value: m, Label: u.tr(r, "appraisal.measure."+m)})
	}
	for _, cmp := range appraisal.Comparisons {
		c.Comparisons = append(c.Comparisons, option{Value: cmp, Label: cmpSign[cmp]})
	}
	for _, d := range n.deptList {
		c.Departments = append(c.Departments, idOption{ID: d.ID, Label: d.Name})
	}
	for _, t := range n.teamList {
		c.Teams = append(c.Teams, idOption{ID: t.ID, Label: t.Name + " — " + n.depts[t.DepartmentID]})
	}
	for _, k := range appraisal.RuleKinds {
		c.Kinds[k] = u.tr(r, "appraisal.rule."+k)
	}
	return c, nil
}

func unitHint(unit report.Unit) string {
	switch unit {
	case report.UnitSec:
		return " (s)"
	case report.UnitPct:
		return " (%)"
	}
	return ""
}

// idOption is a department or team to choose.
type idOption struct {
	ID    int64
	Label string
}

type formPage struct {
	F       *schemeForm
	C       *choices
	Action  string
	Title   string
	CanDrop bool
	// The rows the add buttons clone.
	BlankItem  itemForm
	BlankTier  tierRow
	BlankCond  condRow
	BlankCTier ctierRow
}

func (u *UI) renderForm(w http.ResponseWriter, r *http.Request, status int, f *schemeForm) error {
	c, err := u.choices(r)
	if err != nil {
		return err
	}
	p := formPage{F: f, C: c, Action: Base + "/schemes", Title: "appraisal.form.title_new",
		BlankItem: blankItem(), BlankTier: blankTier(), BlankCond: blankCond(), BlankCTier: blankCTier()}
	if f.ID != 0 {
		p.Action, p.Title, p.CanDrop = fmt.Sprintf("%s/schemes/%d", Base, f.ID), "appraisal.form.title_edit", true
	}
	u.web.RenderStatus(w, r, status, "appraisal_scheme_form", p)
	return nil
}

// schemeNew starts from the 120-point model, for no one yet.
func (u *UI) schemeNew(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	d := appraisal.DefaultDefinition()
	d.Targets = appraisal.Targets{}
	return u.renderForm(w, r, http.StatusOK, formOf(0, 0, "", "", d))
}

func (u *UI) schemeEdit(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := u.svc.Scheme(r.Context(), id)
	if err != nil {
		return err
	}
	return u.renderForm(w, r, http.StatusOK, formOf(sc.ID, sc.Version, sc.Name, sc.Description, sc.Definition))
}

func (u *UI) schemeCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.schemeSave(w, r, a, 0)
}

func (u *UI) schemeUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return u.schemeSave(w, r, a, id)
}

func (u *UI) schemeSave(w http.ResponseWriter, r *http.Request, a *org.Actor, id int64) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f, in := parseScheme(r, u.tr(r, "appraisal.err.number"))
	f.ID = id
	if len(f.Errors) > 0 {
		f.place()
		return u.renderForm(w, r, http.StatusUnprocessableEntity, f)
	}
	var sc *appraisal.Scheme
	var err error
	if id == 0 {
		sc, err = u.svc.CreateScheme(r.Context(), a, in)
	} else {
		sc, err = u.svc.UpdateScheme(r.Context(), a, id, in)
	}
	if err != nil {
		status := failStatus(err)
		if status == 0 {
			return err
		}
		f.refuse(err, u.errText(r, err))
		f.place()
		return u.renderForm(w, r, status, f)
	}
	u.web.Flash(w, web.FlashOK, "appraisal.flash.saved", sc.Name, strconv.Itoa(sc.Version))
	web.Redirect(w, r, fmt.Sprintf("%s/schemes/%d", Base, sc.ID))
	return nil
}

func (u *UI) schemeDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := u.svc.DeleteScheme(r.Context(), a, id); err != nil {
		u.flashResult(w, r, err, "")
		web.Redirect(w, r, fmt.Sprintf("%s/schemes/%d", Base, id))
		return nil
	}
	u.web.Flash(w, web.FlashOK, "appraisal.flash.deleted")
	web.Redirect(w, r, Base+"/schemes")
	return nil
}
