package satisfaction

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Step kinds: the actions of the workflow, also the audit actions.
const (
	StepReview   = "review"
	StepAssign   = "assign"
	StepCallback = "callback"
	StepClose    = "close"
)

// ReviewInput is the supervisor's review: the reason category and what the
// recording showed.
type ReviewInput struct {
	ReasonID int64  `json:"reason_id"`
	Finding  string `json:"finding"`
}

// AssignInput hands the call-back to an after-sales team, optionally to
// one of its members, due at a time.
type AssignInput struct {
	TeamID int64     `json:"team_id"`
	UserID int64     `json:"user_id,omitempty"`
	DueAt  time.Time `json:"due_at"`
	Note   string    `json:"note,omitempty"`
}

// CallbackInput is the call-back's result.
type CallbackInput struct {
	Result string `json:"result"` // resolved, not_resolved, unreachable
	Note   string `json:"note,omitempty"`
}

// CloseInput closes the case: the final reason (the review's when zero)
// and the outcome fed back to the agent and the team.
type CloseInput struct {
	ReasonID int64  `json:"reason_id,omitempty"`
	Outcome  string `json:"outcome"`
}

// transition is one step of the workflow: the statuses it starts from,
// the one it leads to, and whether the after-sales team may take it.
type transition struct {
	kind       string
	from       []string
	to         string
	afterSales bool
}

var (
	trReview   = transition{StepReview, []string{StatusNew}, StatusReviewed, false}
	trAssign   = transition{StepAssign, []string{StatusReviewed, StatusAssigned, StatusCalledBack}, StatusAssigned, false}
	trCallback = transition{StepCallback, []string{StatusAssigned}, StatusCalledBack, true}
	trClose    = transition{StepClose, []string{StatusCalledBack}, StatusClosed, false}
)

// change is what a step writes: the case's columns and its timeline row.
type change struct {
	cols []string
	vals []any
	step Step
}

func (c *change) set(col string, v any) {
	c.cols = append(c.cols, col)
	c.vals = append(c.vals, v)
}

// Review records that the recording was heard and why the caller was
// very unsatisfied. The rating's own review columns (GET /ratings) are
// filled too when empty, so that its "unreviewed" filter stays true.
func (s *Service) Review(ctx context.Context, a *org.Actor, id int64, in ReviewInput) (*Case, error) {
	var err error
	if in.Finding, err = note("finding", in.Finding, 1, 2000); err != nil {
		return nil, err
	}
	return s.advance(ctx, a, id, trReview, func(tx *sql.Tx, c *Case, now time.Time) (*change, error) {
		if err := activeReason(ctx, tx, "reason_id", in.ReasonID); err != nil {
			return nil, err
		}
		ch := &change{step: Step{ReasonID: in.ReasonID, Note: in.Finding}}
		ch.set("reason_id", in.ReasonID)
		ch.set("finding", in.Finding)
		ch.set("reviewed_by", store.NullID(a.UserID))
		ch.set("reviewed_at", now.UnixMilli())
		_, err := tx.ExecContext(ctx, `UPDATE call_ratings SET reviewed_by = $1, reviewed_at = $2, review_note = $3
			WHERE call_id = $4 AND reviewed_at = 0`, store.NullID(a.UserID), now.UnixMilli(), in.Finding, c.CallID)
		return ch, err
	})
}

// Assign hands the call-back to a team (again, to retry an unreachable
// customer or to move it to another team).
func (s *Service) Assign(ctx context.Context, a *org.Actor, id int64, in AssignInput) (*Case, error) {
	if in.TeamID == 0 {
		return nil, apperr.Invalid("team_id", "choose the after-sales team that calls back")
	}
	if in.DueAt.IsZero() {
		return nil, apperr.Invalid("due_at", "say by when the customer is called back")
	}
	var err error
	if in.Note, err = note("note", in.Note, 0, 2000); err != nil {
		return nil, err
	}
	return s.advance(ctx, a, id, trAssign, func(tx *sql.Tx, c *Case, now time.Time) (*change, error) {
		if c.Status == StatusCalledBack && c.CallbackResult != ResultUnreachable {
			return nil, apperr.Conflict("wrong_status", "the customer was reached (%s); close the case instead", c.CallbackResult)
		}
		if !in.DueAt.After(now) {
			return nil, apperr.Invalid("due_at", "is in the past")
		}
		if err := checkAssignee(ctx, tx, in.TeamID, in.UserID); err != nil {
			return nil, err
		}
		ch := &change{step: Step{TeamID: in.TeamID, UserID: in.UserID, DueAt: in.DueAt, Note: in.Note}}
		ch.set("callback_team_id", in.TeamID)
		ch.set("callback_user_id", store.NullID(in.UserID))
		ch.set("callback_due_at", in.DueAt.UnixMilli())
		ch.set("assigned_by", store.NullID(a.UserID))
		ch.set("assigned_at", now.UnixMilli())
		return ch, nil
	})
}

func checkAssignee(ctx context.Context, q store.Querier, teamID, userID int64) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM teams WHERE id = $1`, teamID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalid("team_id", "team %d does not exist", teamID)
	}
	if userID == 0 {
		return nil
	}
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1 AND team_id = $2 AND active = TRUE`, userID, teamID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalid("user_id", "user %d is not an active member of that team", userID)
	}
	return nil
}

