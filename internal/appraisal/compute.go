package appraisal

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
)

// Appraisal is an agent's appraisal of a month: the items with their raw
// values, sources and points, the total, bonus and commission, the
// probation, the flags the rules raise, and the history they looked at.
type Appraisal struct {
	AgentID      int64  `json:"agent_id"`
	Username     string `json:"username"`
	Name         string `json:"name"`
	TeamID       int64  `json:"team_id,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
	SchemeID     int64  `json:"scheme_id"`
	SchemeName   string `json:"scheme_name"`
	Version      int    `json:"version"`
	Month        Month  `json:"month"`
	Scored
	Probation *Probation   `json:"probation,omitempty"`
	Flags     []Flag       `json:"flags"`
	History   []MonthTotal `json:"history"` // this month first, then the months before it the rules look at
	Closed    bool         `json:"closed"`  // frozen when the month was closed
}

// sources are the raw figures of a span of months for a scheme's inputs.
type sources struct {
	metrics    map[Month]map[int64]map[string]report.Value
	complaints map[Month]map[int64]ComplaintFigures
	qa         map[Month]map[string]qaFigure
	manual     map[entryKey]*Entry
}

type qaFigure struct {
	ok   bool // QA has results for the month
	vals map[int64]float64
}

// uses reports whether any input of the definition has a source of kind.
func (d *Definition) uses(kind string) bool {
	for _, k := range d.Inputs() {
		if src, _ := d.source(k); src.Kind == kind {
			return true
		}
	}
	return false
}

// gather reads the figures of months [from, to] for the scheme's inputs:
// one report per agent and month, the complaints and QA figures of each
// month, and the scheme's manual entries.
func (s *Service) gather(ctx context.Context, schemeID int64, def *Definition, from, to Month, loc *time.Location,
	ids []int64) (*sources, error) {
	so := &sources{metrics: map[Month]map[int64]map[string]report.Value{}, complaints: map[Month]map[int64]ComplaintFigures{},
		qa: map[Month]map[string]qaFigure{}}
	if def.uses(SourceMetric) {
		if err := s.gatherMetrics(ctx, so, from, to, loc); err != nil {
			return nil, err
		}
	}
	for m := from; m <= to; m = m.Add(1) {
		if def.uses(SourceComplaints) {
			f, err := s.Complaints.AgentMonth(ctx, m.Start(loc))
			if err != nil {
				return nil, fmt.Errorf("appraisal: complaints of %s: %w", m, err)
			}
			so.complaints[m] = f
		}
		so.qa[m] = map[string]qaFigure{}
		for _, k := range def.Inputs() {
			src, _ := def.source(k)
			if src.Kind != SourceQA {
				continue
			}
			if _, done := so.qa[m][src.QA]; done {
				continue
			}
			vals, ok, err := s.QA.Figures(ctx, m, src.QA, ids)
			if err != nil {
				return nil, fmt.Errorf("appraisal: QA %s of %s: %w", src.QA, m, err)
			}
			so.qa[m][src.QA] = qaFigure{ok: ok, vals: vals}
		}
	}
	var err error
	so.manual, err = entries(ctx, s.DB, schemeID, from, to)
	return so, err
}

// gatherMetrics reads every agent's metrics per month of [from, to] in one
// report, as the system (the scheme's agents are picked afterwards).
func (s *Service) gatherMetrics(ctx context.Context, so *sources, from, to Month, loc *time.Location) error {
	res, err := s.Reports.Report(ctx, org.System(), report.Query{From: from.Start(loc), To: to.End(loc),
		Interval: report.IntMonth, GroupBy: report.GroupAgent})
	if err != nil {
		return fmt.Errorf("appraisal: report %s–%s: %w", from, to, err)
	}
	for _, row := range res.Rows {
		id, err := strconv.ParseInt(row.Group, 10, 64)
		if err != nil || id == 0 {
			continue
		}
		m := MonthOf(row.Start.In(loc))
		if so.metrics[m] == nil {
			so.metrics[m] = map[int64]map[string]report.Value{}
		}
		so.metrics[m][id] = row.Values
	}
	return nil
}

// raw is a source's value for an agent and month (manual sources have
// none: the entry is the value).
func (so *sources) raw(src Source, m Month, id int64) Raw {
	switch src.Kind {
	case SourceMetric:
		v, ok := so.metrics[m][id][src.Metric]
		switch {
		case !ok:
			return Raw{Note: NoteNoData}
		case !v.OK:
			return Raw{Note: orNote(v.Note, NoteNoData)}
		}
		return Raw{Value: &v.V}
	case SourceQA:
		q := so.qa[m][src.QA]
		if !q.ok {
			return Raw{Note: NoteNoQA}
		}
		if v, ok := q.vals[id]; ok {
			return Raw{Value: &v}
		}
		return Raw{Note: NoteNoData}
	case SourceComplaints:
		f := so.complaints[m][id]
		v := map[string]float64{ComplaintsLiable: float64(f.Liable), ComplaintsAll: float64(f.All),
			ComplaintsSerious: float64(f.Serious), ComplaintsPenalty: f.Penalty}[src.Complaints]
		return Raw{Value: &v}
	}
	return Raw{}
}

func orNote(n, def string) string {
	if n == "" {
		return def
	}
	return n
}

// scoreMonth scores one agent's month from the gathered figures.
func (so *sources) scoreMonth(def *Definition, m Month, id int64) Scored {
	raws := map[string]Raw{}
	for _, k := range def.Inputs() {
		src, _ := def.source(k)
		raws[k] = resolve(src, so.raw(src, m, id), so.manual[entryKey{id, m, k}])
	}
	return def.Score(raws)
}

// compute appraises the agents for month m under the scheme's current
// version. The rules' history — needed only for agents the month gives a
// score, since flags need one — takes each earlier month's total from a
// closed month when there is one (in any scheme), else computes it live
// under this version; months the agent was not employed have no total.
func (s *Service) compute(ctx context.Context, sc *Scheme, m Month, agents []agent, loc *time.Location) ([]Appraisal, error) {
	def := &sc.Definition
	out := []Appraisal{}
	if len(agents) == 0 {
		return out, nil
	}
	cur, err := s.gather(ctx, sc.ID, def, m, m, loc, ids(agents))
	if err != nil {
		return nil, err
	}
	var scored []agent
	for _, x := range agents {
		ap := Appraisal{AgentID: x.ID, Username: x.Username, Name: x.Name, TeamID: x.TeamID, DepartmentID: x.DeptID,
			SchemeID: sc.ID, SchemeName: sc.Name, Version: sc.Version, Month: m, Scored: cur.scoreMonth(def, m, x.ID),
			Probation: ProbationIn(x.Hired, def.ProbationMonths, m), Flags: []Flag{}}
		ap.History = []MonthTotal{{Month: m, Total: ap.Total}}
		if ap.Total != nil {
			scored = append(scored, x)
		}
		out = append(out, ap)
	}
	from := m.Add(1 - def.window())
	if len(scored) == 0 || len(def.Rules) == 0 {
		return out, nil
	}
	frozen, err := frozenTotals(ctx, s.DB, from, m)
	if err != nil {
		return nil, err
	}
	var past *sources
	if from < m {
		if past, err = s.gather(ctx, sc.ID, def, from, m.Add(-1), loc, ids(scored)); err != nil {
			return nil, err
		}
	}
	for i := range out {
		ap := &out[i]
		if ap.Total == nil {
			continue
		}
		x := agents[i]
		for p := m.Add(-1); p >= from; p = p.Add(-1) {
			ap.History = append(ap.History, past.past(def, frozen, x, p, loc))
		}
		if f := def.Flags(ap.History, ap.Probation); f != nil {
			ap.Flags = f
		}
	}
	return out, nil
}

func ids(agents []agent) []int64 {
	out := make([]int64, len(agents))
	for i, x := range agents {
		out[i] = x.ID
	}
	return out
}

// past is an agent's total of an earlier month for the rules.
func (so *sources) past(def *Definition, frozen map[int64]map[Month]MonthTotal, x agent, p Month, loc *time.Location) MonthTotal {
	if t, ok := frozen[x.ID][p]; ok {
		return t
	}
	if !x.employed(p, loc) {
		return MonthTotal{Month: p}
	}
	return MonthTotal{Month: p, Total: so.scoreMonth(def, p, x.ID).Total}
}
