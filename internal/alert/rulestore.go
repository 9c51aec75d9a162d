package alert

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Effective is the rule that applies to a queue's metric: its own, or the
// default (Inherited).
type Effective struct {
	Rule
	Inherited bool `json:"inherited"`
}

// QueueRules are a queue's effective rules, one per metric.
type QueueRules struct {
	QueueID      int64       `json:"queue_id"`
	Queue        string      `json:"queue"`
	DepartmentID int64       `json:"department_id,omitempty"`
	Rules        []Effective `json:"rules"`
}

// RuleSet is every rule an actor may see: the defaults and the effective
// rules of each queue in their scope.
type RuleSet struct {
	Defaults []Rule       `json:"defaults"`
	Queues   []QueueRules `json:"queues"`
}

// RuleInput sets one metric's rule.
type RuleInput struct {
	Metric     Metric  `json:"metric"`
	Enabled    bool    `json:"enabled"`
	Warning    float64 `json:"warning"`
	Critical   float64 `json:"critical"`
	WindowMin  int     `json:"window_min,omitempty"`
	Hysteresis float64 `json:"hysteresis"`
	HoldSec    int     `json:"hold_sec"`
}

// RulesInput sets the rules of the metrics it names; the others keep theirs.
// For a queue, Inherit names metrics whose own rule is removed, so that
// the default applies again.
type RulesInput struct {
	Rules   []RuleInput `json:"rules"`
	Inherit []Metric    `json:"inherit,omitempty"`
}

// Rules indexes stored rules by queue (0: default) and metric.
type Rules map[int64]map[Metric]Rule

// Effective returns the rule for a queue's metric and whether it is the
// default's; ok is false when there is neither (a default was never
// shipped for it).
func (rs Rules) Effective(queueID int64, m Metric) (r Effective, ok bool) {
	if own, ok := rs[queueID][m]; ok && queueID != 0 {
		return Effective{Rule: own}, true
	}
	def, ok := rs[0][m]
	return Effective{Rule: def, Inherited: queueID != 0}, ok
}

// Defaults returns the default rules in metric order.
func (rs Rules) Defaults() []Rule {
	out := []Rule{}
	for _, m := range Metrics {
		if r, ok := rs[0][m]; ok {
			out = append(out, r)
		}
	}
	return out
}

// ForQueue returns a queue's effective rules in metric order.
func (rs Rules) ForQueue(queueID int64) []Effective {
	out := []Effective{}
	for _, m := range Metrics {
		if r, ok := rs.Effective(queueID, m); ok {
			r.QueueID = queueID
			out = append(out, r)
		}
	}
	return out
}

const ruleCols = `id, COALESCE(queue_id, 0), metric, enabled, warning, critical, window_min, hysteresis, hold_sec, updated_at`

func scanRule(row interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	var u int64
	err := row.Scan(&r.ID, &r.QueueID, &r.Metric, &r.Enabled, &r.Warning, &r.Critical, &r.WindowMin, &r.Hysteresis, &r.HoldSec, &u)
	r.UpdatedAt = store.Time(u)
	return r, err
}

// LoadRules reads every stored rule.
func LoadRules(ctx context.Context, q store.Querier) (Rules, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ruleCols+` FROM alert_rules`)
	if err != nil {
		return nil, fmt.Errorf("alert: rules: %w", err)
	}
	defer rows.Close()
	out := Rules{}
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("alert: rules: %w", err)
		}
		if out[r.QueueID] == nil {
			out[r.QueueID] = map[Metric]Rule{}
		}
		out[r.QueueID][r.Metric] = r
	}
	return out, rows.Err()
}

// queueRef is a queue as the rules and alerts name it.
type queueRef struct {
	ID           int64
	Name         string
	DepartmentID int64
}

