package complaint

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Severities (DOMAIN.md §3).
const (
	SeverityMinor   = "minor"   // 轻微
	SeverityGeneral = "general" // 一般: the customer threatens an external complaint
	SeveritySerious = "serious" // 严重: already complained externally
)

// Severities in rising order.
var Severities = []string{SeverityMinor, SeverityGeneral, SeveritySerious}

// Liabilities: who is responsible. A new ticket's liability is pending
// ("") until someone judges it.
const (
	LiabilityPending    = ""
	LiabilityAgent      = "agent"      // the ticket's agent (有责)
	LiabilityDepartment = "department" // a department
	LiabilityNone       = "none"       // nobody (无责)
)

// Liabilities that can be judged.
var Liabilities = []string{LiabilityAgent, LiabilityDepartment, LiabilityNone}

// Statuses.
const (
	StatusOpen       = "open"
	StatusForwarded  = "forwarded"
	StatusReplied    = "replied"
	StatusCalledBack = "called_back"
	StatusClosed     = "closed"
)

// Statuses in their usual order.
var Statuses = []string{StatusOpen, StatusForwarded, StatusReplied, StatusCalledBack, StatusClosed}

// Channels a complaint arrives through.
var Channels = []string{"phone", "online", "wechat", "email", "letter", "visit", "other"}

// Steps are the five handling steps of DOMAIN.md §5, in order.
var Steps = []string{"calm", "listen", "analyse", "respond", "thank"}

// Call-back results and the customer's satisfaction with the handling.
var (
	Results       = []string{"resolved", "not_resolved", "unreachable"}
	Satisfactions = []string{"satisfied", "basically_satisfied", "unsatisfied"}
)

// Columns are the data-scope columns of complaints aliased "c".
var Columns = org.Columns{Owner: "c.agent_id", Team: "c.team_id", Department: "c.department_id"}

