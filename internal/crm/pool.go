package crm

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/valid"
)

// ClaimFailure says why one customer was not claimed.
type ClaimFailure struct {
	CustomerID int64  `json:"customer_id"`
	Code       string `json:"code"`
	Message    string `json:"message"`
}

// ClaimResult lists what a claim got.
type ClaimResult struct {
	Claimed []int64        `json:"claimed"`
	Failed  []ClaimFailure `json:"failed"`
}

// ClaimInput names the pool customers to claim.
type ClaimInput struct {
	CustomerIDs []int64 `json:"customer_ids"`
}

// MaxClaim bounds one claim request.
const MaxClaim = 100

// Claim takes customers from the pool for the actor (捞取), within their
// quota and daily claim limit. Each customer is taken with a conditional
// UPDATE (still in the pool, still without owner) and the rows affected
// decide: of two agents claiming the same customer at once exactly one gets
// it, on SQLite and PostgreSQL alike, and no lock outlives the request. When
// nothing could be claimed the error says why; otherwise the result lists
// what was claimed and what was not.
func (s *Service) Claim(ctx context.Context, a *org.Actor, in ClaimInput) (*ClaimResult, error) {
	if err := a.Require(org.P("pool", "claim")); err != nil {
		return nil, err
	}
	ids := uniqueIDs(in.CustomerIDs)
	if len(ids) == 0 || len(ids) > MaxClaim {
		return nil, apperr.Invalid("customer_ids", "give 1 to %d customers to claim", MaxClaim)
	}
	if a.UserID == 0 {
		return nil, apperr.Invalid("", "only a user can claim customers")
	}
	me, err := loadUser(ctx, s.db, a.UserID)
	if err != nil {
		return nil, err
	}
	to := Placement{OwnerID: me.ID, TeamID: me.TeamID, DepartmentID: me.DepartmentID}
	res := &ClaimResult{Claimed: []int64{}, Failed: []ClaimFailure{}}
	op := newOp(ActionClaim, "", a, s.now())
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		lim, err := s.claimRoom(ctx, tx, me)
		if err != nil {
			return err
		}
		room, why := lim.room, lim.why
		for _, id := range ids {
			if room == 0 {
				res.Failed = append(res.Failed, failure(id, why))
				continue
			}
			ok, err := claimOne(ctx, tx, op, to, id)
			if err != nil {
				return err
			}
			if !ok {
				res.Failed = append(res.Failed, failure(id, conflict(CodeAlreadyClaimed, "customer_ids",
					"customer #%d is no longer in the pool: another agent claimed it first, or it was moved", id)))
				continue
			}
			res.Claimed = append(res.Claimed, id)
			room--
		}
		if len(res.Claimed) == 0 {
			f := res.Failed[0]
			return conflict(f.Code, "customer_ids", "%s", f.Message)
		}
		return s.logMoves(ctx, tx, op, Placement{Pool: true}, to, res.Claimed)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func failure(id int64, err error) ClaimFailure {
	e := apperr.As(err)
	return ClaimFailure{CustomerID: id, Code: e.Code, Message: e.Message}
}

// unlimited stands for "no limit" in room computations.
const unlimited = 1 << 30

// claimLimit is how many more customers an agent may claim now, and the
// error that explains a zero.
type claimLimit struct {
	room int
	why  error
}

// claimRoom locks the agent and computes their claimLimit.
func (s *Service) claimRoom(ctx context.Context, tx *sql.Tx, me *userInfo) (claimLimit, error) {
	ownQuota, ownDaily, err := lockAgent(ctx, tx, me.ID)
	if err != nil {
		return claimLimit{}, err
	}
	settings, err := loadPoolSettings(ctx, tx)
	if err != nil {
		return claimLimit{}, err
	}
	room := unlimited
	var why error
	if quota := effective(ownQuota, settings.DefaultQuota); quota > 0 {
		have, err := owned(ctx, tx, me.ID)
		if err != nil {
			return claimLimit{}, err
		}
		if r := max(quota-have, 0); r < room {
			room = r
			why = conflict(CodeQuotaExceeded, "customer_ids", "%s holds %d customers with a quota of %d: release or finish some before claiming more", me.Name, have, quota)
		}
	}
	if daily := effective(ownDaily, settings.DailyClaimLimit); daily > 0 {
		var today sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT sum(count) FROM crm_allocations WHERE action = $1 AND to_owner_id = $2 AND at >= $3`,
			ActionClaim, me.ID, s.dayStart().UnixMilli()).Scan(&today); err != nil {
			return claimLimit{}, fmt.Errorf("crm: claims today: %w", err)
		}
		if r := max(daily-int(today.Int64), 0); r < room {
			room = r
			why = conflict(CodeDailyLimit, "customer_ids", "%s has claimed %d customers today, the daily limit: try again tomorrow", me.Name, today.Int64)
		}
	}
	return claimLimit{room, why}, nil
}

// claimOne takes one customer from the pool if it is still there.
func claimOne(ctx context.Context, tx *sql.Tx, op moveOp, to Placement, id int64) (bool, error) {
	now := op.At.UnixMilli()
	res, err := tx.ExecContext(ctx, `UPDATE customers SET owner_id = $1, team_id = $2, department_id = $3, in_pool = FALSE,
		pooled_at = 0, pool_reason = '', owned_at = $4, updated_at = $4
		WHERE id = $5 AND in_pool = TRUE AND owner_id IS NULL`, to.OwnerID, nullable(to.TeamID), nullable(to.DepartmentID), now, id)
	if err != nil {
		return false, fmt.Errorf("crm: claim: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ReleaseInput gives a customer up to the pool with the reason.
type ReleaseInput struct {
	Reason string `json:"reason"`
}

// Release gives a customer in a's scope up to the pool (放弃). Its open
// tasks are closed.
func (s *Service) Release(ctx context.Context, a *org.Actor, id int64, in ReleaseInput) (*Customer, error) {
	if err := a.Require(org.P("pool", "release")); err != nil {
		return nil, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return nil, invalid(CodeRequired, "reason", "is required")
	}
	if err := valid.Text("reason", in.Reason, 1, 200); err != nil {
		return nil, err
	}
	var c *Customer
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.scopedCustomer(ctx, tx, a, id, writeScope)
		if err != nil {
			return err
		}
		if before.InPool {
			return conflict(CodeNotInPool, "", "customer %s is already in the pool", before.Name)
		}
		from := Placement{OwnerID: before.OwnerID, TeamID: before.TeamID, DepartmentID: before.DepartmentID}
		op := newOp(ActionRelease, in.Reason, a, s.now())
		if _, err := s.applyMoves(ctx, tx, op, []moveGroup{{From: from, To: Placement{Pool: true}, IDs: []int64{id}}}); err != nil {
			return err
		}
		c, err = getCustomer(ctx, tx, id)
		return err
	})
	return c, err
}

// ClaimError turns a claim failure back into its error (for callers that
// show it like any other).
func ClaimError(f ClaimFailure) error {
	return conflict(f.Code, "customer_ids", "%s", f.Message)
}
