package appraisal

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Limits of a definition.
const (
	MaxItems      = 20
	MaxTiers      = 20
	MaxConditions = 4
	MaxWindow     = 12 // months a rule may look back over (one year)
)

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// fmtNum writes a number without trailing zeros.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Validate checks a definition and puts it in its canonical form: names
// trimmed, tiers in ascending order, targets sorted. Errors name the field
// at fault, e.g. items[1].tiers[2].
func (d *Definition) Validate() error {
	if !(d.Max >= 1 && d.Max <= 1000) {
		return apperr.Invalid("max", "must be between 1 and 1000")
	}
	if d.ProbationMonths < 0 || d.ProbationMonths > MaxWindow {
		return apperr.Invalid("probation_months", "must be 0 to %d", MaxWindow)
	}
	if err := d.validateItems(); err != nil {
		return err
	}
	if err := validateBonus(d.Bonus, d.Max); err != nil {
		return err
	}
	if err := d.validateRules(); err != nil {
		return err
	}
	if d.Commission != nil {
		if err := d.Commission.validate(); err != nil {
			return err
		}
	}
	d.Targets.DepartmentIDs = uniqueIDs(d.Targets.DepartmentIDs)
	d.Targets.TeamIDs = uniqueIDs(d.Targets.TeamIDs)
	if !d.Targets.All && len(d.Targets.DepartmentIDs) == 0 && len(d.Targets.TeamIDs) == 0 {
		return apperr.Invalid("targets", "choose whom the scheme appraises: all agents, departments or teams")
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func (d *Definition) validateItems() error {
	if len(d.Items) == 0 || len(d.Items) > MaxItems {
		return apperr.Invalid("items", "give 1 to %d items", MaxItems)
	}
	seen := map[string]bool{KeyCommissionCount: true, KeyCommissionAmount: true}
	var sum float64
	for i := range d.Items {
		it := &d.Items[i]
		f := fmt.Sprintf("items[%d]", i)
		it.Key, it.Name, it.NameEn = strings.TrimSpace(it.Key), strings.TrimSpace(it.Name), strings.TrimSpace(it.NameEn)
		if !keyRE.MatchString(it.Key) {
			return apperr.Invalid(f+".key", "use 1–32 lower-case letters, digits or _, starting with a letter")
		}
		if seen[it.Key] {
			return apperr.Invalid(f+".key", "another item has the key %s", it.Key)
		}
		seen[it.Key] = true
		if err := valid.Text(f+".name", it.Name, 1, 60); err != nil {
			return err
		}
		if it.NameEn != "" {
			if err := valid.Text(f+".name_en", it.NameEn, 1, 60); err != nil {
				return err
			}
		}
		if !(it.Weight > 0 && it.Weight <= 100) {
			return apperr.Invalid(f+".weight", "must be more than 0 and at most 100")
		}
		sum += it.Weight
		if err := validateSource(f+".source", &it.Source); err != nil {
			return err
		}
		if err := validateTiers(f+".tiers", it.Tiers, d.Max); err != nil {
			return err
		}
	}
	if math.Abs(sum-100) > 1e-9 {
		return apperr.Invalid("items", "the weights add up to %s%%; they must add up to 100%%", fmtNum(math.Round(sum*1e6)/1e6))
	}
	return nil
}

// perAgent reports whether a report metric has a figure per agent: the
// center-wide ones (cost per call, turnover) do not.
func perAgent(m report.Metric) bool { return m.Needs != report.NeedCenter }

func validateSource(f string, s *Source) error {
	if !slices.Contains(SourceKinds, s.Kind) {
		return apperr.Invalid(f+".kind", "must be one of %s", strings.Join(SourceKinds, ", "))
	}
	// Only the field of the kind counts; the others are cleared so that a
	// stored source says one thing.
	keep := *s
	*s = Source{Kind: s.Kind}
	switch s.Kind {
	case SourceMetric:
		m, ok := report.MetricByKey(keep.Metric)
		if !ok {
			return apperr.Invalid(f+".metric", "choose a report metric")
		}
		if !perAgent(m) {
			return apperr.Invalid(f+".metric", "metric %s has no figure per agent", keep.Metric)
		}
		s.Metric = keep.Metric
	case SourceQA:
		if !slices.Contains(QAFigures, keep.QA) {
			return apperr.Invalid(f+".qa", "must be one of %s", strings.Join(QAFigures, ", "))
		}
		s.QA = keep.QA
	case SourceComplaints:
		if !slices.Contains(ComplaintFields, keep.Complaints) {
			return apperr.Invalid(f+".complaints", "must be one of %s", strings.Join(ComplaintFields, ", "))
		}
		s.Complaints = keep.Complaints
	}
	return nil
}

// lowerEdge is a range's lower edge as text, for messages.
func lowerEdge(r *Range) string {
	switch {
	case r.From == nil:
		return "−∞"
	case r.FromIncl:
		return fmtNum(*r.From)
	}
	return ">" + fmtNum(*r.From)
}

// byLowerEdge returns the indices of n ranges ordered by their lower edge
// (none first; inclusive before exclusive at the same value).
func byLowerEdge(n int, at func(int) *Range) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := at(idx[i]), at(idx[j])
		switch {
		case a.From == nil || b.From == nil:
			return a.From == nil && b.From != nil
		case *a.From != *b.From:
			return *a.From < *b.From
		}
		return a.FromIncl && !b.FromIncl
	})
	return idx
}