// Complaint is a ticket.
type Complaint struct {
	ID           int64  `json:"id"`
	CallID       string `json:"call_id,omitempty"`
	RecordingID  int64  `json:"recording_id,omitempty"`
	CustomerID   int64  `json:"customer_id,omitempty"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
	Channel      string `json:"channel"`
	Content      string `json:"content"`

	Severity           string `json:"severity"`
	Liability          string `json:"liability"` // "" pending, agent, department, none
	LiableDepartmentID int64  `json:"liable_department_id,omitempty"`
	PenaltyFen         int64  `json:"penalty_fen"` // the liable party's penalty, fixed when judged

	Status                  string    `json:"status"`
	AgentID                 int64     `json:"agent_id,omitempty"`
	TeamID                  int64     `json:"team_id,omitempty"`
	DepartmentID            int64     `json:"department_id,omitempty"`
	ResponsibleDepartmentID int64     `json:"responsible_department_id,omitempty"` // the last forward's
	DeadlineAt              time.Time `json:"deadline_at,omitzero"`
	Overdue                 bool      `json:"overdue"` // forwarded, no reply, past the deadline

	CallbackResult       string    `json:"callback_result,omitempty"`
	CallbackSatisfaction string    `json:"callback_satisfaction,omitempty"`
	CallbackNote         string    `json:"callback_note,omitempty"`
	CalledBackBy         int64     `json:"called_back_by,omitempty"`
	CalledBackAt         time.Time `json:"called_back_at,omitzero"`

	CloseNote string    `json:"close_note,omitempty"`
	ClosedBy  int64     `json:"closed_by,omitempty"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	Reopened  int       `json:"reopened"`

	StepsDone int       `json:"steps_done"` // of the five handling steps
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

const complaintCols = `c.id, c.call_id, COALESCE(c.recording_id, 0), COALESCE(c.customer_id, 0), c.contact_name, c.contact_phone,
	c.channel, c.content, c.severity, c.liability, COALESCE(c.liable_department_id, 0), c.penalty_fen, c.status,
	COALESCE(c.agent_id, 0), COALESCE(c.team_id, 0), COALESCE(c.department_id, 0), COALESCE(c.responsible_department_id, 0),
	c.deadline_at, c.callback_result, c.callback_satisfaction, c.callback_note, COALESCE(c.called_back_by, 0), c.called_back_at,
	c.close_note, COALESCE(c.closed_by, 0), c.closed_at, c.reopened, COALESCE(c.created_by, 0), c.created_at, c.updated_at,
	(SELECT count(*) FROM complaint_checks k WHERE k.complaint_id = c.id)`

func scanComplaint(row interface{ Scan(...any) error }, now time.Time) (*Complaint, error) {
	var c Complaint
	var deadline, called, closed, created, updated int64
	err := row.Scan(&c.ID, &c.CallID, &c.RecordingID, &c.CustomerID, &c.ContactName, &c.ContactPhone, &c.Channel, &c.Content,
		&c.Severity, &c.Liability, &c.LiableDepartmentID, &c.PenaltyFen, &c.Status, &c.AgentID, &c.TeamID, &c.DepartmentID,
		&c.ResponsibleDepartmentID, &deadline, &c.CallbackResult, &c.CallbackSatisfaction, &c.CallbackNote, &c.CalledBackBy,
		&called, &c.CloseNote, &c.ClosedBy, &closed, &c.Reopened, &c.CreatedBy, &created, &updated, &c.StepsDone)
	if err != nil {
		return nil, err
	}
	c.DeadlineAt, c.CalledBackAt, c.ClosedAt = store.Time(deadline), store.Time(called), store.Time(closed)
	c.CreatedAt, c.UpdatedAt = store.Time(created), store.Time(updated)
	c.Overdue = c.Status == StatusForwarded && deadline > 0 && deadline < now.UnixMilli()
	return &c, nil
}

// visible is the WHERE condition of the tickets a may read: in a's data
// scope, registered by a, or forwarded (now or before) to a's department
// or, for department-scoped roles, to one below it.
func visible(a *org.Actor, args *store.Args) string {
	w := a.Scope.Filter(Columns, args)
	if a.Scope.Kind == org.ScopeAll || a.UserID == 0 {
		return w
	}
	me := args.Add(a.UserID)
	depts := `f.department_id IN (SELECT u.department_id FROM users u WHERE u.id = ` + me + `)`
	if len(a.Scope.DeptIDs) > 0 {
		depts = "(" + depts + " OR f.department_id IN " + args.In(a.Scope.DeptIDs...) + ")"
	}
	return "(" + w + " OR c.created_by = " + me +
		" OR EXISTS (SELECT 1 FROM complaint_forwards f WHERE f.complaint_id = c.id AND " + depts + "))"
}

// inScope reports whether the ticket is in a's own data scope.
func inScope(a *org.Actor, c *Complaint) bool {
	return a.Scope.Allows(c.AgentID, c.TeamID, c.DepartmentID)
}

// Filter selects tickets.
type Filter struct {
	Status                  string
	Severity                string
	Liability               string // agent, department, none, or "pending"
	DepartmentID            int64  // the ticket's
	ResponsibleDepartmentID int64  // the last forward's
	AgentID                 int64
	CallID                  string
	Search                  string // in the content and the contact
	Overdue                 bool
	Since, Until            time.Time // registered in [Since, Until)
	Limit, Offset           int
}

func (f Filter) where(args *store.Args, now time.Time) (string, error) {
	w := ""
	add := func(cond string, v any) { w += " AND " + cond + args.Add(v) }
	if f.Status != "" {
		if !oneOf(f.Status, Statuses) {
			return "", apperr.Invalid("status", "must be one of %v", Statuses)
		}
		add("c.status = ", f.Status)
	}
	if f.Severity != "" {
		if !oneOf(f.Severity, Severities) {
			return "", apperr.Invalid("severity", "must be one of %v", Severities)
		}
		add("c.severity = ", f.Severity)
	}
	switch {
	case f.Liability == "pending":
		add("c.liability = ", LiabilityPending)
	case f.Liability != "" && !oneOf(f.Liability, Liabilities):
		return "", apperr.Invalid("liability", "must be pending or one of %v", Liabilities)
	case f.Liability != "":
		add("c.liability = ", f.Liability)
	}
	if f.DepartmentID != 0 {
		add("c.department_id = ", f.DepartmentID)
	}
	if f.ResponsibleDepartmentID != 0 {
		add("c.responsible_department_id = ", f.ResponsibleDepartmentID)
	}
	if f.AgentID != 0 {
		add("c.agent_id = ", f.AgentID)
	}
	if f.CallID != "" {
		add("c.call_id = ", f.CallID)
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		p := args.Add("%" + q + "%")
		w += " AND (c.content LIKE " + p + " OR c.contact_name LIKE " + p + " OR c.contact_phone LIKE " + p + ")"
	}
	if f.Overdue {
		add("c.status = ", StatusForwarded)
		add("c.deadline_at > 0 AND c.deadline_at < ", now.UnixMilli())
	}
	if !f.Since.IsZero() {
		add("c.created_at >= ", f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		add("c.created_at < ", f.Until.UnixMilli())
	}
	return w, nil
}

// List returns the tickets a may read, newest first, and the total.
func (s *Service) List(ctx context.Context, a *org.Actor, f Filter) ([]Complaint, int, error) {
	now := s.now()
	var args store.Args
	cond, err := f.where(&args, now)
	if err != nil {
		return nil, 0, err
	}
	where := visible(a, &args) + cond
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM complaints c WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("complaint: count: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+complaintCols+` FROM complaints c WHERE `+where+
		` ORDER BY c.created_at DESC, c.id DESC LIMIT `+args.Add(f.Limit)+` OFFSET `+args.Add(f.Offset), args.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("complaint: list: %w", err)
	}
	defer rows.Close()
	out := []Complaint{}
	for rows.Next() {
		c, err := scanComplaint(rows, now)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// Get returns one ticket a may read (NotFound otherwise).
func (s *Service) Get(ctx context.Context, a *org.Actor, id int64) (*Complaint, error) {
	return s.get(ctx, s.DB, a, id)
}

func (s *Service) get(ctx context.Context, q store.Querier, a *org.Actor, id int64) (*Complaint, error) {
	var args store.Args
	where := "c.id = " + args.Add(id) + " AND " + visible(a, &args)
	c, err := scanComplaint(q.QueryRowContext(ctx, `SELECT `+complaintCols+` FROM complaints c WHERE `+where, args.Values()...), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("complaint")
	}
	if err != nil {
		return nil, fmt.Errorf("complaint: get %d: %w", id, err)
	}
	return c, nil
}
