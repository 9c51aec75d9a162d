package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Placement is where a customer sits: with an owner (and the owner's team
// and department), with a team or department only, or in the pool.
type Placement struct {
	OwnerID      int64 `json:"owner_id,omitempty"`
	TeamID       int64 `json:"team_id,omitempty"`
	DepartmentID int64 `json:"department_id,omitempty"`
	Pool         bool  `json:"pool,omitempty"`
}

// userInfo is what the CRM needs to know about a user.
type userInfo struct {
	ID           int64
	Name         string
	TeamID       int64
	DepartmentID int64
	Active       bool
}

func loadUser(ctx context.Context, q store.Querier, id int64) (*userInfo, error) {
	var u userInfo
	err := q.QueryRowContext(ctx, `SELECT id, display_name, COALESCE(team_id, 0), COALESCE(department_id, 0), active
		FROM users WHERE id = $1`, id).Scan(&u.ID, &u.Name, &u.TeamID, &u.DepartmentID, &u.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: user: %w", err)
	}
	return &u, nil
}

// lockAgent serialises every change that gives customers to the agent: the
// upsert takes the agent's row lock (PostgreSQL) or runs under the write
// lock (SQLite) until the transaction ends. It returns the agent's own
// quota settings (nil: the defaults apply).
func lockAgent(ctx context.Context, tx *sql.Tx, userID int64) (maxCustomers, dailyClaims sql.NullInt64, err error) {
	err = tx.QueryRowContext(ctx, `INSERT INTO crm_agents (user_id, version) VALUES ($1, 1)
		ON CONFLICT (user_id) DO UPDATE SET version = crm_agents.version + 1
		RETURNING max_customers, daily_claims`, userID).Scan(&maxCustomers, &dailyClaims)
	if err != nil {
		err = fmt.Errorf("crm: lock agent %d: %w", userID, err)
	}
	return
}

func effective(own sql.NullInt64, def int) int {
	if own.Valid {
		return int(own.Int64)
	}
	return def
}

func owned(ctx context.Context, q store.Querier, userID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE owner_id = $1`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("crm: count owned: %w", err)
	}
	return n, nil
}

// reserve locks each agent that is to receive customers (in ID order, so
// that two allocations cannot deadlock) and refuses when one would exceed
// their quota, naming them.
func (s *Service) reserve(ctx context.Context, tx *sql.Tx, adds map[int64]int) error {
	ids := make([]int64, 0, len(adds))
	for id, n := range adds {
		if id != 0 && n > 0 {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	settings, err := loadPoolSettings(ctx, tx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		own, _, err := lockAgent(ctx, tx, id)
		if err != nil {
			return err
		}
		quota := effective(own, settings.DefaultQuota)
		if quota <= 0 {
			continue
		}
		have, err := owned(ctx, tx, id)
		if err != nil {
			return err
		}
		if have+adds[id] > quota {
			return quotaError(ctx, tx, id, have, adds[id], quota)
		}
	}
	return nil
}

func quotaError(ctx context.Context, q store.Querier, id int64, have, add, quota int) error {
	name := fmt.Sprintf("user %d", id)
	if u, err := loadUser(ctx, q, id); err == nil {
		name = u.Name
	}
	return conflict(CodeQuotaExceeded, "", "%s holds %d customers with a quota of %d: %d more would exceed it", name, have, quota, add)
}

// Quota is an agent's limits and how much of them is used.
type Quota struct {
	UserID         int64  `json:"user_id"`
	Name           string `json:"name"`
	Username       string `json:"username"`
	TeamID         int64  `json:"team_id,omitempty"`
	DepartmentID   int64  `json:"department_id,omitempty"`
	MaxCustomers   *int   `json:"max_customers"` // the agent's own quota; null: the default applies
	DailyClaims    *int   `json:"daily_claims"`  // the agent's own daily claim limit; null: the default
	Quota          int    `json:"quota"`         // in effect; 0 = unlimited
	DailyLimit     int    `json:"daily_limit"`   // in effect; 0 = unlimited
	Owned          int    `json:"owned"`
	ClaimedToday   int    `json:"claimed_today"`
	OverQuota      bool   `json:"over_quota"`
	RemainingQuota int    `json:"remaining_quota"` // -1 when unlimited
}

// QuotaInput sets an agent's own limits; null returns to the default.
type QuotaInput struct {
	MaxCustomers *int `json:"max_customers"`
	DailyClaims  *int `json:"daily_claims"`
}

// Quotas lists the active users in a's data scope with their limits.
func (s *Service) Quotas(ctx context.Context, a *org.Actor) ([]Quota, error) {
	var args store.Args
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.display_name, u.username, COALESCE(u.team_id, 0), COALESCE(u.department_id, 0),
		q.max_customers, q.daily_claims FROM users u LEFT JOIN crm_agents q ON q.user_id = u.id
		WHERE u.active = TRUE AND `+a.Scope.Filter(org.UserColumns, &args)+` ORDER BY u.display_name, u.id LIMIT 2000`, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("crm: quotas: %w", err)
	}
	var out []Quota
	for rows.Next() {
		var qt Quota
		var mx, dc sql.NullInt64
		if err := rows.Scan(&qt.UserID, &qt.Name, &qt.Username, &qt.TeamID, &qt.DepartmentID, &mx, &dc); err != nil {
			rows.Close()
			return nil, err
		}
		qt.MaxCustomers, qt.DailyClaims = intPtr(mx), intPtr(dc)
		out = append(out, qt)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.fillUsage(ctx, out)
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// fillUsage adds the limits in effect and the counts to quota rows.
func (s *Service) fillUsage(ctx context.Context, qs []Quota) error {
	if len(qs) == 0 {
		return nil
	}
	settings, err := s.PoolSettings(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, len(qs))
	for i, q := range qs {
		ids[i] = q.UserID
	}
	ownedBy, err := s.countBy(ctx, `SELECT owner_id, count(*) FROM customers WHERE owner_id IN `, ids, ` GROUP BY owner_id`)
	if err != nil {
		return err
	}
	since := s.dayStart().UnixMilli()
	claimed, err := s.countBy(ctx, `SELECT to_owner_id, sum(count) FROM crm_allocations WHERE action = 'claim' AND at >= `+
		fmt.Sprint(since)+` AND to_owner_id IN `, ids, ` GROUP BY to_owner_id`)
	if err != nil {
		return err
	}
	for i := range qs {
		q := &qs[i]
		q.Quota, q.DailyLimit = settings.DefaultQuota, settings.DailyClaimLimit
		if q.MaxCustomers != nil {
			q.Quota = *q.MaxCustomers
		}
		if q.DailyClaims != nil {
			q.DailyLimit = *q.DailyClaims
		}
		q.Owned, q.ClaimedToday = ownedBy[q.UserID], claimed[q.UserID]
		q.RemainingQuota = -1
		if q.Quota > 0 {
			q.RemainingQuota = max(q.Quota-q.Owned, 0)
			q.OverQuota = q.Owned > q.Quota
		}
	}
	return nil
}

// countBy runs "prefix (ids...) suffix" returning id → count, in chunks.
func (s *Service) countBy(ctx context.Context, prefix string, ids []int64, suffix string) (map[int64]int, error) {
	out := map[int64]int{}
	for start := 0; start < len(ids); start += 500 {
		var args store.Args
		in := args.In(ids[start:min(start+500, len(ids))]...)
		rows, err := s.db.QueryContext(ctx, prefix+in+suffix, args.Values()...)
		if err != nil {
			return nil, fmt.Errorf("crm: count: %w", err)
		}
		for rows.Next() {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = int(n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dayStart is midnight today in the configured location.
func (s *Service) dayStart() time.Time {
	n := s.now().In(s.opts.Location)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, s.opts.Location)
}

// Quota returns one user's limits (the user must be in a's scope).
func (s *Service) Quota(ctx context.Context, a *org.Actor, userID int64) (*Quota, error) {
	qs, err := s.Quotas(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if q.UserID == userID {
			return &q, nil
		}
	}
	return nil, apperr.NotFound("user")
}

// SetQuota sets a user's own quota and daily claim limit.
func (s *Service) SetQuota(ctx context.Context, a *org.Actor, userID int64, in QuotaInput) (*Quota, error) {
	for f, v := range map[string]*int{"max_customers": in.MaxCustomers, "daily_claims": in.DailyClaims} {
		if v != nil && (*v < 0 || *v > 1_000_000) {
			return nil, apperr.Invalid(f, "must be from 0 (unlimited) to 1000000, or null for the default")
		}
	}
	before, err := s.Quota(ctx, a, userID)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_agents (user_id, max_customers, daily_claims, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET max_customers = excluded.max_customers, daily_claims = excluded.daily_claims,
			updated_at = excluded.updated_at`, userID, nullInt(in.MaxCustomers), nullInt(in.DailyClaims), s.now().UnixMilli()); err != nil {
			return fmt.Errorf("crm: set quota: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "update", "crm_quotas", userID, "quota of "+before.Name,
			QuotaInput{before.MaxCustomers, before.DailyClaims}, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Quota(ctx, a, userID)
}

func nullInt(v *int) sql.NullInt64 {
	if v == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*v), Valid: true}
}

// userNames maps user IDs to display names.
func (s *Service) userNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	uniq := map[int64]bool{}
	var list []int64
	for _, id := range ids {
		if id != 0 && !uniq[id] {
			uniq[id] = true
			list = append(list, id)
		}
	}
	for start := 0; start < len(list); start += 500 {
		var args store.Args
		rows, err := s.db.QueryContext(ctx, `SELECT id, display_name FROM users WHERE id IN `+args.In(list[start:min(start+500, len(list))]...), args.Values()...)
		if err != nil {
			return nil, fmt.Errorf("crm: user names: %w", err)
		}
		for rows.Next() {
			var id int64
			var n string
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = n
		}
		rows.Close()
	}
	return out, nil
}
