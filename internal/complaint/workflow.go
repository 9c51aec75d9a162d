package complaint

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

// AssessInput judges a ticket: its severity and liability (the penalty
// follows from both), and may correct the agent it is about.
type AssessInput struct {
	Severity           string `json:"severity"`
	Liability          string `json:"liability,omitempty"` // "" leaves it pending
	LiableDepartmentID int64  `json:"liable_department_id,omitempty"`
	AgentID            int64  `json:"agent_id,omitempty"` // 0 keeps the agent
	Note               string `json:"note,omitempty"`
}

// CheckInput ticks (or unticks) one of the five handling steps.
type CheckInput struct {
	Step string `json:"step"` // calm, listen, analyse, respond, thank
	Done bool   `json:"done"`
}

// ForwardInput forwards a ticket to the department responsible for it.
type ForwardInput struct {
	DepartmentID int64     `json:"department_id"`
	DeadlineAt   time.Time `json:"deadline_at"`
	Note         string    `json:"note,omitempty"`
}

// ReplyInput is the responsible department's answer.
type ReplyInput struct {
	Reply string `json:"reply"`
}

// CallbackInput is the result call-back to the customer.
type CallbackInput struct {
	Result       string `json:"result"`                 // resolved, not_resolved, unreachable
	Satisfaction string `json:"satisfaction,omitempty"` // satisfied, basically_satisfied, unsatisfied; not when unreachable
	Note         string `json:"note,omitempty"`
}

// CloseInput closes a ticket; ReopenInput opens a closed one again.
type (
	CloseInput struct {
		Note string `json:"note"`
	}
	ReopenInput struct {
		Reason string `json:"reason"`
	}
)

// action is one kind of change to a ticket: the statuses it starts from
// (nil: any but closed), the one it leads to ("" keeps it), and who may
// take it beyond the route's permission.
type action struct {
	kind string
	from []string
	to   string
	may  func(ctx context.Context, q store.Querier, a *org.Actor, c *Complaint) error
}

// change is what an action writes: the ticket's columns and the detail
// its timeline event shows.
type change struct {
	cols   []string
	vals   []any
	detail Detail
}

func (c *change) set(col string, v any) {
	c.cols = append(c.cols, col)
	c.vals = append(c.vals, v)
}

// managers are supervisors (complaints:manage, checked by the route) of
// the ticket's agent: the ticket must be in their own scope, not only
// forwarded to their department.
func managers(_ context.Context, _ store.Querier, a *org.Actor, c *Complaint) error {
	if inScope(a, c) {
		return nil
	}
	return apperr.Forbidden("only those whose scope holds the ticket's agent may do this")
}

// handlers are who takes the complaint: anyone with the ticket in scope,
// and who registered it.
func handlers(_ context.Context, _ store.Querier, a *org.Actor, c *Complaint) error {
	if inScope(a, c) || (a.UserID != 0 && c.CreatedBy == a.UserID) {
		return nil
	}
	return apperr.Forbidden("only who handles the complaint may tick its steps")
}

