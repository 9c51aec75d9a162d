package report

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
)

// Levels of the rollups: per agent, per team (agent 0), per department
// (agent and team 0).
const (
	lvlAgent = "a"
	lvlTeam  = "t"
	lvlDept  = "d"
)

// callKey is a row of rep_calls_*: a bucket's calls of one queue, direction
// and agent (with the team and department that are its data scope), or of
// a team or department at those levels.
type callKey struct {
	bucket           int64
	lvl              string
	queue, direction string
	agent, team      int64
	dept             int64
}

// up is the key one level up (agent → team → department).
func (k callKey) up() callKey {
	switch k.lvl {
	case lvlAgent:
		k.lvl, k.agent = lvlTeam, 0
	default:
		k.lvl, k.agent, k.team = lvlDept, 0, 0
	}
	return k
}

// dimKey is a row of rep_dims_*: a bucket's calls by one more dimension,
// per team or per department.
type dimKey struct {
	bucket                int64
	lvl                   string
	dim, value, direction string
	team, dept            int64
}

// The dimensions rep_dims keeps.
var dims = []GroupBy{GroupNumber, GroupCampaign, GroupSource, GroupLevel}

func dimValue(f callFacts, d GroupBy) string {
	switch d {
	case GroupNumber:
		return f.cdr.Number
	case GroupCampaign:
		if f.campaign == 0 {
			return ""
		}
		return strconv.FormatInt(f.campaign, 10)
	case GroupSource:
		return f.source
	case GroupLevel:
		return f.level
	}
	return ""
}

// rolled is the rollup rows of some buckets.
type rolled struct {
	calls map[callKey]*CallSums
	dims  map[dimKey]*CallSums
}

// fold adds calls into rollup rows: each CDR under its own row, each leg
// under its agent's.
func fold(facts []callFacts, lim func(queue string) limits) rolled {
	r := rolled{calls: map[callKey]*CallSums{}, dims: map[dimKey]*CallSums{}}
	add := func(k callKey, s CallSums) {
		if r.calls[k] == nil {
			r.calls[k] = &CallSums{}
		}
		r.calls[k].Add(s)
	}
	addDims := func(f callFacts, b int64, team, dept int64, s CallSums) {
		for _, d := range dims {
			k := dimKey{b, lvlTeam, string(d), dimValue(f, d), f.cdr.Direction, team, dept}
			if r.dims[k] == nil {
				r.dims[k] = &CallSums{}
			}
			r.dims[k].Add(s)
		}
	}
	for _, f := range facts {
		c := f.cdr
		b := BucketOf(c.StartedAt)
		s := classifyCall(c, f.repeated, f.scale, lim(c.Queue))
		add(callKey{b, lvlAgent, c.Queue, c.Direction, c.AgentID, c.TeamID, c.DepartmentID}, s)
		addDims(f, b, c.TeamID, c.DepartmentID, s)
		for _, l := range f.legs {
			ls := classifyLeg(l)
			add(callKey{b, lvlAgent, l.Queue, c.Direction, l.AgentID, l.TeamID, l.DepartmentID}, ls)
			addDims(f, b, l.TeamID, l.DepartmentID, ls)
		}
	}
	return r
}

// withLevels adds the team and department rows to agent rows (and the
// department rows to team rows of dimensions).
func (r rolled) withLevels() rolled {
	out := rolled{calls: map[callKey]*CallSums{}, dims: map[dimKey]*CallSums{}}
	for k, v := range r.calls {
		for _, key := range []callKey{k, k.up(), k.up().up()} {
			if out.calls[key] == nil {
				out.calls[key] = &CallSums{}
			}
			out.calls[key].Add(*v)
		}
	}
	for k, v := range r.dims {
		d := k
		d.lvl, d.team = lvlDept, 0
		for _, key := range []dimKey{k, d} {
			if out.dims[key] == nil {
				out.dims[key] = &CallSums{}
			}
			out.dims[key].Add(*v)
		}
	}
	return out
}

