package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Kinds of recycle rules (回收规则).
const (
	RuleNoContact  = "no_contact"  // no contact for Days days since the owner got the customer
	RuleNoProgress = "no_progress" // no status change or completed task for Days days
	RuleStatus     = "status"      // the customer has Status (for at least Days days when Days > 0)
)

// RecycleRule moves owned customers back to the pool when they match.
type RecycleRule struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Kind         string    `json:"kind"`
	Days         int       `json:"days"`
	Status       string    `json:"status,omitempty"`
	DepartmentID int64     `json:"department_id,omitempty"` // only customers of this department (and below); 0: all
	Enabled      bool      `json:"enabled"`
	LastRunAt    time.Time `json:"last_run_at,omitzero"`
	LastMoved    int       `json:"last_moved"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// RecycleRuleInput creates or changes a rule.
type RecycleRuleInput struct {
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Days         int    `json:"days"`
	Status       string `json:"status,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
	Enabled      bool   `json:"enabled"`
}

const ruleCols = `id, name, kind, days, status, COALESCE(department_id, 0), enabled, last_run_at, last_moved, created_at, updated_at`

func scanRule(row interface{ Scan(...any) error }) (*RecycleRule, error) {
	var r RecycleRule
	var last, c, u int64
	if err := row.Scan(&r.ID, &r.Name, &r.Kind, &r.Days, &r.Status, &r.DepartmentID, &r.Enabled, &last, &r.LastMoved, &c, &u); err != nil {
		return nil, err
	}
	r.LastRunAt, r.CreatedAt, r.UpdatedAt = store.Time(last), store.Time(c), store.Time(u)
	return &r, nil
}

// RecycleRules lists the rules.
func (s *Service) RecycleRules(ctx context.Context) ([]RecycleRule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+ruleCols+` FROM crm_recycle_rules ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("crm: rules: %w", err)
	}
	defer rows.Close()
	out := []RecycleRule{}
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// RecycleRule returns one rule.
func (s *Service) RecycleRule(ctx context.Context, id int64) (*RecycleRule, error) {
	return getRule(ctx, s.db, id)
}

func getRule(ctx context.Context, q store.Querier, id int64) (*RecycleRule, error) {
	r, err := scanRule(q.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM crm_recycle_rules WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("recycle rule")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: rule: %w", err)
	}
	return r, nil
}

func (s *Service) checkRule(ctx context.Context, q store.Querier, a *org.Actor, in *RecycleRuleInput) error {
	in.Name, in.Status = strings.TrimSpace(in.Name), strings.TrimSpace(in.Status)
	if err := valid.Text("name", in.Name, 1, 100); err != nil {
		return err
	}
	if err := valid.OneOf("kind", in.Kind, RuleNoContact, RuleNoProgress, RuleStatus); err != nil {
		return err
	}
	if in.Days < 0 || in.Days > 3650 {
		return apperr.Invalid("days", "must be from 0 to 3650")
	}
	if in.Kind != RuleStatus && in.Days < 1 {
		return apperr.Invalid("days", "must be at least 1 for this kind of rule")
	}
	if in.Kind == RuleStatus {
		l, err := loadLists(ctx, q)
		if err != nil {
			return err
		}
		key, ok := l.Match(ListStatus, in.Status)
		if !ok || key == "" {
			return invalid(CodeBadChoice, "status", "%q is not a configured status", clip(in.Status))
		}
		in.Status = key
	} else {
		in.Status = ""
	}
	if in.DepartmentID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM departments WHERE id = $1`, in.DepartmentID).Scan(&n); err != nil {
			return err
		}
		if n == 0 || !a.Scope.Allows(0, 0, in.DepartmentID) {
			return apperr.Invalid("department_id", "department %d does not exist or is outside your data scope", in.DepartmentID)
		}
	} else if a.Scope.Kind != org.ScopeAll {
		return apperr.Invalid("department_id", "choose a department: a rule for all departments needs data scope all")
	}
	return nil
}

// CreateRecycleRule adds a rule.
func (s *Service) CreateRecycleRule(ctx context.Context, a *org.Actor, in RecycleRuleInput) (*RecycleRule, error) {
	var r *RecycleRule
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkRule(ctx, tx, a, &in); err != nil {
			return err
		}
		now := s.now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO crm_recycle_rules (name, kind, days, status, department_id, enabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, in.Name, in.Kind, in.Days, in.Status, store.NullID(in.DepartmentID),
			in.Enabled, now).Scan(&id)
		if errors.Is(store.Classify(err), store.ErrConflict) {
			return apperr.Duplicate("name", "a recycle rule named %q exists", in.Name)
		}
		if err != nil {
			return fmt.Errorf("crm: create rule: %w", err)
		}
		if r, err = getRule(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "crm_rules", id, "recycle rule "+r.Name, nil, r)
	})
	return r, err
}