// responsible are the users of the department the ticket is forwarded to
// (or of one above it, for department-scoped roles), and its managers.
func responsible(ctx context.Context, q store.Querier, a *org.Actor, c *Complaint) error {
	if a.Can(PermManage) && inScope(a, c) {
		return nil
	}
	var dept int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(department_id, 0) FROM users WHERE id = $1`, a.UserID).Scan(&dept)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if dept != 0 && dept == c.ResponsibleDepartmentID {
		return nil
	}
	for _, d := range a.Scope.DeptIDs {
		if d == c.ResponsibleDepartmentID {
			return nil
		}
	}
	return apperr.Forbidden("only the department the complaint is forwarded to may reply")
}

var (
	acAssess   = action{"assessed", nil, "", managers}
	acCheck    = action{"checked", nil, "", handlers}
	acForward  = action{"forwarded", []string{StatusOpen, StatusForwarded, StatusReplied, StatusCalledBack}, StatusForwarded, managers}
	acReply    = action{"replied", []string{StatusForwarded}, StatusReplied, responsible}
	acCallback = action{"called_back", []string{StatusOpen, StatusReplied, StatusCalledBack}, StatusCalledBack, managers}
	acClose    = action{"closed", []string{StatusOpen, StatusReplied, StatusCalledBack}, StatusClosed, managers}
	acReopen   = action{"reopened", []string{StatusClosed}, StatusOpen, managers}
)

// Assess sets the severity and liability and so the penalty: the amount
// configured for the severity when the liability is the agent's or a
// department's, fixed at the time (a later change of the configured amounts
// does not change judged tickets).
func (s *Service) Assess(ctx context.Context, a *org.Actor, id int64, in AssessInput) (*Complaint, error) {
	if err := valid.OneOf("severity", in.Severity, Severities...); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = text("note", in.Note, 0, 2000); err != nil {
		return nil, err
	}
	return s.act(ctx, a, id, acAssess, func(tx *sql.Tx, c *Complaint, now time.Time) (*change, error) {
		ch := &change{}
		agent := c.AgentID
		if in.AgentID != 0 && in.AgentID != c.AgentID {
			o, err := s.owner(ctx, a, in.AgentID, owner{})
			if err != nil {
				return nil, err
			}
			agent = o.agent
			ch.set("agent_id", o.agent)
			ch.set("team_id", store.NullID(o.team))
			ch.set("department_id", store.NullID(o.dept))
		}
		if in.Liability != "" {
			if err := checkLiability(ctx, tx, in.Liability, in.LiableDepartmentID, agent); err != nil {
				return nil, err
			}
		} else if in.LiableDepartmentID != 0 {
			return nil, apperr.Invalid("liable_department_id", "only with liability department")
		}
		penalty := c.PenaltyFen
		if in.Severity != c.Severity || in.Liability != c.Liability || agent != c.AgentID {
			pen, err := loadPenalties(ctx, tx)
			if err != nil {
				return nil, err
			}
			penalty = 0
			if in.Liability == LiabilityAgent || in.Liability == LiabilityDepartment {
				penalty = pen.Of(in.Severity)
			}
		}
		ch.set("severity", in.Severity)
		ch.set("liability", in.Liability)
		ch.set("liable_department_id", store.NullID(in.LiableDepartmentID))
		ch.set("penalty_fen", penalty)
		ch.detail = Detail{Severity: in.Severity, Liability: in.Liability, LiableDepartmentID: in.LiableDepartmentID,
			AgentID: agent, PenaltyFen: penalty, Note: in.Note}
		return ch, nil
	})
}

// Check ticks or unticks a handling step, noting who and when.
func (s *Service) Check(ctx context.Context, a *org.Actor, id int64, in CheckInput) (*Complaint, error) {
	if !oneOf(in.Step, Steps) {
		return nil, apperr.Invalid("step", "must be one of %v", Steps)
	}
	ac := acCheck
	if !in.Done {
		ac.kind = "unchecked"
	}
	return s.act(ctx, a, id, ac, func(tx *sql.Tx, c *Complaint, now time.Time) (*change, error) {
		var changed bool
		var err error
		if in.Done {
			changed, err = tick(ctx, tx, a, c.ID, in.Step, now.UnixMilli())
		} else {
			var res sql.Result
			if res, err = tx.ExecContext(ctx, `DELETE FROM complaint_checks WHERE complaint_id = $1 AND step = $2`, c.ID, in.Step); err == nil {
				n, _ := res.RowsAffected()
				changed = n > 0
			}
		}
		if err != nil {
			return nil, err
		}
		if !changed {
			return nil, apperr.Conflict("unchanged", "step %s is already %s", in.Step, map[bool]string{true: "ticked", false: "not ticked"}[in.Done])
		}
		return &change{detail: Detail{Step: in.Step}}, nil
	})
}

// Forward sends the ticket to the responsible department with a deadline
// for its reply; forwarding again (to the same or another department)
// keeps the earlier forwards.
func (s *Service) Forward(ctx context.Context, a *org.Actor, id int64, in ForwardInput) (*Complaint, error) {
	if in.DepartmentID == 0 {
		return nil, apperr.Invalid("department_id", "choose the responsible department")
	}
	if in.DeadlineAt.IsZero() {
		return nil, apperr.Invalid("deadline_at", "say by when the department replies")
	}
	var err error
	if in.Note, err = text("note", in.Note, 0, 2000); err != nil {
		return nil, err
	}
	return s.act(ctx, a, id, acForward, func(tx *sql.Tx, c *Complaint, now time.Time) (*change, error) {
		if !in.DeadlineAt.After(now) {
			return nil, apperr.Invalid("deadline_at", "is in the past")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM departments WHERE id = $1`, in.DepartmentID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, apperr.Invalid("department_id", "department %d does not exist", in.DepartmentID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO complaint_forwards (complaint_id, department_id, deadline_at, note, forwarded_by,
			forwarded_at) VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, in.DepartmentID, in.DeadlineAt.UnixMilli(), in.Note,
			store.NullID(a.UserID), now.UnixMilli()); err != nil {
			return nil, fmt.Errorf("complaint: forward %d: %w", c.ID, err)
		}
		ch := &change{detail: Detail{DepartmentID: in.DepartmentID, DeadlineAt: in.DeadlineAt, Note: in.Note}}
		ch.set("responsible_department_id", in.DepartmentID)
		ch.set("deadline_at", in.DeadlineAt.UnixMilli())
		return ch, nil
	})
}