// lockRollups serialises rollup writers across nodes (PostgreSQL; SQLite
// has one writer anyway).
func lockRollups(ctx context.Context, db *store.DB, tx *sql.Tx) error {
	if db.Dialect != store.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7419)`)
	return err
}

// gen is a dirty bucket and the generation of its mark when read.
type gen struct{ bucket, gen int64 }

// writeCalls replaces the 15-minute call rollups of [from, to) with r,
// marks their days for re-aggregation and clears the dirty marks that did
// not move on meanwhile.
func writeCalls(ctx context.Context, db *store.DB, from, to int64, r rolled, done []gen, loc *time.Location) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockRollups(ctx, db, tx); err != nil {
			return err
		}
		for _, t := range []string{"rep_calls_15m", "rep_dims_15m"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE bucket >= $1 AND bucket < $2`, from, to); err != nil {
				return fmt.Errorf("report: clear %s: %w", t, err)
			}
		}
		r = r.withLevels()
		if err := insertCalls(ctx, db.Dialect, tx, "rep_calls_15m", r.calls); err != nil {
			return err
		}
		if err := insertDims(ctx, db.Dialect, tx, "rep_dims_15m", r.dims); err != nil {
			return err
		}
		for d := dayStart(from, loc); d < to; d = nextDay(d, loc) {
			if err := mark(ctx, tx, dirtyCallsDay, d); err != nil {
				return err
			}
		}
		return clearDirty(ctx, tx, DirtyCalls, done)
	})
}

func clearDirty(ctx context.Context, tx *sql.Tx, kind string, done []gen) error {
	for _, g := range done {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rep_dirty WHERE kind = $1 AND bucket = $2 AND gen = $3`, kind, g.bucket, g.gen); err != nil {
			return fmt.Errorf("report: clear dirty mark: %w", err)
		}
	}
	return nil
}

// insertRows writes rows with a multi-row INSERT, a few hundred at a time
// (SQLite allows 32,766 parameters per statement). SQLite gets "?"
// placeholders: it looks each "$N" up by name, which grows with the
// square of a statement's parameters.
func insertRows(ctx context.Context, d store.Dialect, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	per := max(1, 20000/len(cols))
	for len(rows) > 0 {
		n := min(len(rows), per)
		var args []any
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		for i, row := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for j, v := range row {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, v)
				if d == store.SQLite {
					b.WriteString("?")
				} else {
					b.WriteString("$" + strconv.Itoa(len(args)))
				}
			}
			b.WriteString(")")
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("report: write %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

func sumsRow(prefix []any, s *CallSums) []any {
	row := prefix
	for _, f := range s.fields() {
		row = append(row, *f)
	}
	return row
}

func insertCalls(ctx context.Context, d store.Dialect, tx *sql.Tx, table string, rows map[callKey]*CallSums) error {
	cols := append([]string{"bucket", "lvl", "queue", "direction", "agent_id", "team_id", "department_id"}, callCols...)
	var out [][]any
	for k, s := range rows {
		out = append(out, sumsRow([]any{k.bucket, k.lvl, k.queue, k.direction, k.agent, k.team, k.dept}, s))
	}
	return insertRows(ctx, d, tx, table, cols, out)
}

func insertDims(ctx context.Context, d store.Dialect, tx *sql.Tx, table string, rows map[dimKey]*CallSums) error {
	cols := append([]string{"bucket", "lvl", "dim", "value", "direction", "team_id", "department_id"}, callCols...)
	var out [][]any
	for k, s := range rows {
		out = append(out, sumsRow([]any{k.bucket, k.lvl, k.dim, k.value, k.direction, k.team, k.dept}, s))
	}
	return insertRows(ctx, d, tx, table, cols, out)
}

// writeAgents replaces the 15-minute agent rollups of [from, to).
func writeAgents(ctx context.Context, db *store.DB, from, to int64, rows map[agentKey]*agentRow, done []gen, loc *time.Location) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockRollups(ctx, db, tx); err != nil {
			return err
		}
		for _, t := range []string{"rep_agents_15m", "rep_reasons_15m"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE bucket >= $1 AND bucket < $2`, from, to); err != nil {
				return fmt.Errorf("report: clear %s: %w", t, err)
			}
		}
		cols := append([]string{"bucket", "lvl", "agent_id", "team_id", "department_id"}, agentCols...)
		rcols := []string{"bucket", "lvl", "agent_id", "team_id", "department_id", "reason", "ms"}
		var out, reasons [][]any
		for k, r := range agentLevels(rows) {
			row := []any{k.bucket, k.lvl, k.agent, k.team, k.dept}
			for _, f := range r.sums.fields() {
				row = append(row, *f)
			}
			out = append(out, row)
			for reason, ms := range r.reasons {
				reasons = append(reasons, []any{k.bucket, k.lvl, k.agent, k.team, k.dept, reason, ms})
			}
		}
		if err := insertRows(ctx, db.Dialect, tx, "rep_agents_15m", cols, out); err != nil {
			return err
		}
		if err := insertRows(ctx, db.Dialect, tx, "rep_reasons_15m", rcols, reasons); err != nil {
			return err
		}
		for d := dayStart(from, loc); d < to; d = nextDay(d, loc) {
			if err := mark(ctx, tx, dirtyAgentsDay, d); err != nil {
				return err
			}
		}
		return clearDirty(ctx, tx, DirtyAgents, done)
	})
}