// CallBack records the call to the customer. Members of the assigned
// team may record it on cases outside their own data scope.
func (s *Service) CallBack(ctx context.Context, a *org.Actor, id int64, in CallbackInput) (*Case, error) {
	if !oneOf(in.Result, Results) {
		return nil, apperr.Invalid("result", "must be one of %v", Results)
	}
	minLen := 1 // what the customer said; nothing to say when nobody answered
	if in.Result == ResultUnreachable {
		minLen = 0
	}
	var err error
	if in.Note, err = note("note", in.Note, minLen, 2000); err != nil {
		return nil, apperr.Invalid("note", "say what the customer said (up to 2000 characters)")
	}
	return s.advance(ctx, a, id, trCallback, func(tx *sql.Tx, c *Case, now time.Time) (*change, error) {
		ch := &change{step: Step{Result: in.Result, Note: in.Note}}
		ch.set("callback_result", in.Result)
		ch.set("callback_note", in.Note)
		ch.set("callback_attempts", c.CallbackAttempts+1)
		ch.set("called_back_by", store.NullID(a.UserID))
		ch.set("called_back_at", now.UnixMilli())
		return ch, nil
	})
}

// Close ends the case with the final reason and the outcome fed back.
func (s *Service) Close(ctx context.Context, a *org.Actor, id int64, in CloseInput) (*Case, error) {
	var err error
	if in.Outcome, err = note("outcome", in.Outcome, 1, 2000); err != nil {
		return nil, err
	}
	return s.advance(ctx, a, id, trClose, func(tx *sql.Tx, c *Case, now time.Time) (*change, error) {
		reason := in.ReasonID
		if reason == 0 {
			reason = c.ReasonID
		} else if reason != c.ReasonID {
			if err := activeReason(ctx, tx, "reason_id", reason); err != nil {
				return nil, err
			}
		}
		ch := &change{step: Step{ReasonID: reason, Note: in.Outcome}}
		ch.set("reason_id", store.NullID(reason))
		ch.set("outcome", in.Outcome)
		ch.set("closed_by", store.NullID(a.UserID))
		ch.set("closed_at", now.UnixMilli())
		return ch, nil
	})
}

// advance runs one transition in a transaction: it loads the case as a
// sees it, checks who may take the step and that the case is in a status
// the step starts from, writes the change with the case's new status (only
// if nobody changed the status meanwhile), the timeline row and the audit
// entry, and returns the case as it is now.
func (s *Service) advance(ctx context.Context, a *org.Actor, id int64, tr transition,
	fn func(tx *sql.Tx, c *Case, now time.Time) (*change, error)) (*Case, error) {
	if _, err := s.PickUp(ctx); err != nil {
		return nil, err
	}
	var out *Case
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := s.getCase(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !inScope(a, c) && !(tr.afterSales && c.CallbackTeamID != 0 && c.CallbackTeamID == a.Scope.TeamID) {
			return apperr.Forbidden("the after-sales team may only record the call-back of this case")
		}
		if !oneOf(c.Status, tr.from) {
			return apperr.Conflict("wrong_status", "the case is %s; %s needs it %s", c.Status, tr.kind, strings.Join(tr.from, " or "))
		}
		now := s.now()
		ch, err := fn(tx, c, now)
		if err != nil {
			return err
		}
		if err := s.write(ctx, tx, a, c, tr, ch, now); err != nil {
			return err
		}
		if out, err = s.getCase(ctx, tx, a, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), tr.kind, "satisfaction", id,
			fmt.Sprintf("case of call %s: %s → %s", c.CallID, c.Status, tr.to), c, out)
	})
	return out, err
}

func (s *Service) write(ctx context.Context, tx *sql.Tx, a *org.Actor, c *Case, tr transition, ch *change, now time.Time) error {
	var args store.Args
	sets := "status = " + args.Add(tr.to) + ", updated_at = " + args.Add(now.UnixMilli())
	for i, col := range ch.cols {
		sets += ", " + col + " = " + args.Add(ch.vals[i])
	}
	res, err := tx.ExecContext(ctx, `UPDATE sat_cases SET `+sets+` WHERE id = `+args.Add(c.ID)+` AND status = `+args.Add(c.Status),
		args.Values()...)
	if err != nil {
		return fmt.Errorf("satisfaction: %s case %d: %w", tr.kind, c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.Conflict("changed", "the case changed meanwhile; reload it")
	}
	st := ch.step
	_, err = tx.ExecContext(ctx, `INSERT INTO sat_case_steps (case_id, at, actor_id, actor_name, kind, status, reason_id, team_id,
		user_id, due_at, result, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, now.UnixMilli(), store.NullID(a.UserID), actorName(a), tr.kind, tr.to, store.NullID(st.ReasonID),
		store.NullID(st.TeamID), store.NullID(st.UserID), store.Millis(st.DueAt), st.Result, st.Note)
	if err != nil {
		return fmt.Errorf("satisfaction: timeline of case %d: %w", c.ID, err)
	}
	return nil
}
