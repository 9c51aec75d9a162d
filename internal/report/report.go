package report

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
)

// Row is one line of a report: an interval (or, by hour of day, an hour)
// and a group, with every metric's value and the sums they come from.
type Row struct {
	Start   time.Time        `json:"start"`
	End     time.Time        `json:"end"`
	Hour    *int             `json:"hour,omitempty"` // hour_of_day rows: 0–23
	Group   string           `json:"group"`
	Label   string           `json:"label"`
	Values  map[string]Value `json:"values"`
	Calls   CallSums         `json:"calls"`
	Agents  AgentSums        `json:"agents"`
	Reasons map[string]int64 `json:"reasons,omitempty"` // not-ready time per reason (ms)
}

// Result is a report.
type Result struct {
	Query       Query           `json:"query"`
	Settings    Settings        `json:"settings"`
	VariantEn   string          `json:"variant_en"`
	VariantZh   string          `json:"variant_zh"`
	Targets     map[string]Band `json:"targets"`
	Rows        []Row           `json:"rows"`         // per interval and group, in time order
	Groups      []Row           `json:"groups"`       // per group over the whole period (when grouped)
	Total       Row             `json:"total"`        // the whole period, everything in scope
	Stale       bool            `json:"stale"`        // rollups are being recomputed; some figures are older
	FromRecords bool            `json:"from_records"` // computed from the records (customer filters)
	Generated   time.Time       `json:"generated"`
}

type rowKey struct {
	start int64
	group string
}

type acc struct {
	calls   CallSums
	agents  AgentSums
	reasons map[string]int64
}

func (x *acc) addReasons(rs map[string]int64) {
	for k, v := range rs {
		if x.reasons == nil {
			x.reasons = map[string]int64{}
		}
		x.reasons[k] += v
	}
}

// Report computes a report for the actor, in their data scope.
func (e *Engine) Report(ctx context.Context, a *org.Actor, qu Query) (*Result, error) {
	if err := qu.normalize(); err != nil {
		return nil, err
	}
	// Calls written since the worker last looked count at once.
	if err := e.drain(ctx); err != nil {
		return nil, err
	}
	s, lim, err := e.config(ctx)
	if err != nil {
		return nil, err
	}
	loc := s.Location()
	sc := a.Scope
	res := &Result{Query: qu, Settings: s, Generated: e.now().UTC(), Targets: map[string]Band{}}
	res.VariantEn, res.VariantZh = s.Variant()
	for _, m := range Metrics {
		res.Targets[m.Key] = m.Target(s)
	}
	accs := map[rowKey]*acc{}
	get := func(k rowKey) *acc {
		if accs[k] == nil {
			accs[k] = &acc{}
		}
		return accs[k]
	}
	addCalls := func(rs []crow) {
		for _, r := range rs {
			start, _ := qu.intervalOf(r.bucket, loc)
			get(rowKey{start, r.group}).calls.Add(r.s)
		}
	}
	hasAgents := qu.GroupBy.hasAgents() && len(qu.Queues) == 0 && qu.Direction == "" && !qu.needsCustomers()
	if qu.recordsOnly(sc) {
		res.FromRecords = true
		rs, err := e.recordCalls(ctx, e.DB, qu, sc, s, lim)
		if err != nil {
			return nil, err
		}
		addCalls(rs)
	} else {
		p, err := makePlan(ctx, e.DB, qu, loc, e.now())
		if err != nil {
			return nil, err
		}
		res.Stale = p.stale
		if err := e.gatherCalls(ctx, qu, sc, p, s, lim, loc, addCalls); err != nil {
			return nil, err
		}
		if hasAgents {
			ars, err := e.gatherAgents(ctx, qu, sc, p, loc)
			if err != nil {
				return nil, err
			}
			addAgents(ars, qu, loc, get)
		}
	}
	cin, err := e.centerInputs(ctx, a, qu, loc)
	if err != nil {
		return nil, err
	}
	e.assemble(res, accs, hasAgents, cin, s, loc)
	if err := e.label(ctx, res); err != nil {
		return nil, err
	}
	return res, nil
}

func (e *Engine) gatherCalls(ctx context.Context, qu Query, sc org.Scope, p plan, s Settings, lim map[string]limits,
	loc *time.Location, add func([]crow)) error {
	days, err := readCalls(ctx, e.DB, "day", qu, sc, daySpans(p.callDays, loc), nil)
	if err != nil {
		return err
	}
	add(days)
	fine, err := readCalls(ctx, e.DB, "15m", qu, sc, outside(qu, p.callDays, loc), p.callRaw)
	if err != nil {
		return err
	}
	add(fine)
	raw, err := e.rawCalls(ctx, e.DB, qu, sc, p.callRaw, s, lim)
	if err != nil {
		return err
	}
	add(raw)
	return nil
}

func (e *Engine) gatherAgents(ctx context.Context, qu Query, sc org.Scope, p plan, loc *time.Location) ([]arow, error) {
	days, err := readAgents(ctx, e.DB, "day", qu, sc, daySpans(p.agentDays, loc), nil)
	if err != nil {
		return nil, err
	}
	fine, err := readAgents(ctx, e.DB, "15m", qu, sc, outside(qu, p.agentDays, loc), p.agentRaw)
	if err != nil {
		return nil, err
	}
	raw, err := e.rawAgents(ctx, e.DB, qu, sc, p.agentRaw)
	if err != nil {
		return nil, err
	}
	return append(append(days, fine...), raw...), nil
}

func daySpans(days []int64, loc *time.Location) []span {
	out := make([]span, len(days))
	for i, d := range days {
		out[i] = span{d, nextDay(d, loc)}
	}
	return out
}