// checkCover checks that the ranges, taken in the order of idx, cover
// [0, top] — top nil is +∞ — without gaps or overlaps: each starts where
// the previous ends, with exactly one of the two edges inclusive. Errors
// name a range by its index in the input, f[i].
func checkCover(f string, idx []int, at func(int) *Range, top *float64) error {
	name := func(k int) string { return fmt.Sprintf("%s[%d]", f, idx[k]) }
	for k := range idx {
		r := at(idx[k])
		if r.From != nil && r.To != nil && (*r.From > *r.To || *r.From == *r.To && !(r.FromIncl && r.ToIncl)) {
			return apperr.Invalid(name(k), "is empty: its lower edge %s is not below its upper edge %s", fmtNum(*r.From), fmtNum(*r.To))
		}
	}
	first := at(idx[0])
	if first.From != nil && (*first.From > 0 || *first.From == 0 && !first.FromIncl) {
		return apperr.Invalid(name(0), "the tiers must start at 0 or below (the first starts at %s)", lowerEdge(first))
	}
	for k := 1; k < len(idx); k++ {
		if err := adjoin(name(k), at(idx[k-1]), at(idx[k])); err != nil {
			return err
		}
	}
	last := at(idx[len(idx)-1])
	switch {
	case top == nil && last.To != nil:
		return apperr.Invalid(name(len(idx)-1), "the last tier must have no upper edge")
	case top != nil && !last.Contains(*top):
		return apperr.Invalid(name(len(idx)-1), "the last tier must reach the maximum %s", fmtNum(*top))
	}
	return nil
}

// adjoin checks that r starts exactly where prev ends.
func adjoin(f string, prev, r *Range) error {
	switch {
	case prev.To == nil:
		return apperr.Invalid(f, "overlaps the tier before, which has no upper edge")
	case r.From == nil:
		return apperr.Invalid(f, "overlaps the tier before: it has no lower edge")
	case *r.From == *prev.To && !prev.ToIncl && !r.FromIncl:
		return apperr.Invalid(f, "leaves %s in no tier", fmtNum(*r.From))
	case *r.From > *prev.To:
		return apperr.Invalid(f, "leaves a gap between %s and %s", fmtNum(*prev.To), fmtNum(*r.From))
	case *r.From < *prev.To || prev.ToIncl && r.FromIncl:
		return apperr.Invalid(f, "overlaps the tier before at %s", fmtNum(*r.From))
	}
	return nil
}

// reorder puts xs in the order of idx.
func reorder[T any](xs []T, idx []int) {
	c := slices.Clone(xs)
	for k, i := range idx {
		xs[k] = c[i]
	}
}

func validateTiers(f string, ts []Tier, max float64) error {
	if len(ts) == 0 || len(ts) > MaxTiers {
		return apperr.Invalid(f, "give 1 to %d tiers", MaxTiers)
	}
	for i, t := range ts {
		if !(t.Points >= 0 && t.Points <= max) {
			return apperr.Invalid(fmt.Sprintf("%s[%d].points", f, i), "must be between 0 and the maximum %s", fmtNum(max))
		}
	}
	at := func(i int) *Range { return &ts[i].Range }
	idx := byLowerEdge(len(ts), at)
	if err := checkCover(f, idx, at, nil); err != nil {
		return err
	}
	reorder(ts, idx)
	return nil
}

