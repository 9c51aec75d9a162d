package satisfaction

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Case statuses, in workflow order.
const (
	StatusNew        = "new"         // the rating arrived
	StatusReviewed   = "reviewed"    // the supervisor listened and found the reason
	StatusAssigned   = "assigned"    // a call-back is due from an after-sales team
	StatusCalledBack = "called_back" // the customer was called (or could not be reached)
	StatusClosed     = "closed"      // the outcome was fed back
)

// Statuses lists the statuses in workflow order.
var Statuses = []string{StatusNew, StatusReviewed, StatusAssigned, StatusCalledBack, StatusClosed}

// Call-back results.
const (
	ResultResolved    = "resolved"
	ResultNotResolved = "not_resolved"
	ResultUnreachable = "unreachable"
)

// Results lists the call-back results.
var Results = []string{ResultResolved, ResultNotResolved, ResultUnreachable}

// Columns are the data-scope columns of sat_cases aliased "c".
var Columns = org.Columns{Owner: "c.agent_id", Team: "c.team_id", Department: "c.department_id"}

// Case is the review of one very-unsatisfied rating.
type Case struct {
	ID           int64     `json:"id"`
	CallID       string    `json:"call_id"`
	RatedAt      time.Time `json:"rated_at"`
	Score        int       `json:"score"`
	Scale        int       `json:"scale"`
	Queue        string    `json:"queue,omitempty"`
	AgentID      int64     `json:"agent_id,omitempty"`
	TeamID       int64     `json:"team_id,omitempty"`
	DepartmentID int64     `json:"department_id,omitempty"`
	Status       string    `json:"status"`

	ReasonID   int64     `json:"reason_id,omitempty"`
	Finding    string    `json:"finding,omitempty"`
	ReviewedBy int64     `json:"reviewed_by,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`

	CallbackTeamID int64     `json:"callback_team_id,omitempty"`
	CallbackUserID int64     `json:"callback_user_id,omitempty"`
	CallbackDueAt  time.Time `json:"callback_due_at,omitzero"`
	AssignedBy     int64     `json:"assigned_by,omitempty"`
	AssignedAt     time.Time `json:"assigned_at,omitzero"`

	CallbackResult   string    `json:"callback_result,omitempty"`
	CallbackNote     string    `json:"callback_note,omitempty"`
	CallbackAttempts int       `json:"callback_attempts"`
	CalledBackBy     int64     `json:"called_back_by,omitempty"`
	CalledBackAt     time.Time `json:"called_back_at,omitzero"`

	Outcome  string    `json:"outcome,omitempty"`
	ClosedBy int64     `json:"closed_by,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitzero"`

	// From the rated call's record (empty until its CDR is written): the
	// number to call back, the recording to listen to, the customer.
	Caller      string `json:"caller,omitempty"`
	RecordingID int64  `json:"recording_id,omitempty"`
	CustomerID  int64  `json:"customer_id,omitempty"`

	Overdue   bool      `json:"overdue"` // assigned and past the due time
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

const caseCols = `c.id, c.call_id, c.rated_at, c.score, c.scale, c.queue, COALESCE(c.agent_id, 0), COALESCE(c.team_id, 0),
	COALESCE(c.department_id, 0), c.status, COALESCE(c.reason_id, 0), c.finding, COALESCE(c.reviewed_by, 0), c.reviewed_at,
	COALESCE(c.callback_team_id, 0), COALESCE(c.callback_user_id, 0), c.callback_due_at, COALESCE(c.assigned_by, 0), c.assigned_at,
	c.callback_result, c.callback_note, c.callback_attempts, COALESCE(c.called_back_by, 0), c.called_back_at,
	c.outcome, COALESCE(c.closed_by, 0), c.closed_at, c.created_at, c.updated_at,
	COALESCE(CASE WHEN d.direction = 'inbound' THEN d.caller ELSE d.callee END, ''),
	COALESCE(d.recording_id, 0), COALESCE(d.customer_id, 0)`

// caseFrom joins the rated call's CDR: the case grants what the call
// record says about that one call (its number, its recording).
const caseFrom = ` FROM sat_cases c LEFT JOIN cdrs d ON d.call_id = c.call_id`

func scanCase(row interface{ Scan(...any) error }, now time.Time) (*Case, error) {
	var c Case
	var rated, reviewed, due, assigned, called, closed, created, updated int64
	err := row.Scan(&c.ID, &c.CallID, &rated, &c.Score, &c.Scale, &c.Queue, &c.AgentID, &c.TeamID, &c.DepartmentID, &c.Status,
		&c.ReasonID, &c.Finding, &c.ReviewedBy, &reviewed, &c.CallbackTeamID, &c.CallbackUserID, &due, &c.AssignedBy, &assigned,
		&c.CallbackResult, &c.CallbackNote, &c.CallbackAttempts, &c.CalledBackBy, &called, &c.Outcome, &c.ClosedBy, &closed,
		&created, &updated, &c.Caller, &c.RecordingID, &c.CustomerID)
	if err != nil {
		return nil, err
	}
	c.RatedAt, c.ReviewedAt, c.CallbackDueAt, c.AssignedAt = store.Time(rated), store.Time(reviewed), store.Time(due), store.Time(assigned)
	c.CalledBackAt, c.ClosedAt, c.CreatedAt, c.UpdatedAt = store.Time(called), store.Time(closed), store.Time(created), store.Time(updated)
	c.Overdue = c.Status == StatusAssigned && due > 0 && due < now.UnixMilli()
	return &c, nil
}

// visible is the WHERE condition of the cases a may read: those in a's
// data scope, and those whose call-back is assigned to a's team (the
// after-sales team calls customers of any department).
func visible(a *org.Actor, args *store.Args) string {
	w := a.Scope.Filter(Columns, args)
	if a.Scope.Kind != org.ScopeAll && a.Scope.TeamID != 0 {
		w = "(" + w + " OR c.callback_team_id = " + args.Add(a.Scope.TeamID) + ")"
	}
	return w
}

// inScope reports whether c is in a's own data scope (not only visible as
// an after-sales call-back).
func inScope(a *org.Actor, c *Case) bool { return a.Scope.Allows(c.AgentID, c.TeamID, c.DepartmentID) }

// Filter selects cases.
type Filter struct {
	Status         string
	AgentID        int64
	TeamID         int64
	Queue          string
	CallID         string
	CallbackTeamID int64
	Since, Until   time.Time // rated in [Since, Until)
	Overdue        bool
	Limit, Offset  int
}

func (f Filter) where(args *store.Args, now time.Time) (string, error) {
	w := ""
	if f.Status != "" {
		if !oneOf(f.Status, Statuses) {
			return "", apperr.Invalid("status", "must be one of %v", Statuses)
		}
		w += " AND c.status = " + args.Add(f.Status)
	}
	if f.AgentID != 0 {
		w += " AND c.agent_id = " + args.Add(f.AgentID)
	}
	if f.TeamID != 0 {
		w += " AND c.team_id = " + args.Add(f.TeamID)
	}
	if f.Queue != "" {
		w += " AND c.queue = " + args.Add(f.Queue)
	}
	if f.CallID != "" {
		w += " AND c.call_id = " + args.Add(f.CallID)
	}
	if f.CallbackTeamID != 0 {
		w += " AND c.callback_team_id = " + args.Add(f.CallbackTeamID)
	}
	if !f.Since.IsZero() {
		w += " AND c.rated_at >= " + args.Add(f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		w += " AND c.rated_at < " + args.Add(f.Until.UnixMilli())
	}
	if f.Overdue {
		w += " AND c.status = " + args.Add(StatusAssigned) + " AND c.callback_due_at > 0 AND c.callback_due_at < " + args.Add(now.UnixMilli())
	}
	return w, nil
}

// Cases lists the cases a may read, newest rating first, and the total.
func (s *Service) Cases(ctx context.Context, a *org.Actor, f Filter) ([]Case, int, error) {
	if _, err := s.PickUp(ctx); err != nil {
		return nil, 0, err
	}
	now := s.now()
	var args store.Args
	cond, err := f.where(&args, now)
	if err != nil {
		return nil, 0, err
	}
	where := visible(a, &args) + cond
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM sat_cases c WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("satisfaction: count cases: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE `+where+` ORDER BY c.rated_at DESC, c.id DESC LIMIT `+
		args.Add(f.Limit)+` OFFSET `+args.Add(f.Offset), args.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("satisfaction: list cases: %w", err)
	}
	defer rows.Close()
	out := []Case{}
	for rows.Next() {
		c, err := scanCase(rows, now)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// Case returns one case a may read (NotFound otherwise).
func (s *Service) Case(ctx context.Context, a *org.Actor, id int64) (*Case, error) {
	if _, err := s.PickUp(ctx); err != nil {
		return nil, err
	}
	return s.getCase(ctx, s.DB, a, id)
}

func (s *Service) getCase(ctx context.Context, q store.Querier, a *org.Actor, id int64) (*Case, error) {
	var args store.Args
	where := "c.id = " + args.Add(id) + " AND " + visible(a, &args)
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE `+where, args.Values()...), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("case")
	}
	if err != nil {
		return nil, fmt.Errorf("satisfaction: case %d: %w", id, err)
	}
	return c, nil
}

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
