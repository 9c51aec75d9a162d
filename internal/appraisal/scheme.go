package appraisal

import "time"

// Definition is what a scheme version says: the maximum score, the items
// with their weights, sources and tier tables, the bonus tiers, the
// rules, an optional sales commission and whom the scheme appraises.
// docs/appraisal.md describes each part.
type Definition struct {
	Max             float64     `json:"max"`              // the best possible total (120)
	ProbationMonths int         `json:"probation_months"` // from the hire date; 0: no probation
	Items           []Item      `json:"items"`
	Bonus           []BonusTier `json:"bonus"`
	Rules           []Rule      `json:"rules"`
	Commission      *Commission `json:"commission,omitempty"`
	Targets         Targets     `json:"targets"`
}

// Item is one weighted part of the score. Key is stable across versions:
// manual entries refer to it.
type Item struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	NameEn string  `json:"name_en,omitempty"` // shown in English when given
	Weight float64 `json:"weight"`            // percent of the total; the items' weights add up to 100
	Source Source  `json:"source"`
	Tiers  []Tier  `json:"tiers"` // raw value → points, covering 0 and up without gaps or overlaps
}

// Source kinds: where an item's raw value comes from.
const (
	SourceMetric     = "metric"     // a report metric of the agent's month
	SourceQA         = "qa"         // quality inspection results
	SourceComplaints = "complaints" // complaint tickets about the agent
	SourceManual     = "manual"     // entered by a supervisor
)

// SourceKinds lists them in the order forms offer them.
var SourceKinds = []string{SourceMetric, SourceQA, SourceComplaints, SourceManual}

// Source says where a raw value comes from: Metric is a report metric key
// (kind metric), QA a quality-inspection figure (kind qa), Complaints a
// complaint count (kind complaints).
type Source struct {
	Kind       string `json:"kind"`
	Metric     string `json:"metric,omitempty"`
	QA         string `json:"qa,omitempty"`
	Complaints string `json:"complaints,omitempty"`
}

// QA figures an item may take (per agent and month).
const (
	QAErrors   = "errors"   // errors found (出错数)
	QAAttitude = "attitude" // service-attitude violations (服务态度违规)
	QAAccuracy = "accuracy" // wrong answers (回答错误)
	QAScore    = "score"    // mean inspection score out of 100
)

// QAFigures lists them.
var QAFigures = []string{QAErrors, QAAttitude, QAAccuracy, QAScore}

// Complaint counts an item may take (tickets registered in the month).
const (
	ComplaintsLiable  = "liable"  // tickets the agent was held liable for
	ComplaintsAll     = "all"     // every ticket about the agent
	ComplaintsSerious = "serious" // liable and already external (严重有责)
	ComplaintsPenalty = "penalty" // the penalties of the liable ones, in the currency
)

// ComplaintFields lists them.
var ComplaintFields = []string{ComplaintsLiable, ComplaintsAll, ComplaintsSerious, ComplaintsPenalty}

// Range is an interval of numbers with each edge explicit: nil is no edge
// (−∞ or +∞), Incl says whether the edge value itself belongs.
type Range struct {
	From     *float64 `json:"from"`
	FromIncl bool     `json:"from_incl"`
	To       *float64 `json:"to"`
	ToIncl   bool     `json:"to_incl"`
}

// Contains reports whether v is in the range.
func (r Range) Contains(v float64) bool {
	if r.From != nil && (v < *r.From || v == *r.From && !r.FromIncl) {
		return false
	}
	if r.To != nil && (v > *r.To || v == *r.To && !r.ToIncl) {
		return false
	}
	return true
}

// Tier maps the raw values in its range to points.
type Tier struct {
	Range
	Points float64 `json:"points"`
}

// BonusTier maps the totals in its range to a bonus amount (in the
// reports' currency).
type BonusTier struct {
	Range
	Amount float64 `json:"amount"`
}

// Rule kinds. The probation ones apply to agents on probation, the others
// to confirmed (regular) agents.
const (
	RuleEarlyConfirmation = "early_confirmation" // 提前转正
	RuleProbationPass     = "probation_pass"     // 试用期转正 (judged in the last probation month)
	RuleProbationUnfit    = "probation_unfit"    // 不符合录用条件
	RulePromotion         = "promotion"          // 升级
	RuleDemotion          = "demotion"           // 降级
	RuleDismissal         = "dismissal"          // 辞退
)

// FlagProbationFail is raised in the last probation month when the
// probation_pass rule does not hold.
const FlagProbationFail = "probation_fail"

// RuleKinds lists the kinds in the order forms and flags show them.
var RuleKinds = []string{RuleEarlyConfirmation, RuleProbationPass, RuleProbationUnfit, RulePromotion, RuleDemotion, RuleDismissal}

