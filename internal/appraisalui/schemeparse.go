package appraisalui

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/appraisal"
)

// rows returns the row indices posted under prefix (prefix.N.field),
// ascending.
func rows(vals url.Values, prefix string) []int {
	seen := map[int]bool{}
	for k := range vals {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < 1000 {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// reader reads a posted form, noting the inputs that are not numbers.
type reader struct {
	vals url.Values
	bad  map[string]bool
}

func (rd *reader) get(name string) string { return strings.TrimSpace(rd.vals.Get(name)) }

// float reads a number ("" is nil).
func (rd *reader) float(name string) *float64 {
	s := strings.ReplaceAll(rd.get(name), ",", "")
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		rd.bad[name] = true
		return nil
	}
	return &v
}

func (rd *reader) floatOr0(name string) float64 {
	if v := rd.float(name); v != nil {
		return *v
	}
	return 0
}

func (rd *reader) int(name string) int {
	v := rd.float(name)
	if v == nil {
		return 0
	}
	return int(*v)
}

func (rd *reader) source(prefix string) (sourceForm, appraisal.Source) {
	sf := sourceForm{Kind: rd.get(prefix + ".kind"), Metric: rd.get(prefix + ".metric"), QA: rd.get(prefix + ".qa"),
		Complaints: rd.get(prefix + ".complaints")}
	return sf, appraisal.Source{Kind: sf.Kind, Metric: sf.Metric, QA: sf.QA, Complaints: sf.Complaints}
}

func (rd *reader) edges(prefix string) (Edges, appraisal.Range) {
	e := Edges{From: rd.get(prefix + ".from"), FromOp: rd.get(prefix + ".from_op"), To: rd.get(prefix + ".to"), ToOp: rd.get(prefix + ".to_op")}
	return e, appraisal.Range{From: rd.float(prefix + ".from"), FromIncl: e.FromOp != "gt", To: rd.float(prefix + ".to"), ToIncl: e.ToOp != "lt"}
}

func blank(rd *reader, prefix string, fields ...string) bool {
	for _, f := range fields {
		if rd.get(prefix+"."+f) != "" {
			return false
		}
	}
	return true
}

// parseScheme reads the posted form into the form's state and the input
// for the service; notNumber is the text for an input that is not a
// number.
func parseScheme(r *http.Request, notNumber string) (*schemeForm, appraisal.SchemeInput) {
	rd := &reader{vals: r.PostForm, bad: map[string]bool{}}
	f := &schemeForm{Name: rd.get("name"), Description: rd.get("description"), Max: rd.get("max"), Probation: rd.get("probation_months"),
		All: rd.get("targets.all") != "", Depts: map[int64]bool{}, Teams: map[int64]bool{}, Errors: map[string]string{}}
	f.Version = int64(rd.int("version"))
	d := appraisal.Definition{Max: rd.floatOr0("max"), ProbationMonths: rd.int("probation_months"), Targets: appraisal.Targets{All: f.All}}
	for _, pair := range []struct {
		name string
		set  map[int64]bool
		dst  *[]int64
	}{{"targets.departments", f.Depts, &d.Targets.DepartmentIDs}, {"targets.teams", f.Teams, &d.Targets.TeamIDs}} {
		for _, v := range r.PostForm[pair.name] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
				pair.set[id] = true
				*pair.dst = append(*pair.dst, id)
			}
		}
	}
	f.parseItems(rd, &d)
	f.parseBonus(rd, &d)
	f.parseRules(rd, &d)
	f.parseCommission(rd, &d)
	for name := range rd.bad {
		f.Errors[name] = notNumber
	}
	return f, appraisal.SchemeInput{Name: f.Name, Description: f.Description, Version: int(f.Version), Definition: d}
}

