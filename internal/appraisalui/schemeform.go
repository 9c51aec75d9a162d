package appraisalui

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/appraisal"
)

// The scheme form names its inputs after the definition's fields, with
// the form's own row indices: items.0.tiers.2.points, bonus.1.amount,
// rules.promotion.any.0.threshold, commission.tiers.3.pct. Rows are added
// and removed by appraisal.js; blank rows are ignored.

// Edges is a range as the form shows it: the bounds as typed and the
// comparison of each edge (ge or gt below, le or lt above).
type Edges struct {
	From, FromOp, To, ToOp string
}

type tierRow struct {
	Index string // the row's index in input names; "__N__" in the row template
	Edges
	Value string // points, or the bonus amount
	Errs  []string
}

type sourceForm struct {
	Kind, Metric, QA, Complaints string
}

type itemForm struct {
	Index                     string
	Key, Name, NameEn, Weight string
	Source                    sourceForm
	Tiers                     []tierRow
	NextTier                  int
	Errs                      []string
}

type condRow struct {
	Index                                  string
	Measure, Months, Count, Cmp, Threshold string
	Errs                                   []string
}

type ruleForm struct {
	Kind     string
	On       bool
	Conds    []condRow
	NextCond int
	Errs     []string
}

type ctierRow struct {
	Index    string
	Min, Pct string
	Errs     []string
}

// schemeForm is the scheme form's state: from a scheme, or as posted.
type schemeForm struct {
	ID, Version                       int64
	Name, Description, Max, Probation string
	All                               bool
	Depts, Teams                      map[int64]bool
	Items                             []itemForm
	NextItem                          int
	Bonus                             []tierRow
	NextBonus                         int
	Rules                             []ruleForm
	CommissionOn                      bool
	CommCount, CommAmount             sourceForm
	CommTiers                         []ctierRow
	NextCTier                         int
	Errors                            map[string]string // by input name
	Top                               []string          // errors not shown beside an input

	// Row indices of the parsed definition's entries, to put the service's
	// refusals (items[1].tiers[0]) beside the rows the form shows.
	itemIdx  []int
	tierIdx  [][]int
	bonusIdx []int
	ruleKind []string
	condIdx  [][]int
	ctierIdx []int
}

func edgesOf(rg appraisal.Range) Edges {
	e := Edges{FromOp: "ge", ToOp: "le"}
	if rg.From != nil {
		e.From = num(*rg.From)
		if !rg.FromIncl {
			e.FromOp = "gt"
		}
	}
	if rg.To != nil {
		e.To = num(*rg.To)
		if !rg.ToIncl {
			e.ToOp = "lt"
		}
	}
	return e
}

func sourceOf(s appraisal.Source) sourceForm {
	return sourceForm{Kind: s.Kind, Metric: s.Metric, QA: s.QA, Complaints: s.Complaints}
}

// formOf fills the form from a definition.
func formOf(id int64, version int, name, desc string, d appraisal.Definition) *schemeForm {
	f := &schemeForm{ID: id, Version: int64(version), Name: name, Description: desc, Max: num(d.Max),
		Probation: strconv.Itoa(d.ProbationMonths), All: d.Targets.All, Depts: map[int64]bool{}, Teams: map[int64]bool{},
		Errors: map[string]string{}}
	for _, x := range d.Targets.DepartmentIDs {
		f.Depts[x] = true
	}
	for _, x := range d.Targets.TeamIDs {
		f.Teams[x] = true
	}
	for i, it := range d.Items {
		fi := itemForm{Index: strconv.Itoa(i), Key: it.Key, Name: it.Name, NameEn: it.NameEn, Weight: num(it.Weight), Source: sourceOf(it.Source)}
		for j, t := range it.Tiers {
			fi.Tiers = append(fi.Tiers, tierRow{Index: strconv.Itoa(j), Edges: edgesOf(t.Range), Value: num(t.Points)})
		}
		fi.NextTier = len(it.Tiers)
		f.Items = append(f.Items, fi)
	}
	f.NextItem = len(d.Items)
	for j, b := range d.Bonus {
		f.Bonus = append(f.Bonus, tierRow{Index: strconv.Itoa(j), Edges: edgesOf(b.Range), Value: num(b.Amount)})
	}
	f.NextBonus = len(d.Bonus)
	for _, kind := range appraisal.RuleKinds {
		rf := ruleForm{Kind: kind}
		if r, ok := d.Rule(kind); ok {
			rf.On = true
			for c, cd := range r.Any {
				rf.Conds = append(rf.Conds, condRow{Index: strconv.Itoa(c), Measure: cd.Measure, Months: intText(cd.Months), Count: intText(cd.Count),
					Cmp: cd.Cmp, Threshold: num(cd.Threshold)})
			}
			rf.NextCond = len(r.Any)
		}
		f.Rules = append(f.Rules, rf)
	}
	f.CommCount, f.CommAmount = sourceForm{Kind: appraisal.SourceManual}, sourceForm{Kind: appraisal.SourceManual}
	if c := d.Commission; c != nil {
		f.CommissionOn, f.CommCount, f.CommAmount = true, sourceOf(c.Count), sourceOf(c.Amount)
		for j, t := range c.Tiers {
			f.CommTiers = append(f.CommTiers, ctierRow{Index: strconv.Itoa(j), Min: num(t.Min), Pct: num(t.Pct)})
		}
		f.NextCTier = len(c.Tiers)
	}
	return f
}