// UpdateRecycleRule changes a rule.
func (s *Service) UpdateRecycleRule(ctx context.Context, a *org.Actor, id int64, in RecycleRuleInput) (*RecycleRule, error) {
	var r *RecycleRule
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getRule(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.checkRule(ctx, tx, a, &in); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE crm_recycle_rules SET name = $1, kind = $2, days = $3, status = $4, department_id = $5,
			enabled = $6, updated_at = $7 WHERE id = $8`, in.Name, in.Kind, in.Days, in.Status, store.NullID(in.DepartmentID), in.Enabled,
			s.now().UnixMilli(), id)
		if errors.Is(store.Classify(err), store.ErrConflict) {
			return apperr.Duplicate("name", "a recycle rule named %q exists", in.Name)
		}
		if err != nil {
			return fmt.Errorf("crm: update rule: %w", err)
		}
		if r, err = getRule(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "crm_rules", id, "recycle rule "+r.Name, before, r)
	})
	return r, err
}

// DeleteRecycleRule removes a rule.
func (s *Service) DeleteRecycleRule(ctx context.Context, a *org.Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getRule(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM crm_recycle_rules WHERE id = $1`, id); err != nil {
			return fmt.Errorf("crm: delete rule: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "crm_rules", id, "recycle rule "+before.Name, before, nil)
	})
}

// ruleCondition is the SQL condition of the customers a rule would move at
// now: owned, not in the pool, matching the rule. A customer's clock starts
// when its owner got it, so a fresh claim is never recycled at once.
func (s *Service) ruleCondition(ctx context.Context, r *RecycleRuleInput, now time.Time, args *store.Args) (string, error) {
	cutoff := now.Add(-time.Duration(r.Days) * 24 * time.Hour).UnixMilli()
	cond := "c.owner_id IS NOT NULL AND c.in_pool = FALSE"
	since := func(col string) string {
		return "(CASE WHEN " + col + " > c.owned_at THEN " + col + " ELSE c.owned_at END) < " + args.Add(cutoff)
	}
	switch r.Kind {
	case RuleNoContact:
		cond += " AND " + since("c.last_contact_at")
	case RuleNoProgress:
		cond += " AND " + since("c.progress_at")
	case RuleStatus:
		cond += " AND c.status = " + args.Add(r.Status)
		if r.Days > 0 {
			cond += " AND " + since("c.progress_at")
		}
	}
	if r.DepartmentID != 0 {
		depts, err := subtree(ctx, s.db, r.DepartmentID)
		if err != nil {
			return "", err
		}
		cond += " AND c.department_id IN " + args.In(depts...)
	}
	return cond, nil
}

// subtree returns a department and all below it.
func subtree(ctx context.Context, q store.Querier, root int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0) FROM departments`)
	if err != nil {
		return nil, fmt.Errorf("crm: departments: %w", err)
	}
	defer rows.Close()
	kids := map[int64][]int64{}
	for rows.Next() {
		var id, p int64
		if err := rows.Scan(&id, &p); err != nil {
			return nil, err
		}
		kids[p] = append(kids[p], id)
	}
	out := []int64{root}
	for i := 0; i < len(out) && i < 100_000; i++ {
		out = append(out, kids[out[i]]...)
	}
	return out, rows.Err()
}

// RecyclePreview is what a rule would move now.
type RecyclePreview struct {
	Total  int        `json:"total"`  // customers the rule would move, everywhere
	Sample []Customer `json:"sample"` // the first of them in your data scope
}

// PreviewRecycle shows what a rule (saved or not) would move at the
// service's current time, without moving anything.
func (s *Service) PreviewRecycle(ctx context.Context, a *org.Actor, in RecycleRuleInput) (*RecyclePreview, error) {
	if err := s.checkRule(ctx, s.db, a, &in); err != nil {
		return nil, err
	}
	var args store.Args
	cond, err := s.ruleCondition(ctx, &in, s.now(), &args)
	if err != nil {
		return nil, err
	}
	p := &RecyclePreview{}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM customers c WHERE `+cond, args.Values()...).Scan(&p.Total); err != nil {
		return nil, fmt.Errorf("crm: preview rule: %w", err)
	}
	cond += " AND " + writeScope(a, &args)
	rows, err := s.db.QueryContext(ctx, `SELECT `+customerCols+customerFrom+` WHERE `+cond+` ORDER BY c.id LIMIT 50`, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("crm: preview rule: %w", err)
	}
	defer rows.Close()
	p.Sample = []Customer{}
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, err
		}
		p.Sample = append(p.Sample, *c)
	}
	return p, rows.Err()
}