func (f *schemeForm) parseItems(rd *reader, d *appraisal.Definition) {
	for _, i := range rows(rd.vals, "items") {
		p := "items." + strconv.Itoa(i)
		sf, src := rd.source(p + ".source")
		fi := itemForm{Index: strconv.Itoa(i), Key: rd.get(p + ".key"), Name: rd.get(p + ".name"), NameEn: rd.get(p + ".name_en"),
			Weight: rd.get(p + ".weight"), Source: sf}
		it := appraisal.Item{Key: fi.Key, Name: fi.Name, NameEn: fi.NameEn, Weight: rd.floatOr0(p + ".weight"), Source: src}
		var tiers []int
		for _, j := range rows(rd.vals, p+".tiers") {
			tp := p + ".tiers." + strconv.Itoa(j)
			e, rg := rd.edges(tp)
			fi.Tiers = append(fi.Tiers, tierRow{Index: strconv.Itoa(j), Edges: e, Value: rd.get(tp + ".points")})
			fi.NextTier = j + 1
			if blank(rd, tp, "from", "to", "points") {
				continue
			}
			it.Tiers = append(it.Tiers, appraisal.Tier{Range: rg, Points: rd.floatOr0(tp + ".points")})
			tiers = append(tiers, j)
		}
		f.Items = append(f.Items, fi)
		f.NextItem = i + 1
		if fi.Key == "" && fi.Name == "" && fi.Weight == "" && len(tiers) == 0 {
			continue
		}
		d.Items = append(d.Items, it)
		f.itemIdx = append(f.itemIdx, i)
		f.tierIdx = append(f.tierIdx, tiers)
	}
}

func (f *schemeForm) parseBonus(rd *reader, d *appraisal.Definition) {
	for _, j := range rows(rd.vals, "bonus") {
		p := "bonus." + strconv.Itoa(j)
		e, rg := rd.edges(p)
		f.Bonus = append(f.Bonus, tierRow{Index: strconv.Itoa(j), Edges: e, Value: rd.get(p + ".amount")})
		f.NextBonus = j + 1
		if blank(rd, p, "from", "to", "amount") {
			continue
		}
		d.Bonus = append(d.Bonus, appraisal.BonusTier{Range: rg, Amount: rd.floatOr0(p + ".amount")})
		f.bonusIdx = append(f.bonusIdx, j)
	}
}

func (f *schemeForm) parseRules(rd *reader, d *appraisal.Definition) {
	for _, kind := range appraisal.RuleKinds {
		p := "rules." + kind
		rf := ruleForm{Kind: kind, On: rd.get(p+".on") != ""}
		rule := appraisal.Rule{Kind: kind}
		var conds []int
		for _, c := range rows(rd.vals, p+".any") {
			cp := p + ".any." + strconv.Itoa(c)
			row := condRow{Index: strconv.Itoa(c), Measure: rd.get(cp + ".measure"), Months: rd.get(cp + ".months"), Count: rd.get(cp + ".count"),
				Cmp: rd.get(cp + ".cmp"), Threshold: rd.get(cp + ".threshold")}
			rf.Conds = append(rf.Conds, row)
			rf.NextCond = c + 1
			if blank(rd, cp, "months", "count", "threshold") {
				continue
			}
			rule.Any = append(rule.Any, appraisal.Condition{Measure: row.Measure, Months: rd.int(cp + ".months"),
				Count: rd.int(cp + ".count"), Cmp: row.Cmp, Threshold: rd.floatOr0(cp + ".threshold")})
			conds = append(conds, c)
		}
		f.Rules = append(f.Rules, rf)
		if rf.On {
			d.Rules = append(d.Rules, rule)
			f.ruleKind = append(f.ruleKind, kind)
			f.condIdx = append(f.condIdx, conds)
		}
	}
}

func (f *schemeForm) parseCommission(rd *reader, d *appraisal.Definition) {
	f.CommissionOn = rd.get("commission.on") != ""
	var count, amount appraisal.Source
	f.CommCount, count = rd.source("commission.count")
	f.CommAmount, amount = rd.source("commission.amount")
	c := &appraisal.Commission{Count: count, Amount: amount}
	for _, j := range rows(rd.vals, "commission.tiers") {
		p := "commission.tiers." + strconv.Itoa(j)
		f.CommTiers = append(f.CommTiers, ctierRow{Index: strconv.Itoa(j), Min: rd.get(p + ".min"), Pct: rd.get(p + ".pct")})
		f.NextCTier = j + 1
		if blank(rd, p, "min", "pct") {
			continue
		}
		c.Tiers = append(c.Tiers, appraisal.CommissionTier{Min: rd.floatOr0(p + ".min"), Pct: rd.floatOr0(p + ".pct")})
		f.ctierIdx = append(f.ctierIdx, j)
	}
	if f.CommissionOn {
		d.Commission = c
	}
}
