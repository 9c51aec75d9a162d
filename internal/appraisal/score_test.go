package appraisal

import (
	"testing"
)

func val(v float64) *float64 { return &v }

// rawsOf gives the default scheme's four items raw values from sources.
func rawsOf(errors, response, attitude, accuracy float64) map[string]Raw {
	r := func(v float64) Raw { return Raw{Value: val(v), From: SourceMetric} }
	return map[string]Raw{"errors": r(errors), "response": r(response), "attitude": r(attitude), "accuracy": r(accuracy)}
}

// The seed's count tiers at every boundary: 0–1 → 120 ... 10–11 → 40,
// 12 → 0.
func TestCountTierBoundaries(t *testing.T) {
	def := DefaultDefinition()
	errorsItem, _ := def.Item("errors")
	for _, c := range []struct {
		n      float64
		points float64
	}{
		{0, 120}, {1, 120}, {1.5, 110}, {2, 110}, {3, 110}, {4, 100}, {5, 100}, {6, 80}, {7, 80},
		{8, 60}, {9, 60}, {10, 40}, {11, 40}, {11.5, 0}, {12, 0}, {100, 0},
	} {
		i := tierOf(errorsItem.Tiers, c.n)
		if i < 0 || errorsItem.Tiers[i].Points != c.points {
			t.Errorf("%v errors: tier %d, want %v points", c.n, i, c.points)
		}
	}
	if tierOf(errorsItem.Tiers, -1) != -1 {
		t.Error("a negative count falls in a tier")
	}
}

// Response time: ≤ 30 s → 120, 31 s → 110, and the filled-in middle.
func TestResponseTierBoundaries(t *testing.T) {
	def := DefaultDefinition()
	resp, _ := def.Item("response")
	for _, c := range []struct {
		sec    float64
		points float64
	}{
		{0, 120}, {29.99, 120}, {30, 120}, {30.01, 110}, {31, 110}, {60, 110}, {120, 110}, {121, 100}, {240, 100},
		{241, 80}, {360, 80}, {361, 60}, {480, 60}, {481, 40}, {600, 40}, {600.5, 0}, {601, 0}, {3600, 0},
	} {
		i := tierOf(resp.Tiers, c.sec)
		if i < 0 || resp.Tiers[i].Points != c.points {
			t.Errorf("response %v s: tier %d, want %v points", c.sec, i, c.points)
		}
	}
}

// Bonus at exactly 120, 110, 100, 90 points and just below each.
func TestBonusBoundaries(t *testing.T) {
	def := DefaultDefinition()
	for _, c := range []struct {
		total, bonus float64
	}{
		{120, 500}, {119.99, 400}, {110, 400}, {109.99, 300}, {100, 300}, {99.99, 200}, {90, 200}, {89.99, 100}, {0, 100},
	} {
		_, amount, ok := def.BonusOf(c.total)
		if !ok || amount != c.bonus {
			t.Errorf("total %v: bonus %v (%v), want %v", c.total, amount, ok, c.bonus)
		}
	}
}