// Reply records the responsible department's answer to the last forward.
func (s *Service) Reply(ctx context.Context, a *org.Actor, id int64, in ReplyInput) (*Complaint, error) {
	var err error
	if in.Reply, err = text("reply", in.Reply, 1, 4000); err != nil {
		return nil, err
	}
	return s.act(ctx, a, id, acReply, func(tx *sql.Tx, c *Complaint, now time.Time) (*change, error) {
		_, err := tx.ExecContext(ctx, `UPDATE complaint_forwards SET reply = $1, replied_by = $2, replied_at = $3
			WHERE id = (SELECT max(id) FROM complaint_forwards WHERE complaint_id = $4)`, in.Reply, store.NullID(a.UserID),
			now.UnixMilli(), c.ID)
		if err != nil {
			return nil, fmt.Errorf("complaint: reply %d: %w", c.ID, err)
		}
		return &change{detail: Detail{DepartmentID: c.ResponsibleDepartmentID, Note: in.Reply}}, nil
	})
}

// CallBack records the result call-back to the customer.
func (s *Service) CallBack(ctx context.Context, a *org.Actor, id int64, in CallbackInput) (*Complaint, error) {
	if err := valid.OneOf("result", in.Result, Results...); err != nil {
		return nil, err
	}
	switch {
	case in.Result == "unreachable" && in.Satisfaction != "":
		return nil, apperr.Invalid("satisfaction", "an unreachable customer gave none")
	case in.Result != "unreachable" && valid.OneOf("satisfaction", in.Satisfaction, Satisfactions...) != nil:
		return nil, apperr.Invalid("satisfaction", "ask the customer: one of %v", Satisfactions)
	}
	var err error
	if in.Note, err = text("note", in.Note, 0, 2000); err != nil {
		return nil, err
	}
	return s.act(ctx, a, id, acCallback, func(tx *sql.Tx, c *Complaint, now time.Time) (*change, error) {
		ch := &change{detail: Detail{Result: in.Result, Satisfaction: in.Satisfaction, Note: in.Note}}
		ch.set("callback_result", in.Result)
		ch.set("callback_satisfaction", in.Satisfaction)
		ch.set("callback_note", in.Note)
		ch.set("called_back_by", store.NullID(a.UserID))
		ch.set("called_back_at", now.UnixMilli())
		return ch, nil
	})
}

