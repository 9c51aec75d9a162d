package appraisal

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/apperr"
)

func TestDefaultDefinitionIsValid(t *testing.T) {
	d := DefaultDefinition()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.window() != 12 {
		t.Fatalf("window %d", d.window())
	}
	d.Commission = SalesCommission()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
}

// Every refusal names the field at fault and says what is wrong.
func TestValidateRefusals(t *testing.T) {
	tier := func(from *float64, fi bool, to *float64, ti bool, p float64) Tier {
		return Tier{Range: Range{From: from, FromIncl: fi, To: to, ToIncl: ti}, Points: p}
	}
	cases := []struct {
		name   string
		change func(d *Definition)
		field  string
		msg    string
	}{
		{"weights", func(d *Definition) { d.Items[0].Weight = 39 }, "items", "add up to 99%"},
		{"gap", func(d *Definition) {
			d.Items[0].Tiers = []Tier{tier(num(0), true, num(1), true, 120), tier(num(2), true, nil, false, 0)}
		}, "items[0].tiers[1]", "gap between 1 and 2"},
		{"point gap", func(d *Definition) {
			d.Items[1].Tiers = []Tier{tier(num(0), true, num(30), false, 120), tier(num(30), false, nil, false, 0)}
		}, "items[1].tiers[1]", "leaves 30 in no tier"},
		{"overlap", func(d *Definition) {
			d.Items[0].Tiers = []Tier{tier(num(0), true, num(1), true, 120), tier(num(1), true, nil, false, 0)}
		}, "items[0].tiers[1]", "overlaps the tier before at 1"},
		{"overlap reported at the input's index", func(d *Definition) {
			d.Items[0].Tiers = []Tier{tier(num(3), false, nil, false, 0), tier(num(0), true, num(5), true, 120)}
		}, "items[0].tiers[0]", "overlaps"},
		{"start", func(d *Definition) { d.Items[2].Tiers = []Tier{tier(num(0), false, nil, false, 100)} }, "items[2].tiers[0]", "start at 0"},
		{"open end", func(d *Definition) { d.Items[2].Tiers = []Tier{tier(num(0), true, num(10), true, 100)} }, "items[2].tiers[0]", "no upper edge"},
		{"empty tier", func(d *Definition) {
			d.Items[0].Tiers = []Tier{tier(num(0), true, num(3), true, 120), tier(num(3), false, num(3), true, 10), tier(num(3), false, nil, false, 0)}
		}, "items[0].tiers[1]", "is empty"},
		{"points", func(d *Definition) { d.Items[0].Tiers[0].Points = 121 }, "items[0].tiers[0].points", "maximum 120"},
		{"bonus short of the maximum", func(d *Definition) { d.Bonus = d.Bonus[:4] }, "bonus[3]", "reach the maximum 120"},
		{"key", func(d *Definition) { d.Items[1].Key = "Errors" }, "items[1].key", "lower-case"},
		{"duplicate key", func(d *Definition) { d.Items[1].Key = "errors" }, "items[1].key", "another item"},
		{"source", func(d *Definition) { d.Items[1].Source.Kind = "crystal_ball" }, "items[1].source.kind", "must be one of"},
		{"centre metric", func(d *Definition) { d.Items[1].Source.Metric = "turnover" }, "items[1].source.metric", "no figure per agent"},
		{"unknown metric", func(d *Definition) { d.Items[1].Source.Metric = "happiness" }, "items[1].source.metric", "choose a report metric"},
		{"average of one month", func(d *Definition) { d.Rules[3].Any[0].Months = 1 }, "rules[3].any[0].months", "2 to 12"},
		{"count beyond its window", func(d *Definition) { d.Rules[5].Any[0].Count = 13 }, "rules[5].any[0].count", "window"},
		{"probation average for promotion", func(d *Definition) { d.Rules[3].Any[0].Measure = MeasureProbationAverage },
			"rules[3].any[0].measure", "probation rules only"},
		{"rule twice", func(d *Definition) { d.Rules[4].Kind = RulePromotion }, "rules[4].kind", "given twice"},
		{"threshold", func(d *Definition) { d.Rules[0].Any[0].Threshold = 130 }, "rules[0].any[0].threshold", "maximum 120"},
		{"no targets", func(d *Definition) { d.Targets = Targets{} }, "targets", "choose whom"},
		{"commission tier twice", func(d *Definition) {
			d.Commission = SalesCommission()
			d.Commission.Tiers[1].Min = 10
		}, "commission.tiers[1].min", "another tier starts at 10"},
	}
	for _, c := range cases {
		d := DefaultDefinition()
		c.change(&d)
		err := d.Validate()
		e := apperr.As(err)
		if e == nil || e.Kind != apperr.KindInvalid || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
			t.Errorf("%s: %v, want %s: …%s…", c.name, err, c.field, c.msg)
		}
	}
}

// Tiers given in any order are stored in ascending order.
func TestValidateSortsTiers(t *testing.T) {
	d := DefaultDefinition()
	ts := d.Items[0].Tiers
	d.Items[0].Tiers = []Tier{ts[6], ts[2], ts[0], ts[4], ts[1], ts[5], ts[3]}
	d.Bonus = []BonusTier{d.Bonus[4], d.Bonus[0], d.Bonus[2], d.Bonus[1], d.Bonus[3]}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{120, 110, 100, 80, 60, 40, 0} {
		if d.Items[0].Tiers[i].Points != want {
			t.Fatalf("tier %d: %v", i, d.Items[0].Tiers[i])
		}
	}
	if d.Bonus[0].Amount != 100 || d.Bonus[4].Amount != 500 {
		t.Fatalf("bonus %v", d.Bonus)
	}
}

// Any definition a client sends is refused or accepted without a panic,
// and an accepted one scores any raw values and evaluates its rules.
func FuzzValidateAndScore(f *testing.F) {
	def, _ := json.Marshal(DefaultDefinition())
	f.Add(def, 3.0, 42.5, 119.0)
	f.Add([]byte(`{"max":10,"items":[{"key":"a","name":"A","weight":100,"source":{"kind":"manual"},"tiers":[{"from":null,"to":null,"points":10}]}],"bonus":[{"from":0,"from_incl":true,"to":null,"amount":1}],"targets":{"all":true}}`), -1.0, 0.0, 5.0)
	f.Fuzz(func(t *testing.T, raw []byte, a, b, c float64) {
		var d Definition
		if json.Unmarshal(raw, &d) != nil || d.Validate() != nil {
			return
		}
		raws := map[string]Raw{}
		for i, k := range d.Inputs() {
			v := []float64{a, b, c}[i%3]
			raws[k] = Raw{Value: &v, From: SourceManual}
		}
		s := d.Score(raws)
		if s.Total != nil && (*s.Total < 0 || *s.Total > d.Max+0.01) {
			t.Fatalf("total %v outside 0–%v", *s.Total, d.Max)
		}
		if s.Total != nil && s.Bonus == nil {
			t.Fatalf("total %v has no bonus tier", *s.Total)
		}
		hist := []MonthTotal{{Month: "2026-05", Total: s.Total}, {Month: "2026-04", Total: &b}, {Month: "2026-03"}}
		d.Flags(hist, nil)
		d.Flags(hist, &Probation{FirstMonth: "2026-04", Final: true})
	})
}