// Weighted totals: 40 % / 25 % / 20 % / 15 % of the items' points, exact
// at the bonus boundaries.
func TestWeightedTotals(t *testing.T) {
	def := DefaultDefinition()
	for _, c := range []struct {
		name                  string
		errs, resp, att, accu float64
		total, bonus          float64
	}{
		{"perfect", 0, 30, 1, 0, 120, 500},
		{"exactly 110", 2, 31, 3, 2, 110, 400},
		{"exactly 100", 4, 121, 5, 4, 100, 300},
		// 80×40 % + 120×25 % + 80×20 % + 80×15 % = 32 + 30 + 16 + 12
		{"exactly 90", 6, 10, 7, 6, 90, 200},
		// 32 + 30 + 16 + 60×15 % (9) = 87
		{"below 90", 6, 10, 7, 8, 87, 100},
		// 0 + 30 + 24 + 18
		{"12 errors", 12, 0, 0, 0, 72, 100},
		// 48 + 27.5 + 24 + 18
		{"response 31 s", 0, 31, 0, 0, 117.5, 400},
	} {
		s := def.Score(rawsOf(c.errs, c.resp, c.att, c.accu))
		if !s.Complete || s.Total == nil || *s.Total != c.total || s.Bonus == nil || *s.Bonus != c.bonus {
			t.Errorf("%s: complete %v total %v bonus %v, want %v and %v", c.name, s.Complete, deref(s.Total), deref(s.Bonus), c.total, c.bonus)
		}
	}
	s := def.Score(rawsOf(2, 31, 3, 2))
	want := map[string]float64{"errors": 44, "response": 27.5, "attitude": 22, "accuracy": 16.5}
	for _, it := range s.Items {
		if it.Weighted == nil || *it.Weighted != want[it.Key] {
			t.Errorf("%s weighted %v, want %v", it.Key, deref(it.Weighted), want[it.Key])
		}
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// An item without a value (QA has no data) leaves the appraisal
// incomplete: no total, no bonus, the item listed as missing.
func TestIncompleteWithoutQA(t *testing.T) {
	def := DefaultDefinition()
	raws := rawsOf(0, 20, 0, 0)
	raws["errors"] = resolve(Source{Kind: SourceQA, QA: QAErrors}, Raw{Note: NoteNoQA}, nil)
	raws["accuracy"] = resolve(Source{Kind: SourceQA, QA: QAAccuracy}, Raw{Note: NoteNoQA}, nil)
	s := def.Score(raws)
	if s.Complete || s.Total != nil || s.Bonus != nil || len(s.Missing) != 2 || s.Missing[0] != "errors" || s.Missing[1] != "accuracy" {
		t.Fatalf("scored %+v", s)
	}
	if s.Items[0].Note != NoteNoQA || s.Items[0].Points != nil {
		t.Fatalf("errors item %+v", s.Items[0])
	}
}

// A source's value wins over a manual entry; the entry fills in when the
// source has none (and the note still says why); a manual item uses its
// entry or says no_entry.
func TestResolve(t *testing.T) {
	e := &Entry{Value: 3, Note: "QA sheet"}
	qa := Source{Kind: SourceQA, QA: QAErrors}
	cases := []struct {
		name  string
		src   Source
		from  Raw
		entry *Entry
		want  Raw
	}{
		{"source value", Source{Kind: SourceMetric, Metric: "asa"}, Raw{Value: val(12)}, e, Raw{Value: val(12), From: SourceMetric}},
		{"manual fills QA", qa, Raw{Note: NoteNoQA}, e, Raw{Value: val(3), From: SourceManual, Note: NoteNoQA, Manual: e}},
		{"nothing", qa, Raw{Note: NoteNoQA}, nil, Raw{Note: NoteNoQA}},
		{"manual item", Source{Kind: SourceManual}, Raw{}, e, Raw{Value: val(3), From: SourceManual, Manual: e}},
		{"manual item empty", Source{Kind: SourceManual}, Raw{}, nil, Raw{Note: NoteNoEntry}},
	}
	for _, c := range cases {
		got := resolve(c.src, c.from, c.entry)
		if deref(got.Value) != deref(c.want.Value) || got.From != c.want.From || got.Note != c.want.Note || got.Manual != c.want.Manual {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestCommissionTiers(t *testing.T) {
	c := SalesCommission()
	for _, x := range []struct{ count, pct float64 }{
		{0, 0}, {9, 0}, {10, 3}, {29, 3}, {30, 5}, {50, 10}, {79, 10}, {80, 13}, {99, 13}, {100, 15}, {500, 15},
	} {
		if got := c.PctOf(x.count); got != x.pct {
			t.Errorf("%v items: %v %%, want %v", x.count, got, x.pct)
		}
	}
	def := DefaultDefinition()
	def.Commission = c
	raws := rawsOf(0, 0, 0, 0)
	raws[KeyCommissionCount] = Raw{Value: val(30), From: SourceManual}
	raws[KeyCommissionAmount] = Raw{Value: val(12345.6), From: SourceManual}
	s := def.Score(raws)
	if s.Commission == nil || deref(s.Commission.Pct) != 5.0 || deref(s.Commission.Value) != 617.28 {
		t.Fatalf("commission %+v", s.Commission)
	}
	delete(raws, KeyCommissionAmount)
	s = def.Score(raws)
	if s.Commission.Value != nil || len(s.Missing) != 1 || s.Missing[0] != KeyCommissionAmount || !s.Complete {
		t.Fatalf("without the amount: %+v", s)
	}
}