// agentRowKey is an agent rollup row at a level.
type agentRowKey struct {
	bucket            int64
	lvl               string
	agent, team, dept int64
}

// agentLevels adds each agent's team and department rows; their units
// count the agents' units (rows carry theirs already).
func agentLevels(rows map[agentKey]*agentRow) map[agentRowKey]*agentRow {
	out := map[agentRowKey]*agentRow{}
	add := func(k agentRowKey, r *agentRow) {
		x := out[k]
		if x == nil {
			x = &agentRow{team: k.team, dept: k.dept}
			out[k] = x
		}
		x.sums.Add(r.sums)
		for reason, ms := range r.reasons {
			if x.reasons == nil {
				x.reasons = map[string]int64{}
			}
			x.reasons[reason] += ms
		}
	}
	for k, r := range rows {
		add(agentRowKey{k.bucket, lvlAgent, k.agent, r.team, r.dept}, r)
		add(agentRowKey{k.bucket, lvlTeam, 0, r.team, r.dept}, r)
		add(agentRowKey{k.bucket, lvlDept, 0, 0, r.dept}, r)
	}
	return out
}

// aggregateDay rebuilds one local day's day rollups of a kind from its
// 15-minute rows.
func aggregateDay(ctx context.Context, db *store.DB, kind string, day gen, loc *time.Location) error {
	end := nextDay(day.bucket, loc)
	return db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockRollups(ctx, db, tx); err != nil {
			return err
		}
		if kind == dirtyCallsDay {
			for _, t := range []dayStmt{{"rep_calls", "lvl, queue, direction, agent_id, team_id, department_id", callAggs()},
				{"rep_dims", "lvl, dim, value, direction, team_id, department_id", callAggs()}} {
				if err := sumDay(ctx, tx, t, day.bucket, end); err != nil {
					return err
				}
			}
			return clearDirty(ctx, tx, kind, []gen{day})
		}
		if err := sumDay(ctx, tx, dayStmt{"rep_reasons", "lvl, agent_id, team_id, department_id, reason", sumAggs([]string{"ms"})},
			day.bucket, end); err != nil {
			return err
		}
		if err := agentsDay(ctx, tx, day.bucket, end); err != nil {
			return err
		}
		return clearDirty(ctx, tx, kind, []gen{day})
	})
}

