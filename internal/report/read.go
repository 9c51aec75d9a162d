package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// crow is calls of one bucket (or day) and group value.
type crow struct {
	bucket int64
	group  string
	s      CallSums
}

// arow is one agent's time in one bucket (or day), or a team's or
// department's at those levels (agent 0; units already counted).
type arow struct {
	lvl                       string
	bucket, agent, team, dept int64
	s                         AgentSums
	reasons                   map[string]int64
}

var (
	callScope = org.Columns{Owner: "agent_id", Team: "team_id", Department: "department_id"}
	dimScope  = org.Columns{Team: "team_id", Department: "department_id"}
)

// scopeCols are the scope columns of a rollup read. Only an actor who sees
// their own figures is matched by owner: for the wider scopes the team and
// department decide, at every level alike (the team and department rows
// have no owner).
func scopeCols(c org.Columns, sc org.Scope) org.Columns {
	if sc.Kind != org.ScopeOwn {
		c.Owner = ""
	}
	return c
}

// owner is the owner a computed row is matched by, as scopeCols does.
func owner(agent int64, sc org.Scope) int64 {
	if sc.Kind != org.ScopeOwn {
		return 0
	}
	return agent
}

// callLevel is the coarsest rollup level a query of calls can read.
func callLevel(qu Query, sc org.Scope) string {
	switch {
	case qu.GroupBy == GroupAgent || len(qu.AgentIDs) > 0 || sc.Kind == org.ScopeOwn:
		return lvlAgent
	case qu.GroupBy == GroupTeam || len(qu.TeamIDs) > 0 || sc.Kind == org.ScopeTeam:
		return lvlTeam
	}
	return lvlDept
}

// dimLevel is callLevel for the dimension rollups (never per agent).
func dimLevel(qu Query, sc org.Scope) string {
	if len(qu.TeamIDs) > 0 || sc.Kind == org.ScopeTeam {
		return lvlTeam
	}
	return lvlDept
}

// agentLevel is the coarsest level of agents' time a query can read from
// a granularity: a report by day or longer counts agent-days, which the
// team rows of 15-minute buckets cannot tell, so it reads those per agent.
func agentLevel(qu Query, sc org.Scope, gran string) string {
	if gran == "15m" && qu.Interval.daily() {
		return lvlAgent
	}
	return callLevel(qu, sc)
}

// where builds the bucket, filter and scope conditions of a rollup read.
type where struct {
	args  store.Args
	conds []string
}

func (w *where) add(c string) { w.conds = append(w.conds, c) }

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

// buckets restricts to the spans, leaving out the buckets given.
func (w *where) buckets(spans []span, except []int64) {
	var or []string
	for _, s := range spans {
		or = append(or, "(bucket >= "+w.args.Add(s.from)+" AND bucket < "+w.args.Add(s.to)+")")
	}
	w.add("(" + strings.Join(or, " OR ") + ")")
	if len(except) > 0 {
		w.add("bucket NOT IN " + w.args.In(except...))
	}
}

func (w *where) ids(col string, ids []int64) {
	if len(ids) > 0 {
		w.add(col + " IN " + w.args.In(ids...))
	}
}

// groupExpr is the SQL of a grouping on the calls rollups.
func groupExpr(g GroupBy) string {
	switch g {
	case GroupQueue:
		return "queue"
	case GroupAgent:
		return "CAST(agent_id AS TEXT)"
	case GroupTeam:
		return "CAST(team_id AS TEXT)"
	case GroupDepartment:
		return "CAST(department_id AS TEXT)"
	case GroupDirection:
		return "direction"
	case GroupNumber, GroupCampaign, GroupSource, GroupLevel:
		return "value"
	}
	return "''"
}