func validateBonus(ts []BonusTier, max float64) error {
	if len(ts) == 0 || len(ts) > MaxTiers {
		return apperr.Invalid("bonus", "give 1 to %d tiers", MaxTiers)
	}
	for i, t := range ts {
		if !(t.Amount >= 0 && t.Amount <= 1e9) {
			return apperr.Invalid(fmt.Sprintf("bonus[%d].amount", i), "must be 0 or more")
		}
	}
	at := func(i int) *Range { return &ts[i].Range }
	idx := byLowerEdge(len(ts), at)
	if err := checkCover("bonus", idx, at, &max); err != nil {
		return err
	}
	reorder(ts, idx)
	return nil
}

func (d *Definition) validateRules() error {
	seen := map[string]bool{}
	for i := range d.Rules {
		r := &d.Rules[i]
		f := fmt.Sprintf("rules[%d]", i)
		if !slices.Contains(RuleKinds, r.Kind) {
			return apperr.Invalid(f+".kind", "must be one of %s", strings.Join(RuleKinds, ", "))
		}
		if seen[r.Kind] {
			return apperr.Invalid(f+".kind", "the rule %s is given twice", r.Kind)
		}
		seen[r.Kind] = true
		if len(r.Any) == 0 || len(r.Any) > MaxConditions {
			return apperr.Invalid(f+".any", "give 1 to %d conditions", MaxConditions)
		}
		for j := range r.Any {
			if err := r.Any[j].validate(fmt.Sprintf("%s.any[%d]", f, j), r.Kind, d.Max); err != nil {
				return err
			}
		}
	}
	// Rules in the order of RuleKinds, so that flags come out in it.
	sort.SliceStable(d.Rules, func(i, j int) bool {
		return slices.Index(RuleKinds, d.Rules[i].Kind) < slices.Index(RuleKinds, d.Rules[j].Kind)
	})
	return nil
}

func (c *Condition) validate(f, kind string, max float64) error {
	if !slices.Contains(Measures, c.Measure) {
		return apperr.Invalid(f+".measure", "must be one of %s", strings.Join(Measures, ", "))
	}
	if !slices.Contains(Comparisons, c.Cmp) {
		return apperr.Invalid(f+".cmp", "must be one of %s", strings.Join(Comparisons, ", "))
	}
	if !(c.Threshold >= 0 && c.Threshold <= max) {
		return apperr.Invalid(f+".threshold", "must be between 0 and the maximum %s", fmtNum(max))
	}
	switch c.Measure {
	case MeasureMonth, MeasureProbationAverage:
		c.Months, c.Count = 0, 0
		if c.Measure == MeasureProbationAverage && !ruleOnProbation(kind) {
			return apperr.Invalid(f+".measure", "the probation average applies to probation rules only")
		}
	case MeasureAverage:
		c.Count = 0
		if c.Months < 2 || c.Months > MaxWindow {
			return apperr.Invalid(f+".months", "must be 2 to %d", MaxWindow)
		}
	case MeasureCount:
		if c.Months < 1 || c.Months > MaxWindow {
			return apperr.Invalid(f+".months", "must be 1 to %d", MaxWindow)
		}
		if c.Count < 1 || c.Count > c.Months {
			return apperr.Invalid(f+".count", "must be 1 to the window (%d months)", c.Months)
		}
	}
	return nil
}

func (c *Commission) validate() error {
	if err := validateSource("commission.count", &c.Count); err != nil {
		return err
	}
	if err := validateSource("commission.amount", &c.Amount); err != nil {
		return err
	}
	if len(c.Tiers) == 0 || len(c.Tiers) > MaxTiers {
		return apperr.Invalid("commission.tiers", "give 1 to %d tiers", MaxTiers)
	}
	seen := map[float64]bool{}
	for i, t := range c.Tiers {
		f := fmt.Sprintf("commission.tiers[%d]", i)
		if !(t.Min >= 0 && t.Min <= 1e9) {
			return apperr.Invalid(f+".min", "must be 0 or more")
		}
		if seen[t.Min] {
			return apperr.Invalid(f+".min", "another tier starts at %s", fmtNum(t.Min))
		}
		seen[t.Min] = true
		if !(t.Pct >= 0 && t.Pct <= 100) {
			return apperr.Invalid(f+".pct", "must be 0 to 100")
		}
	}
	sort.Slice(c.Tiers, func(i, j int) bool { return c.Tiers[i].Min < c.Tiers[j].Min })
	return nil
}

// window is how many months (this one included) the rules look at.
func (d *Definition) window() int {
	n := max(1, d.ProbationMonths)
	for _, r := range d.Rules {
		for _, c := range r.Any {
			n = max(n, c.Months)
		}
	}
	return n
}