// sumDay replaces a day's rows of a table with the sums of its buckets,
// level by level.
func sumDay(ctx context.Context, tx *sql.Tx, s dayStmt, day, end int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+s.table+`_day WHERE bucket = $1`, day); err != nil {
		return fmt.Errorf("report: clear %s_day: %w", s.table, err)
	}
	q := `INSERT INTO ` + s.table + `_day (bucket, ` + s.keys + `, ` + s.aggs.cols + `) SELECT $1, ` + s.keys + `, ` +
		s.aggs.exprs + ` FROM ` + s.table + `_15m WHERE bucket >= $1 AND bucket < $2 GROUP BY ` + s.keys
	if _, err := tx.ExecContext(ctx, q, day, end); err != nil {
		return fmt.Errorf("report: aggregate %s_day: %w", s.table, err)
	}
	return nil
}

// agentsDay rebuilds a day's agent rows: per agent from the buckets, its
// units counting the agent's day once; then the teams and departments
// from those, counting agent-days.
func agentsDay(ctx context.Context, tx *sql.Tx, day, end int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM rep_agents_day WHERE bucket = $1`, day); err != nil {
		return fmt.Errorf("report: clear rep_agents_day: %w", err)
	}
	ms := agentCols[:len(agentCols)-2]
	sums := sumAggs(ms)
	cols := strings.Join(agentCols, ", ")
	if _, err := tx.ExecContext(ctx, `INSERT INTO rep_agents_day (bucket, lvl, agent_id, team_id, department_id, `+cols+`)
		SELECT $1, 'a', agent_id, team_id, department_id, `+sums.exprs+`,
		CASE WHEN SUM(scheduled_ms) > 0 THEN 1 ELSE 0 END, CASE WHEN SUM(scheduled_ms) > 0 AND SUM(attended_ms) > 0 THEN 1 ELSE 0 END
		FROM rep_agents_15m WHERE lvl = 'a' AND bucket >= $1 AND bucket < $2 GROUP BY agent_id, team_id, department_id`, day, end); err != nil {
		return fmt.Errorf("report: aggregate rep_agents_day: %w", err)
	}
	all := sumAggs(agentCols)
	for _, lv := range []struct{ lvl, team, group string }{{lvlTeam, "team_id", "team_id, department_id"}, {lvlDept, "0", "department_id"}} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rep_agents_day (bucket, lvl, agent_id, team_id, department_id, `+cols+`)
			SELECT $1, '`+lv.lvl+`', 0, `+lv.team+`, department_id, `+all.exprs+` FROM rep_agents_day
			WHERE bucket = $1 AND lvl = 'a' GROUP BY `+lv.group, day); err != nil {
			return fmt.Errorf("report: aggregate rep_agents_day: %w", err)
		}
	}
	return nil
}

type dayStmt struct {
	table, keys string
	aggs        aggs
}

// aggs is a column list and its aggregate expressions.
type aggs struct{ cols, exprs string }

func sumAggs(cols []string) aggs {
	ex := make([]string, len(cols))
	for i, c := range cols {
		ex[i] = "SUM(" + c + ")"
	}
	return aggs{strings.Join(cols, ", "), strings.Join(ex, ", ")}
}

func callAggs() aggs {
	ex := make([]string, len(callCols))
	for i, c := range callCols {
		if c == maxCol {
			ex[i] = "MAX(" + c + ")"
		} else {
			ex[i] = "SUM(" + c + ")"
		}
	}
	return aggs{strings.Join(callCols, ", "), strings.Join(ex, ", ")}
}

// dayStart returns the local midnight starting the day holding ms.
func dayStart(ms int64, loc *time.Location) int64 {
	t := time.UnixMilli(ms).In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).UnixMilli()
}

// nextDay returns the local midnight after the day starting at ms.
func nextDay(ms int64, loc *time.Location) int64 {
	t := time.UnixMilli(ms).In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc).UnixMilli()
}
