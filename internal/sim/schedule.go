package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/hotline-cc/hotline/internal/shift"
)

// A shift template: start (minutes after local midnight), length, and the
// activities off the phones at fixed offsets.
type template struct {
	start, length int
	acts          []actTemplate
}

type actTemplate struct {
	kind           string
	offset, length int // minutes after the shift's start
}

// Nine-hour day shifts with two 15-minute breaks and an hour for lunch (or
// dinner), and an eight-hour night shift with a 30-minute meal: the
// usual 8 paid hours.
var (
	dayActs = []actTemplate{{shift.Break, 120, 15}, {shift.Lunch, 240, 60}, {shift.Break, 390, 15}}
	// trainingAct fits after the second break of a day shift.
	trainingAct = actTemplate{shift.Training, 450, 60}
	nightActs   = []actTemplate{{shift.Break, 120, 15}, {shift.Lunch, 240, 30}, {shift.Break, 360, 15}}
	templates   = []template{
		{0, 480, nightActs},
		{7 * 60, 540, dayActs}, {8 * 60, 540, dayActs}, {9 * 60, 540, dayActs}, {10 * 60, 540, dayActs},
		{11 * 60, 540, dayActs}, {13 * 60, 540, dayActs}, {15 * 60, 540, dayActs},
	}
)

// pattern is an agent's week: a template worked five days, with two
// consecutive days off starting on weekday off (0 = Sunday), and the
// activities moved by stagger minutes (so that not everyone of a template
// goes to lunch at once).
type pattern struct{ tmpl, off, stagger int }

var staggers = []int{0, -30, 30}

func (p pattern) works(wd time.Weekday) bool {
	d := int(wd)
	return d != p.off && d != (p.off+1)%7
}

func (p pattern) acts() []actTemplate {
	out := append([]actTemplate(nil), templates[p.tmpl].acts...)
	for i := range out {
		out[i].offset += p.stagger
	}
	return out
}

// assignPatterns gives n agents their weekly patterns so that the number
// on the phones follows what each 15-minute slot of the week needs: its
// workload in Erlangs A (calls × handle time ÷ 15 minutes) plus √A, the
// square-root staffing rule for a good service level. Greedily, each
// agent takes the pattern that most improves Σ need × log(agents + ½)
// over the slots, which spreads the agents in proportion to the need,
// however many there are. With a dozen agents or more, two night agents
// with different days off come first, so that a 24-hour line always has
// someone. Deterministic: the schedule does not change with the seed.
func assignPatterns(n int, cfg Config) []pattern {
	var need, cover [7][SlotsPerDay]float64
	handle := (cfg.AHT + cfg.ACW + 15*time.Second).Seconds()
	for d := range need {
		for s := range need[d] {
			a := cfg.CallsPerDay * WeekWeights[d] * DayWeights[s] * handle / Interval.Seconds()
			need[d][s] = a + math.Sqrt(a)
		}
	}
	logs := make([]float64, n+2)
	for i := range logs {
		logs[i] = math.Log(float64(i) + 0.5)
	}
	out := make([]pattern, 0, n)
	take := func(p pattern) {
		out = append(out, p)
		forSlots(p, func(d, s int) { cover[d][s]++ })
	}
	if n >= 12 {
		take(pattern{0, 0, 0})
		take(pattern{0, 3, 0})
	}
	for len(out) < n {
		best, bestGain := pattern{}, math.Inf(-1)
		for t := range templates {
			for off := range 7 {
				for _, st := range staggers {
					p := pattern{t, off, st}
					g := 0.0
					forSlots(p, func(d, s int) {
						c := int(cover[d][s])
						g += need[d][s] * (logs[c+1] - logs[c])
					})
					if g > bestGain {
						best, bestGain = p, g
					}
				}
			}
		}
		take(best)
	}
	return out
}

// forSlots calls fn for each (weekday, slot) pattern p is on the phones.
func forSlots(p pattern, fn func(d, s int)) {
	t := templates[p.tmpl]
	acts := p.acts()
	for d := range 7 {
		if !p.works(time.Weekday(d)) {
			continue
		}
		for m := t.start; m < t.start+t.length; m += 15 {
			if !onActivity(acts, m-t.start) {
				fn(d, m/15)
			}
		}
	}
}

func onActivity(acts []actTemplate, offset int) bool {
	for _, a := range acts {
		if offset >= a.offset && offset < a.offset+a.length {
			return true
		}
	}
	return false
}

// RunNote marks the shifts of one simulation run: the period (RFC 3339
// interval) and the seed. -replace finds earlier runs by it.
func RunNote(from, to time.Time, seed uint64) string {
	return fmt.Sprintf("simulate %s/%s seed=%d", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), seed)
}

// Schedule builds the agents' shifts in [from, to): each agent's weekly
// pattern on each local day, clipped to the period (shifts shorter than an
// hour after clipping are dropped, activities must lie wholly inside).
// An agent with a leave date works no shift starting on or after it.
// A few shifts get an hour of training (drawn with the seed).
func Schedule(agents []Agent, leave map[int64]time.Time, cfg Config) []shift.Shift {
	cfg.defaults()
	pats := assignPatterns(len(agents), cfg)
	r := rand.New(rand.NewPCG(cfg.Seed, 0x7363686564))
	note := RunNote(cfg.From, cfg.To, cfg.Seed)
	loc := cfg.Location
	first := cfg.From.In(loc)
	day := time.Date(first.Year(), first.Month(), first.Day()-1, 0, 0, 0, 0, loc)
	var out []shift.Shift
	for ; day.Before(cfg.To); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		for i, a := range agents {
			p := pats[i]
			if !p.works(day.Weekday()) {
				continue
			}
			if l, ok := leave[a.ID]; ok && !day.Before(l) {
				continue
			}
			if sh, ok := makeShift(a, p, day, cfg, chance(r, cfg.Shares.Training)); ok {
				sh.Note = note
				out = append(out, sh)
			}
		}
	}
	return out
}

func makeShift(a Agent, p pattern, day time.Time, cfg Config, training bool) (shift.Shift, bool) {
	t := templates[p.tmpl]
	at := func(min int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), 0, min, 0, 0, day.Location())
	}
	start, end := at(t.start), at(t.start+t.length)
	start, end = maxTime(start, cfg.From), minTime(end, cfg.To)
	if end.Sub(start) < time.Hour {
		return shift.Shift{}, false
	}
	sh := shift.Shift{AgentID: a.ID, TeamID: a.TeamID, DepartmentID: a.DepartmentID, Start: start.UTC(), End: end.UTC(),
		Source: "simulate", Activities: []shift.Activity{}}
	acts := p.acts()
	if training && t.length >= trainingAct.offset+trainingAct.length {
		acts = append(acts, trainingAct)
	}
	for _, x := range acts {
		as, ae := at(t.start+x.offset), at(t.start+x.offset+x.length)
		if as.Before(start) || ae.After(end) {
			continue
		}
		sh.Activities = append(sh.Activities, shift.Activity{Kind: x.kind, Start: as.UTC(), End: ae.UTC()})
	}
	return sh, true
}