// scopedQueues lists the queues in the actor's scope (their department),
// or the one with id when id is not 0.
func (s *Service) scopedQueues(ctx context.Context, a *org.Actor, id int64) ([]queueRef, error) {
	var args store.Args
	where, err := s.where(ctx, a, &args)
	if err != nil {
		return nil, err
	}
	if id != 0 {
		where += " AND id = " + args.Add(id)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name, COALESCE(department_id, 0) FROM queues WHERE `+where+` ORDER BY name`, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("alert: queues: %w", err)
	}
	defer rows.Close()
	var out []queueRef
	for rows.Next() {
		var q queueRef
		if err := rows.Scan(&q.ID, &q.Name, &q.DepartmentID); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// RuleSet returns the defaults and the effective rules of the queues in the
// actor's scope.
func (s *Service) RuleSet(ctx context.Context, a *org.Actor) (*RuleSet, error) {
	rs, err := LoadRules(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	qs, err := s.scopedQueues(ctx, a, 0)
	if err != nil {
		return nil, err
	}
	out := &RuleSet{Defaults: rs.Defaults(), Queues: []QueueRules{}}
	for _, q := range qs {
		out.Queues = append(out.Queues, QueueRules{QueueID: q.ID, Queue: q.Name, DepartmentID: q.DepartmentID, Rules: rs.ForQueue(q.ID)})
	}
	return out, nil
}

// QueueRules returns one queue's effective rules; a queue outside the
// actor's scope is not found.
func (s *Service) QueueRules(ctx context.Context, a *org.Actor, queueID int64) (*QueueRules, error) {
	q, err := s.queue(ctx, a, queueID)
	if err != nil {
		return nil, err
	}
	rs, err := LoadRules(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return &QueueRules{QueueID: q.ID, Queue: q.Name, DepartmentID: q.DepartmentID, Rules: rs.ForQueue(q.ID)}, nil
}

func (s *Service) queue(ctx context.Context, a *org.Actor, id int64) (queueRef, error) {
	qs, err := s.scopedQueues(ctx, a, id)
	if err != nil {
		return queueRef{}, err
	}
	if len(qs) == 0 {
		return queueRef{}, apperr.NotFound("queue")
	}
	return qs[0], nil
}

// check validates an input and returns its rules, with errors on
// "<metric>.<field>".
func (in RulesInput) check() ([]Rule, error) {
	if len(in.Rules)+len(in.Inherit) == 0 {
		return nil, apperr.Invalid("rules", "give the rule of at least one metric")
	}
	seen := map[Metric]bool{}
	for _, m := range in.Inherit {
		if !m.Known() {
			return nil, apperr.Invalid("inherit", "unknown metric %q", m)
		}
		seen[m] = true
	}
	out := make([]Rule, 0, len(in.Rules))
	for _, ri := range in.Rules {
		r := Rule{Metric: ri.Metric, Enabled: ri.Enabled, Warning: ri.Warning, Critical: ri.Critical, WindowMin: ri.WindowMin,
			Hysteresis: ri.Hysteresis, HoldSec: ri.HoldSec}
		if err := r.Validate(); err != nil {
			if e := apperr.As(err); e != nil && r.Metric.Known() {
				e.Field = string(r.Metric) + "." + e.Field
			}
			return nil, err
		}
		if seen[r.Metric] {
			return nil, apperr.Invalid(string(r.Metric)+".metric", "metric %s is given twice", r.Metric)
		}
		seen[r.Metric] = true
		out = append(out, r)
	}
	return out, nil
}

// SetDefaults changes default rules. Only an actor who sees every
// department may: the defaults apply to all of them.
func (s *Service) SetDefaults(ctx context.Context, a *org.Actor, in RulesInput) ([]Rule, error) {
	rules, err := in.check()
	if err != nil {
		return nil, err
	}
	if len(in.Inherit) > 0 {
		return nil, apperr.Invalid("inherit", "the default rules inherit from nothing")
	}
	if !CanSetDefaults(a) {
		return nil, errDefaultsScope(a)
	}
	if err := s.save(ctx, a, 0, "", rules, nil); err != nil {
		return nil, err
	}
	rs, err := LoadRules(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return rs.Defaults(), nil
}

// CanSetDefaults reports whether the actor's scope lets them change the
// default rules, which apply to every department: only the all scope does.
func CanSetDefaults(a *org.Actor) bool { return a.System || a.Scope.Kind == org.ScopeAll }

func errDefaultsScope(a *org.Actor) error {
	return apperr.Forbidden("the default rules apply to every department; your scope is %s", a.Scope.Kind)
}

// SetQueue gives a queue its own rules for the metrics in the input, and
// returns those it inherits to the defaults, in one transaction.
func (s *Service) SetQueue(ctx context.Context, a *org.Actor, queueID int64, in RulesInput) (*QueueRules, error) {
	rules, err := in.check()
	if err != nil {
		return nil, err
	}
	q, err := s.queue(ctx, a, queueID)
	if err != nil {
		return nil, err
	}
	if err := s.save(ctx, a, q.ID, q.Name, rules, in.Inherit); err != nil {
		return nil, err
	}
	return s.QueueRules(ctx, a, q.ID)
}

// Inherit removes a queue's own rule for a metric: the default applies again.
func (s *Service) Inherit(ctx context.Context, a *org.Actor, queueID int64, m Metric) error {
	if !m.Known() {
		return apperr.Invalid("metric", "unknown metric %q", m)
	}
	q, err := s.queue(ctx, a, queueID)
	if err != nil {
		return err
	}
	return s.save(ctx, a, q.ID, q.Name, nil, []Metric{m})
}

// save upserts rules of queueID (0: the defaults) and deletes its rules of
// the inherited metrics, with an audit row each.
func (s *Service) save(ctx context.Context, a *org.Actor, queueID int64, queue string, rules []Rule, inherit []Metric) error {
	now := time.Now()
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for _, r := range rules {
			if err := upsert(ctx, tx, a, queueID, queue, r, now); err != nil {
				return err
			}
		}
		for _, m := range inherit {
			if err := remove(ctx, tx, a, queueID, queue, m); err != nil {
				return err
			}
		}
		return nil
	})
}

func remove(ctx context.Context, tx *sql.Tx, a *org.Actor, queueID int64, queue string, m Metric) error {
	old, err := getRule(ctx, tx, queueID, m)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // already inherited
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM alert_rules WHERE id = $1`, old.ID); err != nil {
		return fmt.Errorf("alert: delete rule: %w", err)
	}
	return audit.Record(ctx, tx, who(a), "delete", "alerts", old.ID, summary(queue, m), old, nil)
}

