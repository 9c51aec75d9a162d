package appraisal

import "math"

// Notes saying why an input has no value.
const (
	NoteNoData     = "no_data"      // the report has no figure (e.g. the agent answered no queued call)
	NoteNoQA       = "no_qa_data"   // quality inspection has no results for the month
	NoteNoEntry    = "no_entry"     // a manual item nobody entered yet
	NoteOutOfRange = "out_of_range" // the value falls in no tier
)

// Raw is an input's raw value for one agent and month and where it came
// from. A source without a value falls back to a manual entry; Note then
// still says why the source had none.
type Raw struct {
	Value  *float64 `json:"value"`
	From   string   `json:"from,omitempty"` // the source kind the value came from
	Note   string   `json:"note,omitempty"`
	Manual *Entry   `json:"manual,omitempty"` // the manual entry used
}

// resolve picks an input's raw value: the source's when it has one, else
// the manual entry, else none (with the source's note, or no_entry).
func resolve(src Source, fromSource Raw, entry *Entry) Raw {
	if src.Kind != SourceManual && fromSource.Value != nil {
		r := fromSource
		r.From = src.Kind
		return r
	}
	note := fromSource.Note
	if src.Kind == SourceManual || note == "" {
		note = NoteNoEntry
	}
	if entry != nil {
		v := entry.Value
		return Raw{Value: &v, From: SourceManual, Note: noteUnlessManual(src, note), Manual: entry}
	}
	return Raw{Note: note}
}

func noteUnlessManual(src Source, note string) string {
	if src.Kind == SourceManual {
		return ""
	}
	return note
}

// ItemScore is one item of an agent's appraisal: its raw value, the tier
// it falls in, the tier's points and the points weighted.
type ItemScore struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	NameEn string  `json:"name_en,omitempty"`
	Weight float64 `json:"weight"`
	Source Source  `json:"source"`
	Raw
	Tier     int      `json:"tier"` // index in the item's tiers; −1 without a value
	Points   *float64 `json:"points"`
	Weighted *float64 `json:"weighted"`
}

// CommissionScore is an agent's sales commission: the percentage of the
// tier the count reaches, times the amount.
type CommissionScore struct {
	Count  Raw      `json:"count"`
	Amount Raw      `json:"amount"`
	Pct    *float64 `json:"pct"`
	Value  *float64 `json:"value"`
}

// Scored is what a definition makes of an agent's raw values.
type Scored struct {
	Items      []ItemScore      `json:"items"`
	Complete   bool             `json:"complete"` // every item has points
	Missing    []string         `json:"missing,omitempty"`
	Total      *float64         `json:"total"` // nil unless complete
	Bonus      *float64         `json:"bonus"`
	BonusTier  int              `json:"bonus_tier"` // index in the bonus tiers; −1 without a total
	Commission *CommissionScore `json:"commission,omitempty"`
}

// round2 rounds to hundredths, so that a total the tiers make exactly 110
// is 110 and not 110.00000000000001 from the weights' arithmetic.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// tierOf returns the index of the tier holding v, or −1.
func tierOf(ts []Tier, v float64) int {
	for i, t := range ts {
		if t.Contains(v) {
			return i
		}
	}
	return -1
}

// BonusOf returns the bonus tier holding total and its amount.
func (d *Definition) BonusOf(total float64) (int, float64, bool) {
	for i, b := range d.Bonus {
		if b.Contains(total) {
			return i, b.Amount, true
		}
	}
	return -1, 0, false
}

// Score scores an agent's month from the raw value of every input (keys
// as Definition.Inputs; a missing key is an input without a value).
func (d *Definition) Score(raws map[string]Raw) Scored {
	s := Scored{Complete: true, BonusTier: -1}
	var sum float64
	for _, it := range d.Items {
		is := ItemScore{Key: it.Key, Name: it.Name, NameEn: it.NameEn, Weight: it.Weight, Source: it.Source,
			Raw: raws[it.Key], Tier: -1}
		if is.Value != nil {
			is.Tier = tierOf(it.Tiers, *is.Value)
			if is.Tier < 0 {
				is.Note = NoteOutOfRange
			}
		}
		if is.Tier >= 0 {
			p := it.Tiers[is.Tier].Points
			w := round2(p * it.Weight / 100)
			is.Points, is.Weighted = &p, &w
			sum += p * it.Weight
		} else {
			s.Complete = false
			s.Missing = append(s.Missing, it.Key)
		}
		s.Items = append(s.Items, is)
	}
	if s.Complete {
		t := round2(sum / 100)
		s.Total = &t
		if i, amount, ok := d.BonusOf(t); ok {
			s.BonusTier, s.Bonus = i, &amount
		}
	}
	if d.Commission != nil {
		s.Commission = d.Commission.score(raws[KeyCommissionCount], raws[KeyCommissionAmount])
		if s.Commission.Count.Value == nil {
			s.Missing = append(s.Missing, KeyCommissionCount)
		}
		if s.Commission.Amount.Value == nil {
			s.Missing = append(s.Missing, KeyCommissionAmount)
		}
	}
	return s
}

// PctOf returns the percentage for count items sold: the highest tier whose
// minimum count reaches, 0 below the first.
func (c *Commission) PctOf(count float64) float64 {
	pct := 0.0
	for _, t := range c.Tiers {
		if count >= t.Min {
			pct = t.Pct
		}
	}
	return pct
}

func (c *Commission) score(count, amount Raw) *CommissionScore {
	cs := &CommissionScore{Count: count, Amount: amount}
	if count.Value == nil {
		return cs
	}
	pct := c.PctOf(*count.Value)
	cs.Pct = &pct
	if amount.Value != nil {
		v := round2(*amount.Value * pct / 100)
		cs.Value = &v
	}
	return cs
}