// readCalls reads call rollups of a granularity ("15m" or "day").
func readCalls(ctx context.Context, q store.Querier, gran string, qu Query, sc org.Scope, spans []span, except []int64) ([]crow, error) {
	if len(spans) == 0 {
		return nil, nil
	}
	var w where
	table := "rep_calls_" + gran
	cols := callScope
	if qu.GroupBy.isDim() {
		table = "rep_dims_" + gran
		cols = dimScope
		w.add("lvl = " + w.args.Add(dimLevel(qu, sc)))
		w.add("dim = " + w.args.Add(string(qu.GroupBy)))
	} else {
		w.add("lvl = " + w.args.Add(callLevel(qu, sc)))
		if len(qu.Queues) > 0 {
			w.add("queue IN " + w.args.InText(qu.Queues...))
		}
		w.ids("agent_id", qu.AgentIDs)
	}
	w.buckets(spans, except)
	w.ids("team_id", qu.TeamIDs)
	w.ids("department_id", qu.DepartmentIDs)
	if qu.Direction != "" {
		w.add("direction = " + w.args.Add(qu.Direction))
	}
	w.add(sc.Filter(scopeCols(cols, sc), &w.args))
	g, b, by := groupExpr(qu.GroupBy), "bucket", "bucket"
	switch {
	case wholePeriod(qu):
		// One row per group, the period added up here rather than sent
		// per bucket (a month by agent is 180,000 rows of agent-days at
		// 6,000 agents); bucket 0, as the row starts at the period's start.
		b, by = "0", g
	case qu.GroupBy != GroupNone:
		by += ", " + g
	}
	query := `SELECT ` + b + `, ` + g + `, ` + callAggs().exprs + ` FROM ` + table + ` WHERE ` + w.sql() + ` GROUP BY ` + by
	rows, err := q.QueryContext(ctx, query, w.args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("report: read %s: %w", table, err)
	}
	defer rows.Close()
	var out []crow
	for rows.Next() {
		var r crow
		dst := []any{&r.bucket, &r.group}
		for _, f := range r.s.fields() {
			dst = append(dst, f)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// readAgents reads agent rollups of a granularity, one row per agent and
// bucket, with the not-ready time per reason.
func readAgents(ctx context.Context, q store.Querier, gran string, qu Query, sc org.Scope, spans []span, except []int64) ([]arow, error) {
	if len(spans) == 0 {
		return nil, nil
	}
	var w where
	lvl := agentLevel(qu, sc, gran)
	w.add("lvl = " + w.args.Add(lvl))
	w.buckets(spans, except)
	w.ids("agent_id", qu.AgentIDs)
	w.ids("team_id", qu.TeamIDs)
	w.ids("department_id", qu.DepartmentIDs)
	w.add(sc.Filter(scopeCols(callScope, sc), &w.args))
	cols, bucket, group := strings.Join(agentCols, ", "), "bucket", ""
	if lvl == lvlAgent && gran == "day" && wholePeriod(qu) {
		// Agent-days summed here, each counted as a unit (AgentSums.unit),
		// rather than sent one by one; the rows are then as a team's are.
		cols, bucket, group = summedAgentCols(), "0", " GROUP BY agent_id, team_id, department_id"
		lvl = lvlSummed
	}
	rows, err := q.QueryContext(ctx, `SELECT `+bucket+`, agent_id, team_id, department_id, `+cols+
		` FROM rep_agents_`+gran+` WHERE `+w.sql()+group, w.args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("report: read agents: %w", err)
	}
	var out []arow
	index := map[[4]int64]int{}
	for rows.Next() {
		r := arow{lvl: lvl}
		dst := []any{&r.bucket, &r.agent, &r.team, &r.dept}
		for _, f := range r.s.fields() {
			dst = append(dst, f)
		}
		if err := rows.Scan(dst...); err != nil {
			rows.Close()
			return nil, err
		}
		index[[4]int64{r.bucket, r.agent, r.team, r.dept}] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rcols, rgroup := "bucket, agent_id, team_id, department_id, reason, ms", ""
	if lvl == lvlSummed {
		rcols, rgroup = "0, agent_id, team_id, department_id, reason, SUM(ms)", " GROUP BY agent_id, team_id, department_id, reason"
	}
	rrows, err := q.QueryContext(ctx, `SELECT `+rcols+` FROM rep_reasons_`+gran+` WHERE `+w.sql()+rgroup, w.args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("report: read reasons: %w", err)
	}
	defer rrows.Close()
	for rrows.Next() {
		var k [4]int64
		var reason string
		var ms int64
		if err := rrows.Scan(&k[0], &k[1], &k[2], &k[3], &reason, &ms); err != nil {
			return nil, err
		}
		if i, ok := index[k]; ok {
			if out[i].reasons == nil {
				out[i].reasons = map[string]int64{}
			}
			out[i].reasons[reason] += ms
		}
	}
	return out, rrows.Err()
}

// wholePeriod reports whether a report is one row per group over its whole
// period, which the database can add up.
func wholePeriod(qu Query) bool { return qu.Interval == IntTotal && qu.GroupBy != GroupNone }

// lvlSummed marks agents' rows summed over the period by the database
// (bucket 0), units already counted.
const lvlSummed = "summed"

// summedAgentCols are agentCols summed over agent-day rows, each row with
// scheduled time a scheduled unit and, attended too, an attended one.
func summedAgentCols() string {
	ex := make([]string, 0, len(agentCols))
	for _, c := range agentCols {
		switch c {
		case "sched_units":
			ex = append(ex, "SUM(CASE WHEN scheduled_ms > 0 THEN 1 ELSE 0 END)")
		case "attend_units":
			ex = append(ex, "SUM(CASE WHEN scheduled_ms > 0 AND attended_ms > 0 THEN 1 ELSE 0 END)")
		default:
			ex = append(ex, "SUM("+c+")")
		}
	}
	return strings.Join(ex, ", ")
}

// keyGroup is the group value of a rollup row, for rows computed in Go.
func keyGroup(g GroupBy, k callKey) string {
	switch g {
	case GroupQueue:
		return k.queue
	case GroupAgent:
		return strconv.FormatInt(k.agent, 10)
	case GroupTeam:
		return strconv.FormatInt(k.team, 10)
	case GroupDepartment:
		return strconv.FormatInt(k.dept, 10)
	case GroupDirection:
		return k.direction
	}
	return ""
}

func hasID(ids []int64, id int64) bool { return len(ids) == 0 || known(ids, id) }

// keep reports whether a computed calls row passes the query's filters and
// the scope, as readCalls's SQL would.
func (qu Query) keep(k callKey, sc org.Scope) bool {
	return (len(qu.Queues) == 0 || known(qu.Queues, k.queue)) && hasID(qu.AgentIDs, k.agent) && hasID(qu.TeamIDs, k.team) &&
		hasID(qu.DepartmentIDs, k.dept) && (qu.Direction == "" || qu.Direction == k.direction) && sc.Allows(owner(k.agent, sc), k.team, k.dept)
}

func (qu Query) keepDim(k dimKey, sc org.Scope) bool {
	return k.dim == string(qu.GroupBy) && hasID(qu.TeamIDs, k.team) && hasID(qu.DepartmentIDs, k.dept) &&
		(qu.Direction == "" || qu.Direction == k.direction) && sc.Allows(0, k.team, k.dept)
}

// rawCalls computes the calls of the buckets given from the records, as the
// rollups would hold them.
func (e *Engine) rawCalls(ctx context.Context, q store.Querier, qu Query, sc org.Scope, buckets []int64, s Settings,
	lim map[string]limits) ([]crow, error) {
	var out []crow
	for _, r := range bucketRuns(buckets) {
		facts, err := loadFacts(ctx, q, time.UnixMilli(r.from), time.UnixMilli(r.to), s.fcrWindow())
		if err != nil {
			return nil, err
		}
		rl := fold(facts, limitsFor(s, lim))
		if qu.GroupBy.isDim() {
			for k, v := range rl.dims {
				if qu.keepDim(k, sc) {
					out = append(out, crow{k.bucket, k.value, *v})
				}
			}
			continue
		}
		for k, v := range rl.calls {
			if qu.keep(k, sc) {
				out = append(out, crow{k.bucket, keyGroup(qu.GroupBy, k), *v})
			}
		}
	}
	return out, nil
}

// rawAgents computes agents' time of the buckets given from the records.
func (e *Engine) rawAgents(ctx context.Context, q store.Querier, qu Query, sc org.Scope, buckets []int64) ([]arow, error) {
	var out []arow
	for _, r := range bucketRuns(buckets) {
		rows, err := loadAgentTime(ctx, q, time.UnixMilli(r.from), time.UnixMilli(r.to), e.now())
		if err != nil {
			return nil, err
		}
		for k, v := range rows {
			if hasID(qu.AgentIDs, k.agent) && hasID(qu.TeamIDs, v.team) && hasID(qu.DepartmentIDs, v.dept) &&
				sc.Allows(owner(k.agent, sc), v.team, v.dept) {
				out = append(out, arow{lvlAgent, k.bucket, k.agent, v.team, v.dept, v.sums, v.reasons})
			}
		}
	}
	return out, nil
}