func upsert(ctx context.Context, tx *sql.Tx, a *org.Actor, queueID int64, queue string, r Rule, now time.Time) error {
	r.QueueID = queueID
	r.UpdatedAt = now.UTC().Truncate(time.Millisecond)
	old, err := getRule(ctx, tx, queueID, r.Metric)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO alert_rules (queue_id, metric, enabled, warning, critical, window_min, hysteresis,
			hold_sec, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, store.NullID(queueID), string(r.Metric),
			r.Enabled, r.Warning, r.Critical, r.WindowMin, r.Hysteresis, r.HoldSec, now.UnixMilli()).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("alert: insert rule: %w", store.Classify(err))
		}
		return audit.Record(ctx, tx, who(a), "create", "alerts", r.ID, summary(queue, r.Metric), nil, r)
	case err != nil:
		return err
	}
	r.ID = old.ID
	if _, err := tx.ExecContext(ctx, `UPDATE alert_rules SET enabled = $1, warning = $2, critical = $3, window_min = $4,
		hysteresis = $5, hold_sec = $6, updated_at = $7 WHERE id = $8`, r.Enabled, r.Warning, r.Critical, r.WindowMin, r.Hysteresis,
		r.HoldSec, now.UnixMilli(), r.ID); err != nil {
		return fmt.Errorf("alert: update rule: %w", err)
	}
	return audit.Record(ctx, tx, who(a), "update", "alerts", r.ID, summary(queue, r.Metric), old, r)
}

func getRule(ctx context.Context, q store.Querier, queueID int64, m Metric) (Rule, error) {
	return scanRule(q.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM alert_rules WHERE COALESCE(queue_id, 0) = $1 AND metric = $2`,
		queueID, string(m)))
}

func summary(queue string, m Metric) string {
	if queue == "" {
		return "default rule " + string(m)
	}
	return "rule " + string(m) + " of queue " + queue
}