func intText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// Err is the error of an input.
func (f *schemeForm) Err(name string) string { return f.Errors[name] }

var segRE = regexp.MustCompile(`^([a-z_]+)(?:\[(\d+)\])?$`)

// inputOf turns the service's field (items[1].tiers[0].points) into the
// form's input name (items.4.tiers.2.points), "" when it names none.
func (f *schemeForm) inputOf(field string) string {
	var out []string
	item, rule := -1, -1
	prev := ""
	at := func(list []int, i int) (string, bool) {
		if i < 0 || i >= len(list) {
			return "", false
		}
		return strconv.Itoa(list[i]), true
	}
	for _, part := range strings.Split(field, ".") {
		m := segRE.FindStringSubmatch(part)
		if m == nil {
			return ""
		}
		name, idx := m[1], -1
		if m[2] != "" {
			idx, _ = strconv.Atoi(m[2])
		}
		var s string
		ok := true
		switch {
		case idx < 0:
			out = append(out, name)
			prev = name
			continue
		case name == "items":
			item = idx
			s, ok = at(f.itemIdx, idx)
		case name == "tiers" && prev == "commission":
			s, ok = at(f.ctierIdx, idx)
		case name == "tiers" && item >= 0 && item < len(f.tierIdx):
			s, ok = at(f.tierIdx[item], idx)
		case name == "bonus":
			s, ok = at(f.bonusIdx, idx)
		case name == "rules" && idx < len(f.ruleKind):
			rule, s = idx, f.ruleKind[idx]
		case name == "any" && rule >= 0 && rule < len(f.condIdx):
			s, ok = at(f.condIdx[rule], idx)
		default:
			ok = false
		}
		if !ok {
			return ""
		}
		out = append(out, name, s)
		prev = name
	}
	return strings.Join(out, ".")
}

// refuse puts the service's refusal beside its input.
func (f *schemeForm) refuse(err error, text string) {
	e := apperr.As(err)
	name := ""
	if e != nil {
		name = f.inputOf(e.Field)
	}
	if strings.HasPrefix(name, "targets") {
		name = "targets"
	}
	if name == "" {
		f.Top = append(f.Top, text)
		return
	}
	f.Errors[name] = text
}

// place hands each error to the row that shows it; the form's own
// inputs keep theirs and the rest go to the top of the form.
func (f *schemeForm) place() {
	take := func(prefix string) []string {
		var out []string
		for k, msg := range f.Errors {
			if k == prefix || strings.HasPrefix(k, prefix+".") {
				out = append(out, msg)
				delete(f.Errors, k)
			}
		}
		sort.Strings(out)
		return out
	}
	for i := range f.Items {
		it := &f.Items[i]
		p := "items." + it.Index
		for j := range it.Tiers {
			it.Tiers[j].Errs = take(p + ".tiers." + it.Tiers[j].Index)
		}
		it.Errs = take(p)
	}
	for j := range f.Bonus {
		f.Bonus[j].Errs = take("bonus." + f.Bonus[j].Index)
	}
	for i := range f.Rules {
		rf := &f.Rules[i]
		for c := range rf.Conds {
			rf.Conds[c].Errs = take("rules." + rf.Kind + ".any." + rf.Conds[c].Index)
		}
		rf.Errs = take("rules." + rf.Kind)
	}
	for j := range f.CommTiers {
		f.CommTiers[j].Errs = take("commission.tiers." + f.CommTiers[j].Index)
	}
	if msgs := take("commission"); len(msgs) > 0 {
		f.Errors["commission"] = strings.Join(msgs, " ")
	}
	for k, msg := range f.Errors {
		if !oneOf(k, "name", "description", "max", "probation_months", "targets", "items", "bonus", "commission") {
			f.Top = append(f.Top, msg)
			delete(f.Errors, k)
		}
	}
	sort.Strings(f.Top)
}

func oneOf(s string, list ...string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// The blank rows the form's row templates clone ("__N__" becomes the new
// row's index).
func blankTier() tierRow { return tierRow{Index: "__N__", Edges: Edges{FromOp: "gt", ToOp: "le"}} }

func blankItem() itemForm {
	return itemForm{Index: "__N__", Source: sourceForm{Kind: appraisal.SourceManual},
		Tiers: []tierRow{{Index: "0", Edges: Edges{FromOp: "ge", ToOp: "le"}}}, NextTier: 1}
}

func blankCond() condRow {
	return condRow{Index: "__N__", Measure: appraisal.MeasureMonth, Cmp: appraisal.CmpLT}
}

func blankCTier() ctierRow { return ctierRow{Index: "__N__"} }
