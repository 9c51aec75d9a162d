package appraisal

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
)

// agent is a front-line user: one whose role sees only their own data, as
// the reports count agents.
type agent struct {
	ID       int64
	Username string
	Name     string
	TeamID   int64
	DeptID   int64
	Hired    string // YYYY-MM-DD; "" unknown
	Left     string
	Active   bool
	Created  time.Time
}

const agentQuery = `SELECT u.id, u.username, u.display_name, COALESCE(u.team_id, 0), COALESCE(u.department_id, 0),
	COALESCE(u.hire_date, ''), COALESCE(u.leave_date, ''), u.active, u.created_at
	FROM users u JOIN roles r ON r.id = u.role_id WHERE r.data_scope = 'own'`

func scanAgents(ctx context.Context, q store.Querier, where string, args ...any) ([]agent, error) {
	rows, err := q.QueryContext(ctx, agentQuery+where+` ORDER BY u.display_name, u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("appraisal: agents: %w", err)
	}
	defer rows.Close()
	var out []agent
	for rows.Next() {
		var x agent
		var created int64
		if err := rows.Scan(&x.ID, &x.Username, &x.Name, &x.TeamID, &x.DeptID, &x.Hired, &x.Left, &x.Active, &created); err != nil {
			return nil, err
		}
		x.Created = store.Time(created)
		out = append(out, x)
	}
	return out, rows.Err()
}

func loadAgents(ctx context.Context, q store.Querier) ([]agent, error) { return scanAgents(ctx, q, "") }

func loadAgent(ctx context.Context, q store.Querier, id int64) (*agent, bool, error) {
	xs, err := scanAgents(ctx, q, ` AND u.id = $1`, id)
	if err != nil || len(xs) == 0 {
		return nil, false, err
	}
	return &xs[0], true, nil
}

// employed reports whether the agent worked in month m: hired (or, without
// a hire date, created) by its last day and not left before its first —
// a deactivated user without a leave date counts as gone.
func (x agent) employed(m Month, loc *time.Location) bool {
	hired := x.Hired
	if hired == "" {
		hired = x.Created.In(loc).Format("2006-01-02")
	}
	if hired > m.LastDay() {
		return false
	}
	if x.Left == "" {
		return x.Active
	}
	return x.Left >= m.FirstDay()
}

// assignment says which scheme appraises an agent: the scheme of their
// team, else of their department or its nearest ancestor, else the
// scheme for all agents.
type assignment struct {
	all    int64
	teams  map[int64]int64 // team → scheme
	depts  map[int64]int64 // department → scheme
	parent map[int64]int64 // department → parent
}

func loadAssignment(ctx context.Context, q store.Querier) (*assignment, error) {
	as := &assignment{teams: map[int64]int64{}, depts: map[int64]int64{}, parent: map[int64]int64{}}
	rows, err := q.QueryContext(ctx, `SELECT scheme_id, kind, target_id FROM appraisal_scheme_targets`)
	if err != nil {
		return nil, fmt.Errorf("appraisal: targets: %w", err)
	}
	for rows.Next() {
		var scheme, id int64
		var kind string
		if err := rows.Scan(&scheme, &kind, &id); err != nil {
			rows.Close()
			return nil, err
		}
		switch kind {
		case targetAll:
			as.all = scheme
		case targetDepartment:
			as.depts[id] = scheme
		case targetTeam:
			as.teams[id] = scheme
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	drows, err := q.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0) FROM departments`)
	if err != nil {
		return nil, fmt.Errorf("appraisal: departments: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var id, p int64
		if err := drows.Scan(&id, &p); err != nil {
			return nil, err
		}
		as.parent[id] = p
	}
	return as, drows.Err()
}

// schemeOf returns the scheme appraising x, 0 when none does.
func (as *assignment) schemeOf(x agent) int64 {
	if s, ok := as.teams[x.TeamID]; ok && x.TeamID != 0 {
		return s
	}
	for d, hops := x.DeptID, 0; d != 0 && hops < 64; d, hops = as.parent[d], hops+1 {
		if s, ok := as.depts[d]; ok {
			return s
		}
	}
	return as.all
}

// SchemeOf returns the scheme that appraises a user now (0: none, or not
// an agent).
func (s *Service) SchemeOf(ctx context.Context, userID int64) (int64, error) {
	x, ok, err := loadAgent(ctx, s.DB, userID)
	if err != nil || !ok {
		return 0, err
	}
	as, err := loadAssignment(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	return as.schemeOf(*x), nil
}