// outside returns the query's period minus the given days.
func outside(qu Query, days []int64, loc *time.Location) []span {
	from, to := qu.From.UnixMilli(), qu.To.UnixMilli()
	var out []span
	at := from
	for _, d := range days {
		if d > at {
			out = append(out, span{at, d})
		}
		at = nextDay(d, loc)
	}
	if at < to {
		out = append(out, span{at, to})
	}
	return out
}

// addAgents adds agents' time to the rows. Attendance counts units — an
// agent's day for rows of a day or longer, an agent's quarter hour below —
// so each unit is summed first, then counted.
func addAgents(rs []arow, qu Query, loc *time.Location, get func(rowKey) *acc) {
	type unitKey struct{ unit, agent, team, dept int64 }
	units := map[unitKey]*acc{}
	for _, r := range rs {
		if r.lvl != lvlAgent { // a team's or department's row: its units are counted
			start, _ := qu.intervalOf(max(r.bucket, qu.From.UnixMilli()), loc)
			row := get(rowKey{start, agentGroup(qu.GroupBy, r.agent, r.team, r.dept)})
			row.agents.Add(r.s)
			row.addReasons(r.reasons)
			continue
		}
		u := r.bucket
		if qu.Interval.daily() {
			u = dayStart(r.bucket, loc)
		}
		k := unitKey{u, r.agent, r.team, r.dept}
		if units[k] == nil {
			units[k] = &acc{}
		}
		s := r.s
		s.SchedUnits, s.AttendUnits = 0, 0
		units[k].agents.Add(s)
		units[k].addReasons(r.reasons)
	}
	for k, x := range units {
		x.agents.unit()
		start, _ := qu.intervalOf(max(k.unit, qu.From.UnixMilli()), loc)
		row := get(rowKey{start, agentGroup(qu.GroupBy, k.agent, k.team, k.dept)})
		row.agents.Add(x.agents)
		row.addReasons(x.reasons)
	}
}

func agentGroup(g GroupBy, agent, team, dept int64) string {
	switch g {
	case GroupAgent:
		return strconv.FormatInt(agent, 10)
	case GroupTeam:
		return strconv.FormatInt(team, 10)
	case GroupDepartment:
		return strconv.FormatInt(dept, 10)
	}
	return ""
}

// assemble turns the sums into rows with values, per-group totals and the
// total.
func (e *Engine) assemble(res *Result, accs map[rowKey]*acc, hasAgents bool, cin *centerIn, s Settings, loc *time.Location) {
	qu := res.Query
	groups := map[string]*acc{}
	total := &acc{}
	for k, x := range accs {
		start, end := qu.intervalOf(k.start, loc)
		if qu.Interval == IntHourOfDay {
			start, end = k.start, k.start+1
		}
		row := e.row(qu, k.group, start, end, x, hasAgents, cin, s, loc)
		res.Rows = append(res.Rows, row)
		g := groups[k.group]
		if g == nil {
			g = &acc{}
			groups[k.group] = g
		}
		for _, dst := range []*acc{g, total} {
			dst.calls.Add(x.calls)
			dst.agents.Add(x.agents)
			dst.addReasons(x.reasons)
		}
	}
	sort.Slice(res.Rows, func(i, j int) bool {
		a, b := res.Rows[i], res.Rows[j]
		if a.Hour != nil && b.Hour != nil && *a.Hour != *b.Hour {
			return *a.Hour < *b.Hour
		}
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return a.Group < b.Group
	})
	whole := func(q Query, group string, x *acc) Row {
		q.Interval = IntTotal
		return e.row(q, group, qu.From.UnixMilli(), qu.To.UnixMilli(), x, hasAgents, cin, s, loc)
	}
	if qu.GroupBy != GroupNone {
		for g, x := range groups {
			res.Groups = append(res.Groups, whole(qu, g, x))
		}
		sort.Slice(res.Groups, func(i, j int) bool { return res.Groups[i].Group < res.Groups[j].Group })
	}
	// The total is everything in scope: its center-wide figures are the
	// center's (or the actor's departments'), whatever the grouping.
	tq := qu
	tq.GroupBy = GroupNone
	res.Total = whole(tq, "", total)
	if res.Rows == nil {
		res.Rows = []Row{}
	}
	if res.Groups == nil {
		res.Groups = []Row{}
	}
}

func (e *Engine) row(qu Query, group string, start, end int64, x *acc, hasAgents bool, cin *centerIn, s Settings, loc *time.Location) Row {
	r := Row{Group: group, Calls: x.calls, Agents: x.agents, Reasons: x.reasons}
	if qu.Interval == IntHourOfDay {
		h := int(start)
		r.Hour = &h
		r.Start, r.End = qu.From, qu.To
	} else {
		r.Start = time.UnixMilli(max(start, qu.From.UnixMilli())).UTC()
		r.End = time.UnixMilli(min(end, qu.To.UnixMilli())).UTC()
	}
	r.Values = compute(e.inputs(qu, group, r.Start.UnixMilli(), r.End.UnixMilli(), x, hasAgents, cin, s, loc), s)
	return r
}

func (e *Engine) inputs(qu Query, group string, start, end int64, x *acc, hasAgents bool, cin *centerIn, s Settings,
	loc *time.Location) inputs {
	in := inputs{calls: x.calls, agents: x.agents, hasAgents: hasAgents, span: time.Duration(end-start) * time.Millisecond,
		qa: nil}
	if qu.Interval == IntHourOfDay {
		days := qu.To.Sub(qu.From).Hours() / 24
		in.span = time.Duration(days * float64(time.Hour))
	}
	in.center = cin.figures(qu, group, start, end, loc)
	return in
}