// RecycleReport is what one run of the rules moved.
type RecycleReport struct {
	At    time.Time        `json:"at"`
	Moved int              `json:"moved"`
	Rules []RuleRunOutcome `json:"rules"`
}

// RuleRunOutcome is one rule's part of a run.
type RuleRunOutcome struct {
	RuleID int64  `json:"rule_id"`
	Name   string `json:"name"`
	Moved  int    `json:"moved"`
	Error  string `json:"error,omitempty"`
}

// RunRecycle runs every enabled rule once at the service's clock; the app
// calls it periodically (RunRecycleEvery). Each rule moves its customers in
// its own transaction with conditional UPDATEs, so a customer someone
// touched meanwhile is simply left for the next run.
func (s *Service) RunRecycle(ctx context.Context) (*RecycleReport, error) {
	rules, err := s.RecycleRules(ctx)
	if err != nil {
		return nil, err
	}
	rep := &RecycleReport{At: s.now(), Rules: []RuleRunOutcome{}}
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		n, err := s.runRule(ctx, &r)
		out := RuleRunOutcome{RuleID: r.ID, Name: r.Name, Moved: n}
		if err != nil {
			out.Error = err.Error()
			s.log.Warn("crm: recycle rule", "rule", r.Name, "err", err)
		}
		rep.Moved += n
		rep.Rules = append(rep.Rules, out)
	}
	return rep, nil
}

// RunRecycleNow runs the rules on behalf of a (the "run now" button).
func (s *Service) RunRecycleNow(ctx context.Context, a *org.Actor) (*RecycleReport, error) {
	if err := a.Require(org.P("pool", "rules")); err != nil {
		return nil, err
	}
	return s.RunRecycle(ctx)
}

func (s *Service) runRule(ctx context.Context, r *RecycleRule) (int, error) {
	in := RecycleRuleInput{Name: r.Name, Kind: r.Kind, Days: r.Days, Status: r.Status, DepartmentID: r.DepartmentID}
	now := s.now()
	var args store.Args
	cond, err := s.ruleCondition(ctx, &in, now, &args)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.owner_id, COALESCE(c.team_id, 0), COALESCE(c.department_id, 0)
		FROM customers c WHERE `+cond+` ORDER BY c.id`, args.Values()...)
	if err != nil {
		return 0, fmt.Errorf("crm: rule %s: %w", r.Name, err)
	}
	byFrom := map[Placement][]int64{}
	var order []Placement
	for rows.Next() {
		var id int64
		var p Placement
		if err := rows.Scan(&id, &p.OwnerID, &p.TeamID, &p.DepartmentID); err != nil {
			rows.Close()
			return 0, err
		}
		if byFrom[p] == nil {
			order = append(order, p)
		}
		byFrom[p] = append(byFrom[p], id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	groups := make([]moveGroup, 0, len(order))
	for _, p := range order {
		groups = append(groups, moveGroup{From: p, To: Placement{Pool: true}, IDs: byFrom[p]})
	}
	reason := fmt.Sprintf("rule %q: %s", r.Name, describeRule(r))
	moved := 0
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if moved, err = s.applyMoves(ctx, tx, newOp(ActionRecycle, reason, org.System(), now), groups); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE crm_recycle_rules SET last_run_at = $1, last_moved = $2 WHERE id = $3`, now.UnixMilli(), moved, r.ID)
		return err
	})
	if err != nil {
		return 0, err
	}
	return moved, nil
}

func describeRule(r *RecycleRule) string {
	switch r.Kind {
	case RuleNoContact:
		return fmt.Sprintf("no contact for %d days", r.Days)
	case RuleNoProgress:
		return fmt.Sprintf("no progress for %d days", r.Days)
	}
	if r.Days > 0 {
		return fmt.Sprintf("status %s for %d days", r.Status, r.Days)
	}
	return "status " + r.Status
}
