package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Allocation modes.
const (
	ModeEven  = "even"  // round-robin over the targets
	ModeCount = "count" // each target takes its Count, in order
	ModeRule  = "rule"  // the first rule matching a customer decides its target
)

// Target kinds.
const (
	TargetAgent      = "agent"
	TargetTeam       = "team"
	TargetDepartment = "department"
)

// Target is where allocated customers go: an agent (owner), a team or a
// department (no owner; its leaders allocate further).
type Target struct {
	Kind  string `json:"kind"`
	ID    int64  `json:"id"`
	Count int    `json:"count,omitempty"` // count mode
}

// AllocRule sends customers whose field has value to a target (rule mode).
type AllocRule struct {
	Field  string `json:"field"` // source, level, status or tag
	Value  string `json:"value"`
	Target Target `json:"target"`
}

// AllocateInput selects customers (by ID, or every customer matching a
// filter, at most Limit) and says where they go. DryRun plans without
// moving anything.
type AllocateInput struct {
	CustomerIDs []int64     `json:"customer_ids,omitempty"`
	Filter      *Filter     `json:"filter,omitempty"`
	Limit       int         `json:"limit,omitempty"`
	Mode        string      `json:"mode"`
	Targets     []Target    `json:"targets,omitempty"`
	Rules       []AllocRule `json:"rules,omitempty"`
	Reason      string      `json:"reason,omitempty"`
	DryRun      bool        `json:"dry_run,omitempty"`
}

// TargetResult is what one target receives.
type TargetResult struct {
	Target
	Name  string `json:"name"`
	Moved int    `json:"moved"`
}

// AllocationResult reports an allocation or distribution.
type AllocationResult struct {
	Op        string         `json:"op,omitempty"`
	DryRun    bool           `json:"dry_run"`
	Matched   int            `json:"matched"`   // customers selected
	Moved     int            `json:"moved"`     // customers that changed hands
	Unchanged int            `json:"unchanged"` // already where they were sent
	Unmatched int            `json:"unmatched"` // rule mode: no rule matched
	Targets   []TargetResult `json:"targets"`
}

// MaxAllocate bounds one allocation.
const MaxAllocate = 200_000

// resolved is a target checked against the actor's scope.
type resolved struct {
	Target
	Name string
	To   Placement
}

func (s *Service) resolveTarget(ctx context.Context, q store.Querier, a *org.Actor, t Target, field string) (*resolved, error) {
	r := &resolved{Target: t}
	switch t.Kind {
	case TargetAgent:
		u, err := loadUser(ctx, q, t.ID)
		if err != nil || !a.Scope.Allows(u.ID, u.TeamID, u.DepartmentID) {
			return nil, apperr.Invalid(field, "user %d does not exist or is outside your data scope", t.ID)
		}
		if !u.Active {
			return nil, apperr.Invalid(field, "%s is deactivated", u.Name)
		}
		r.Name, r.To = u.Name, Placement{OwnerID: u.ID, TeamID: u.TeamID, DepartmentID: u.DepartmentID}
	case TargetTeam:
		var dept int64
		err := q.QueryRowContext(ctx, `SELECT name, department_id FROM teams WHERE id = $1`, t.ID).Scan(&r.Name, &dept)
		if err != nil || !a.Scope.Allows(0, t.ID, dept) {
			return nil, apperr.Invalid(field, "team %d does not exist or is outside your data scope", t.ID)
		}
		r.To = Placement{TeamID: t.ID, DepartmentID: dept}
	case TargetDepartment:
		err := q.QueryRowContext(ctx, `SELECT name FROM departments WHERE id = $1`, t.ID).Scan(&r.Name)
		if err != nil || !a.Scope.Allows(0, 0, t.ID) {
			return nil, apperr.Invalid(field, "department %d does not exist or is outside your data scope", t.ID)
		}
		r.To = Placement{DepartmentID: t.ID}
	default:
		return nil, apperr.Invalid(field, "kind must be agent, team or department")
	}
	return r, nil
}

// candidate is a selected customer and what rules look at.
type candidate struct {
	ID                    int64
	From                  Placement
	Source, Level, Status string
	Tags                  string
}

func (c *candidate) field(name string) string {
	switch name {
	case "source":
		return c.Source
	case "level":
		return c.Level
	case "status":
		return c.Status
	}
	return ""
}