// ruleOnProbation reports whether a rule kind applies to agents on
// probation (true) or to confirmed agents (false).
func ruleOnProbation(kind string) bool {
	return kind == RuleEarlyConfirmation || kind == RuleProbationPass || kind == RuleProbationUnfit
}

// Rule raises its flag when any of its conditions holds.
type Rule struct {
	Kind string      `json:"kind"`
	Any  []Condition `json:"any"`
}

// Measures a condition compares.
const (
	MeasureMonth            = "month"             // this month's total
	MeasureAverage          = "average"           // the mean of the last Months months (this one included), all scored
	MeasureCount            = "count"             // how many of the last Months months compare true; holds from Count
	MeasureProbationAverage = "probation_average" // the mean of the scored probation months so far
)

// Measures lists them.
var Measures = []string{MeasureMonth, MeasureAverage, MeasureCount, MeasureProbationAverage}

// Comparisons of a condition.
const (
	CmpGE = "ge" // ≥
	CmpGT = "gt" // >
	CmpLE = "le" // ≤
	CmpLT = "lt" // <
)

// Comparisons lists them.
var Comparisons = []string{CmpGE, CmpGT, CmpLE, CmpLT}

// Condition compares a measure of the agent's scores with a threshold.
type Condition struct {
	Measure   string  `json:"measure"`
	Months    int     `json:"months,omitempty"` // average: months averaged; count: the window
	Count     int     `json:"count,omitempty"`  // count: months needed
	Cmp       string  `json:"cmp"`
	Threshold float64 `json:"threshold"`
}

func compare(cmp string, v, threshold float64) bool {
	switch cmp {
	case CmpGE:
		return v >= threshold
	case CmpGT:
		return v > threshold
	case CmpLE:
		return v <= threshold
	case CmpLT:
		return v < threshold
	}
	return false
}

// Commission is a sales commission (提成): the amount sold times the
// percentage of the highest tier whose minimum the count sold reaches.
type Commission struct {
	Count  Source           `json:"count"`  // items sold
	Amount Source           `json:"amount"` // the sales amount
	Tiers  []CommissionTier `json:"tiers"`  // ascending minimums
}

// CommissionTier applies from Min items sold.
type CommissionTier struct {
	Min float64 `json:"min"`
	Pct float64 `json:"pct"`
}

// The pseudo item keys of the commission's inputs (manual entries).
const (
	KeyCommissionCount  = "commission_count"
	KeyCommissionAmount = "commission_amount"
)

// Targets is whom a scheme appraises: every agent, or those of the given
// departments (with their sub-departments) and teams. An agent belongs to
// the scheme of their team, else of their nearest department, else the
// scheme for all.
type Targets struct {
	All           bool    `json:"all"`
	DepartmentIDs []int64 `json:"department_ids,omitempty"`
	TeamIDs       []int64 `json:"team_ids,omitempty"`
}

// Scheme is a scheme in its current version.
type Scheme struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Version     int        `json:"version"`
	Definition  Definition `json:"definition"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	UpdatedBy   string     `json:"updated_by,omitempty"`
}

// SchemeInput creates or changes a scheme. Version is the version being
// changed (updates only): a change to an older version is refused.
type SchemeInput struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Version     int        `json:"version,omitempty"`
	Definition  Definition `json:"definition"`
}

// Version is one version of a scheme.
type Version struct {
	SchemeID   int64      `json:"scheme_id"`
	Version    int        `json:"version"`
	Name       string     `json:"name"`
	Definition Definition `json:"definition"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by,omitempty"`
}

// Item returns the definition's item with key.
func (d *Definition) Item(key string) (Item, bool) {
	for _, it := range d.Items {
		if it.Key == key {
			return it, true
		}
	}
	return Item{}, false
}

// Rule returns the definition's rule of kind.
func (d *Definition) Rule(kind string) (Rule, bool) {
	for _, r := range d.Rules {
		if r.Kind == kind {
			return r, true
		}
	}
	return Rule{}, false
}

// Inputs lists the keys a manual entry may name: the items', and the
// commission's two inputs when there is a commission.
func (d *Definition) Inputs() []string {
	var out []string
	for _, it := range d.Items {
		out = append(out, it.Key)
	}
	if d.Commission != nil {
		out = append(out, KeyCommissionCount, KeyCommissionAmount)
	}
	return out
}

// source returns the source of an input key.
func (d *Definition) source(key string) (Source, bool) {
	if it, ok := d.Item(key); ok {
		return it.Source, true
	}
	if d.Commission != nil {
		switch key {
		case KeyCommissionCount:
			return d.Commission.Count, true
		case KeyCommissionAmount:
			return d.Commission.Amount, true
		}
	}
	return Source{}, false
}