// Close closes the ticket; a forwarded one waits for its reply first.
func (s *Service) Close(ctx context.Context, a *org.Actor, id int64, in CloseInput) (*Complaint, error) {
	var err error
	if in.Note, err = text("note", in.Note, 1, 2000); err != nil {
		return nil, err
	}
	return s.act(ctx, a, id, acClose, func(tx *sql.Tx, c *Complaint, now time.Time) (*change, error) {
		ch := &change{detail: Detail{Note: in.Note}}
		ch.set("close_note", in.Note)
		ch.set("closed_by", store.NullID(a.UserID))
		ch.set("closed_at", now.UnixMilli())
		return ch, nil
	})
}

// Reopen opens a closed ticket again (the customer came back).
func (s *Service) Reopen(ctx context.Context, a *org.Actor, id int64, in ReopenInput) (*Complaint, error) {
	var err error
	if in.Reason, err = text("reason", in.Reason, 1, 2000); err != nil {
		return nil, err
	}
	return s.act(ctx, a, id, acReopen, func(tx *sql.Tx, c *Complaint, now time.Time) (*change, error) {
		ch := &change{detail: Detail{Note: in.Reason}}
		ch.set("reopened", c.Reopened+1)
		ch.set("closed_by", nil)
		ch.set("closed_at", 0)
		return ch, nil
	})
}

// act runs one action in a transaction: it loads the ticket as a sees it,
// checks who may act and the status, applies fn's change (only if the
// status did not change meanwhile), writes the timeline event and the audit
// entry, and returns the ticket as it is now.
func (s *Service) act(ctx context.Context, a *org.Actor, id int64, ac action,
	fn func(tx *sql.Tx, c *Complaint, now time.Time) (*change, error)) (*Complaint, error) {
	var out *Complaint
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := s.get(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := ac.may(ctx, tx, a, c); err != nil {
			return err
		}
		if err := allowed(ac, c.Status); err != nil {
			return err
		}
		now := s.now()
		ch, err := fn(tx, c, now)
		if err != nil {
			return err
		}
		to := ac.to
		if to == "" {
			to = c.Status
		}
		if err := s.write(ctx, tx, c, to, ch, now); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, a, id, ac.kind, to, ch.detail, now.UnixMilli()); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, a, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), ac.kind, "complaints", id, fmt.Sprintf("complaint %d %s", id, ac.kind), c, out)
	})
	return out, err
}

func allowed(ac action, status string) error {
	if ac.from == nil {
		if status == StatusClosed {
			return apperr.Conflict("closed", "the complaint is closed; reopen it first")
		}
		return nil
	}
	if oneOf(status, ac.from) {
		return nil
	}
	if status == StatusForwarded {
		return apperr.Conflict("wrong_status", "the complaint waits for the responsible department's reply")
	}
	return apperr.Conflict("wrong_status", "the complaint is %s; this needs it %s", status, strings.Join(ac.from, ", "))
}

func (s *Service) write(ctx context.Context, tx *sql.Tx, c *Complaint, to string, ch *change, now time.Time) error {
	var args store.Args
	sets := "status = " + args.Add(to) + ", updated_at = " + args.Add(now.UnixMilli())
	for i, col := range ch.cols {
		sets += ", " + col + " = " + args.Add(ch.vals[i])
	}
	res, err := tx.ExecContext(ctx, `UPDATE complaints SET `+sets+` WHERE id = `+args.Add(c.ID)+` AND status = `+args.Add(c.Status),
		args.Values()...)
	if err != nil {
		return fmt.Errorf("complaint: update %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.Conflict("changed", "the complaint changed meanwhile; reload it")
	}
	return nil
}