// candidates loads the selected customers: by ID (each must be selectable)
// or by filter, restricted by scope, ordered by ID.
func (s *Service) candidates(ctx context.Context, scope string, scopeArgs *store.Args, in *AllocateInput) ([]candidate, error) {
	const cols = `SELECT c.id, COALESCE(c.owner_id, 0), COALESCE(c.team_id, 0), COALESCE(c.department_id, 0), c.in_pool,
		c.source, c.level, c.status, c.tags FROM customers c WHERE `
	var out []candidate
	load := func(q string, args []any) error {
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("crm: select customers: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c candidate
			if err := rows.Scan(&c.ID, &c.From.OwnerID, &c.From.TeamID, &c.From.DepartmentID, &c.From.Pool, &c.Source, &c.Level,
				&c.Status, &c.Tags); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	}
	if len(in.CustomerIDs) > 0 {
		ids := uniqueIDs(in.CustomerIDs)
		for start := 0; start < len(ids); start += moveChunk {
			args := *scopeArgs
			q := cols + scope + ` AND c.id IN ` + args.In(ids[start:min(start+moveChunk, len(ids))]...)
			if err := load(q, args.Values()); err != nil {
				return nil, err
			}
		}
		if len(out) != len(ids) {
			return nil, apperr.Invalid("customer_ids", "%d of the customers do not exist, are outside your data scope or are not selectable here", len(ids)-len(out))
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	} else {
		f := Filter{}
		if in.Filter != nil {
			f = *in.Filter
		}
		args := *scopeArgs
		cond, err := f.where(&args)
		if err != nil {
			return nil, err
		}
		q := cols + scope + ` AND ` + cond + ` ORDER BY c.id`
		if in.Limit > 0 {
			q += ` LIMIT ` + args.Add(in.Limit)
		}
		if err := load(q, args.Values()); err != nil {
			return nil, err
		}
	}
	if len(out) > MaxAllocate {
		return nil, apperr.Invalid("filter", "%d customers selected; at most %d at once", len(out), MaxAllocate)
	}
	return out, nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// plan is an allocation decided but not applied.
type plan struct {
	targets []*resolved
	assign  []int // per candidate: target index, -1 unmatched
}

func (in *AllocateInput) check() error {
	if err := valid.OneOf("mode", in.Mode, ModeEven, ModeCount, ModeRule); err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := valid.Text("reason", in.Reason, 0, 200); err != nil {
		return err
	}
	if in.Limit < 0 || in.Limit > MaxAllocate {
		return apperr.Invalid("limit", "must be from 0 (all) to %d", MaxAllocate)
	}
	if len(in.CustomerIDs) > MaxAllocate {
		return apperr.Invalid("customer_ids", "at most %d at once", MaxAllocate)
	}
	if in.Mode == ModeRule {
		if len(in.Rules) == 0 || len(in.Rules) > 100 {
			return apperr.Invalid("rules", "rule mode needs 1 to 100 rules")
		}
		for i, r := range in.Rules {
			if err := valid.OneOf("rules["+strconv.Itoa(i)+"].field", r.Field, "source", "level", "status", "tag"); err != nil {
				return err
			}
		}
		return nil
	}
	if len(in.Targets) == 0 || len(in.Targets) > 1000 {
		return apperr.Invalid("targets", "give 1 to 1000 targets")
	}
	if in.Mode == ModeCount {
		for i, t := range in.Targets {
			if t.Count < 1 || t.Count > MaxAllocate {
				return apperr.Invalid("targets["+strconv.Itoa(i)+"].count", "must be from 1 to %d", MaxAllocate)
			}
		}
	}
	return nil
}

// makePlan resolves the targets and assigns each candidate.
func (s *Service) makePlan(ctx context.Context, a *org.Actor, in *AllocateInput, cs []candidate) (*plan, error) {
	p := &plan{assign: make([]int, len(cs))}
	index := map[Target]int{}
	add := func(t Target, field string) (int, error) {
		key := Target{Kind: t.Kind, ID: t.ID}
		if i, ok := index[key]; ok {
			return i, nil
		}
		r, err := s.resolveTarget(ctx, s.db, a, key, field)
		if err != nil {
			return 0, err
		}
		index[key] = len(p.targets)
		p.targets = append(p.targets, r)
		return len(p.targets) - 1, nil
	}
	switch in.Mode {
	case ModeEven:
		idx := make([]int, len(in.Targets))
		for i, t := range in.Targets {
			var err error
			if idx[i], err = add(t, "targets["+strconv.Itoa(i)+"]"); err != nil {
				return nil, err
			}
		}
		for i := range cs {
			p.assign[i] = idx[i%len(idx)]
		}
	case ModeCount:
		want := 0
		for _, t := range in.Targets {
			want += t.Count
		}
		if want > len(cs) {
			return nil, apperr.Invalid("targets", "only %d customers are selected; the targets ask for %d", len(cs), want)
		}
		for i := range p.assign {
			p.assign[i] = -1
		}
		next := 0
		for i, t := range in.Targets {
			ti, err := add(t, "targets["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			for n := 0; n < t.Count; n++ {
				p.assign[next] = ti
				next++
			}
		}
	case ModeRule:
		idx := make([]int, len(in.Rules))
		for i, r := range in.Rules {
			var err error
			if idx[i], err = add(r.Target, "rules["+strconv.Itoa(i)+"].target"); err != nil {
				return nil, err
			}
		}
		for i := range cs {
			p.assign[i] = -1
			for ri, r := range in.Rules {
				if ruleMatches(r, &cs[i]) {
					p.assign[i] = idx[ri]
					break
				}
			}
		}
	}
	return p, nil
}

func ruleMatches(r AllocRule, c *candidate) bool {
	if r.Field == "tag" {
		return strings.Contains(c.Tags, ","+r.Value+",")
	}
	return strings.EqualFold(c.field(r.Field), r.Value)
}

// groups turns a plan into move groups and fills the result.
func (p *plan) groups(cs []candidate, res *AllocationResult) ([]moveGroup, map[int64]int) {
	type key struct{ from, to Placement }
	byKey := map[key]*moveGroup{}
	var order []key
	adds := map[int64]int{}
	res.Targets = make([]TargetResult, len(p.targets))
	for i, t := range p.targets {
		res.Targets[i] = TargetResult{Target: t.Target, Name: t.Name}
	}
	for i, c := range cs {
		ti := p.assign[i]
		if ti < 0 {
			res.Unmatched++
			continue
		}
		to := p.targets[ti].To
		if c.From == to {
			res.Unchanged++
			continue
		}
		k := key{c.From, to}
		g := byKey[k]
		if g == nil {
			g = &moveGroup{From: c.From, To: to}
			byKey[k] = g
			order = append(order, k)
		}
		g.IDs = append(g.IDs, c.ID)
		res.Targets[ti].Moved++
		res.Moved++
		if to.OwnerID != 0 && c.From.OwnerID != to.OwnerID {
			adds[to.OwnerID]++
		}
	}
	out := make([]moveGroup, len(order))
	for i, k := range order {
		out[i] = *byKey[k]
	}
	return out, adds
}

// Allocate moves customers in a's scope (not in the pool) to agents, teams
// or departments (分配), respecting agents' quotas, and logs every move.
func (s *Service) Allocate(ctx context.Context, a *org.Actor, in AllocateInput) (*AllocationResult, error) {
	if err := a.Require(org.P("customers", "allocate")); err != nil {
		return nil, err
	}
	var args store.Args
	scope := writeScope(a, &args) + ` AND c.in_pool = FALSE`
	return s.allocate(ctx, a, in, ActionAllocate, scope, &args)
}

// Distribute hands pool customers out to agents, teams or departments
// (evenly, by count or by rule), respecting quotas.
func (s *Service) Distribute(ctx context.Context, a *org.Actor, in AllocateInput) (*AllocationResult, error) {
	if err := a.Require(org.P("pool", "distribute")); err != nil {
		return nil, err
	}
	var args store.Args
	return s.allocate(ctx, a, in, ActionDistribute, `c.in_pool = TRUE`, &args)
}

func (s *Service) allocate(ctx context.Context, a *org.Actor, in AllocateInput, action, scope string, args *store.Args) (*AllocationResult, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	cs, err := s.candidates(ctx, scope, args, &in)
	if err != nil {
		return nil, err
	}
	p, err := s.makePlan(ctx, a, &in, cs)
	if err != nil {
		return nil, err
	}
	res := &AllocationResult{DryRun: in.DryRun, Matched: len(cs)}
	groups, adds := p.groups(cs, res)
	if in.DryRun {
		return res, s.checkQuotas(ctx, s.db, adds)
	}
	if res.Moved == 0 {
		return res, nil
	}
	op := newOp(action, in.Reason, a, s.now())
	res.Op = op.ID
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.reserve(ctx, tx, adds); err != nil {
			return err
		}
		if _, err := s.applyMoves(ctx, tx, op, groups); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s %d customers", action, res.Moved)
		return audit.Record(ctx, tx, who(a), action, "customers", 0, summary, nil, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// checkQuotas is reserve without locking, for dry runs.
func (s *Service) checkQuotas(ctx context.Context, q store.Querier, adds map[int64]int) error {
	settings, err := loadPoolSettings(ctx, q)
	if err != nil {
		return err
	}
	for id, n := range adds {
		var own sql.NullInt64
		err := q.QueryRowContext(ctx, `SELECT max_customers FROM crm_agents WHERE user_id = $1`, id).Scan(&own)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("crm: quota: %w", err)
		}
		quota := effective(own, settings.DefaultQuota)
		if quota <= 0 {
			continue
		}
		have, err := owned(ctx, q, id)
		if err != nil {
			return err
		}
		if have+n > quota {
			return quotaError(ctx, q, id, have, n, quota)
		}
	}
	return nil
}
