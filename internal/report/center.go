package report

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// centerIn holds what the center-wide figures of a report need: the cost
// entered per month and the agents' employment dates.
type centerIn struct {
	scope  org.Scope
	costs  map[string]map[int64]int64 // month (YYYY-MM) → department (0 = center) → amount in minor units
	agents []employed
}

// employed is an agent's employment: dates are local YYYY-MM-DD.
type employed struct {
	id, team, dept int64
	hired, left    string
}

// centerInputs loads the costs of the months the period touches and the
// agents in the actor's scope (users whose role sees only their own data:
// the front line).
func (e *Engine) centerInputs(ctx context.Context, a *org.Actor, qu Query, loc *time.Location) (*centerIn, error) {
	in := &centerIn{scope: a.Scope, costs: map[string]map[int64]int64{}}
	rows, err := e.DB.QueryContext(ctx, `SELECT month, department_id, amount FROM report_costs WHERE month >= $1 AND month <= $2`,
		qu.From.In(loc).Format("2006-01"), qu.To.Add(-time.Millisecond).In(loc).Format("2006-01"))
	if err != nil {
		return nil, fmt.Errorf("report: costs: %w", err)
	}
	for rows.Next() {
		var m string
		var d, amt int64
		if err := rows.Scan(&m, &d, &amt); err != nil {
			rows.Close()
			return nil, err
		}
		if in.costs[m] == nil {
			in.costs[m] = map[int64]int64{}
		}
		in.costs[m][d] = amt
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var args store.Args
	q := `SELECT u.id, COALESCE(u.team_id, 0), COALESCE(u.department_id, 0), COALESCE(u.hire_date, ''), COALESCE(u.leave_date, ''),
		u.created_at FROM users u JOIN roles r ON r.id = u.role_id WHERE r.data_scope = 'own' AND ` + a.Scope.Filter(org.UserColumns, &args)
	urows, err := e.DB.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("report: agents: %w", err)
	}
	defer urows.Close()
	for urows.Next() {
		var x employed
		var created int64
		if err := urows.Scan(&x.id, &x.team, &x.dept, &x.hired, &x.left, &created); err != nil {
			return nil, err
		}
		if x.hired == "" {
			x.hired = time.UnixMilli(created).In(loc).Format("2006-01-02")
		}
		in.agents = append(in.agents, x)
	}
	return in, urows.Err()
}

// figures returns a row's center-wide inputs, or nil when its grouping
// has none.
func (in *centerIn) figures(qu Query, group string, start, end int64, loc *time.Location) *center {
	filtered := len(qu.Queues) > 0 || len(qu.AgentIDs) > 0 || qu.Direction != "" || qu.needsCustomers()
	costs := !filtered && len(qu.TeamIDs) == 0 && (qu.GroupBy == GroupNone || qu.GroupBy == GroupDepartment)
	turnover := !filtered && qu.Interval.daily() && in.scope.Kind != org.ScopeOwn &&
		(qu.GroupBy == GroupNone || qu.GroupBy == GroupTeam || qu.GroupBy == GroupDepartment)
	if !costs && !turnover {
		return nil
	}
	c := &center{costApplies: costs, turnover: turnover}
	gid, _ := strconv.ParseInt(group, 10, 64)
	if costs {
		c.cost, c.costOK = in.cost(qu, gid, start, end, loc)
	}
	if turnover {
		in.headcount(c, qu, gid, start, end, loc)
	}
	return c
}

// cost is the row's share of the entered costs: per month, prorated by
// the time the row covers of it.
func (in *centerIn) cost(qu Query, dept, start, end int64, loc *time.Location) (float64, bool) {
	var total float64
	ok := false
	t := time.UnixMilli(start).In(loc)
	for m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc); m.UnixMilli() < end; m = m.AddDate(0, 1, 0) {
		byDept := in.costs[m.Format("2006-01")]
		amt, found := in.monthCost(qu, dept, byDept)
		if !found {
			continue
		}
		ok = true
		m0, m1 := m.UnixMilli(), m.AddDate(0, 1, 0).UnixMilli()
		share := float64(min(end, m1)-max(start, m0)) / float64(m1-m0)
		total += float64(amt) / 100 * share
	}
	return total, ok
}

// monthCost is one month's cost of a row: the department's entry for a
// department row; for the center, its own entry, or else the sum of the
// departments' — limited to the actor's departments when their scope is.
func (in *centerIn) monthCost(qu Query, dept int64, byDept map[int64]int64) (int64, bool) {
	if byDept == nil {
		return 0, false
	}
	if qu.GroupBy == GroupDepartment {
		if dept == 0 {
			return 0, false // the calls of no department are no department's cost
		}
		amt, ok := byDept[dept]
		return amt, ok
	}
	sc := in.scope
	if sc.Kind == org.ScopeAll && len(qu.DepartmentIDs) == 0 {
		if amt, ok := byDept[0]; ok {
			return amt, true
		}
	}
	var sum int64
	found := false
	for d, amt := range byDept {
		if d == 0 || (len(qu.DepartmentIDs) > 0 && !known(qu.DepartmentIDs, d)) {
			continue
		}
		if sc.Kind != org.ScopeAll && !(sc.Kind == org.ScopeDepartment && known(sc.DeptIDs, d)) {
			continue
		}
		sum, found = sum+amt, true
	}
	return sum, found
}

// headcount counts the row's agents employed at its start and end, and
// those who left within it.
func (in *centerIn) headcount(c *center, qu Query, gid, start, end int64, loc *time.Location) {
	d0 := time.UnixMilli(start).In(loc).Format("2006-01-02")
	d1 := time.UnixMilli(end - 1).In(loc).Format("2006-01-02")
	for _, x := range in.agents {
		switch {
		case qu.GroupBy == GroupTeam && x.team != gid, qu.GroupBy == GroupDepartment && x.dept != gid:
			continue
		case len(qu.TeamIDs) > 0 && !known(qu.TeamIDs, x.team), len(qu.DepartmentIDs) > 0 && !known(qu.DepartmentIDs, x.dept):
			continue
		}
		if x.hired <= d0 && (x.left == "" || x.left >= d0) {
			c.headFrom++
		}
		if x.hired <= d1 && (x.left == "" || x.left > d1) {
			c.headTo++
		}
		if x.left != "" && x.left >= d0 && x.left <= d1 {
			c.leavers++
		}
	}
}
