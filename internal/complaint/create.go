package complaint

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// PermManage is needed to judge the liability.
var PermManage = org.P("complaints", "manage")

// Input registers a complaint. With CallID the call fills what is left
// empty: the caller's number, the customer matched by it, the channel
// (phone), the agent and the recording. Without one, the agent defaults to
// who registers it. Liability may be given by those who may manage
// complaints; Steps are handling steps already done while taking it.
type Input struct {
	CallID             string   `json:"call_id,omitempty"`
	CustomerID         int64    `json:"customer_id,omitempty"`
	ContactName        string   `json:"contact_name,omitempty"`
	ContactPhone       string   `json:"contact_phone,omitempty"`
	Channel            string   `json:"channel,omitempty"`
	Content            string   `json:"content"`
	Severity           string   `json:"severity"`
	AgentID            int64    `json:"agent_id,omitempty"`
	Liability          string   `json:"liability,omitempty"`
	LiableDepartmentID int64    `json:"liable_department_id,omitempty"`
	Steps              []string `json:"steps,omitempty"`
}

// Draft is a new ticket prefilled from a call, for the form to show.
type Draft struct {
	Input
	RecordingID  int64  `json:"recording_id,omitempty"`
	CustomerName string `json:"customer_name,omitempty"`

	call owner // the call's agent, team and department (the CDR's scope)
}

// Draft prefills a ticket from a call a may read.
func (s *Service) Draft(ctx context.Context, a *org.Actor, callID string) (*Draft, error) {
	d := &Draft{Input: Input{CallID: strings.TrimSpace(callID), Severity: SeverityMinor}}
	if d.CallID == "" {
		return nil, apperr.Invalid("call_id", "is required")
	}
	cdr, err := calllog.GetCDR(ctx, s.DB, a.Scope, d.CallID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Invalid("call_id", "no call %s in your scope", d.CallID)
	}
	if err != nil {
		return nil, fmt.Errorf("complaint: call %s: %w", d.CallID, err)
	}
	d.Channel, d.AgentID, d.RecordingID = "phone", cdr.AgentID, cdr.RecordingID
	d.call = owner{agent: cdr.AgentID, team: cdr.TeamID, dept: cdr.DepartmentID}
	d.ContactPhone = cdr.Caller
	if cdr.Direction != "inbound" {
		d.ContactPhone = cdr.Callee
	}
	d.CustomerID = cdr.CustomerID
	if err := s.matchCustomer(ctx, a, d); err != nil {
		return nil, err
	}
	return d, nil
}

// matchCustomer fills the customer of a draft: the call's, else the first
// the actor may read with the caller's number.
func (s *Service) matchCustomer(ctx context.Context, a *org.Actor, d *Draft) error {
	if s.CRM == nil {
		return nil
	}
	if d.CustomerID != 0 {
		c, err := s.CRM.Customer(ctx, a, d.CustomerID)
		if apperr.KindOf(err) == apperr.KindNotFound {
			d.CustomerID = 0 // a customer the actor may not read is not named
			return nil
		}
		if err != nil {
			return err
		}
		d.CustomerName, d.ContactName = c.Name, c.Name
		return nil
	}
	cs, err := s.CRM.Lookup(ctx, a, d.ContactPhone)
	if apperr.KindOf(err) == apperr.KindInvalid {
		return nil // an extension or an anonymous caller is no customer's number
	}
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		d.CustomerID, d.CustomerName, d.ContactName = cs[0].ID, cs[0].Name, cs[0].Name
	}
	return nil
}

// owner is the agent a ticket belongs to, with their team and department.
type owner struct{ agent, team, dept int64 }

// Create registers a ticket.
func (s *Service) Create(ctx context.Context, a *org.Actor, in Input) (*Complaint, error) {
	recording, call := int64(0), owner{}
	if in.CallID = strings.TrimSpace(in.CallID); in.CallID != "" {
		d, err := s.Draft(ctx, a, in.CallID)
		if err != nil {
			return nil, err
		}
		in, recording, call = fillFrom(in, d), d.RecordingID, d.call
	}
	if err := s.checkInput(ctx, a, &in); err != nil {
		return nil, err
	}
	own, err := s.owner(ctx, a, in.AgentID, call)
	if err != nil {
		return nil, err
	}
	var out *Complaint
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		pen, err := loadPenalties(ctx, tx)
		if err != nil {
			return err
		}
		penalty := int64(0)
		if in.Liability == LiabilityAgent || in.Liability == LiabilityDepartment {
			penalty = pen.Of(in.Severity)
		}
		now := s.now().UnixMilli()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO complaints (call_id, recording_id, customer_id, contact_name, contact_phone, channel,
			content, severity, liability, liable_department_id, penalty_fen, status, agent_id, team_id, department_id, created_by,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
			in.CallID, store.NullID(recording), store.NullID(in.CustomerID), in.ContactName, in.ContactPhone, in.Channel, in.Content,
			in.Severity, in.Liability, store.NullID(in.LiableDepartmentID), penalty, StatusOpen, store.NullID(own.agent),
			store.NullID(own.team), store.NullID(own.dept), store.NullID(a.UserID), now).Scan(&id)
		if err != nil {
			return fmt.Errorf("complaint: create: %w", err)
		}
		for _, st := range in.Steps {
			if _, err := tick(ctx, tx, a, id, st, now); err != nil {
				return err
			}
		}
		det := Detail{Severity: in.Severity, Liability: in.Liability, LiableDepartmentID: in.LiableDepartmentID, AgentID: own.agent,
			PenaltyFen: penalty, CallID: in.CallID}
		if err := addEvent(ctx, tx, a, id, "created", StatusOpen, det, now); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, a, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "complaints", id, "complaint ("+in.Severity+")", nil, out)
	})
	return out, err
}

// fillFrom completes in with the call's draft where in is empty.
func fillFrom(in Input, d *Draft) Input {
	if in.CustomerID == 0 {
		in.CustomerID = d.CustomerID
	}
	if in.ContactName == "" {
		in.ContactName = d.ContactName
	}
	if in.ContactPhone == "" {
		in.ContactPhone = d.ContactPhone
	}
	if in.Channel == "" {
		in.Channel = d.Channel
	}
	if in.AgentID == 0 {
		in.AgentID = d.AgentID
	}
	return in
}

func (s *Service) checkInput(ctx context.Context, a *org.Actor, in *Input) error {
	var err error
	if in.Content, err = text("content", in.Content, 1, 4000); err != nil {
		return err
	}
	in.ContactName, in.ContactPhone = strings.TrimSpace(in.ContactName), strings.TrimSpace(in.ContactPhone)
	if in.Channel == "" {
		in.Channel = "phone"
	}
	checks := []error{
		valid.Text("contact_name", in.ContactName, 0, 100),
		valid.Text("contact_phone", in.ContactPhone, 0, 40),
		valid.OneOf("channel", in.Channel, Channels...),
		valid.OneOf("severity", in.Severity, Severities...),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	for _, st := range in.Steps {
		if !oneOf(st, Steps) {
			return apperr.Invalid("steps", "unknown step %q (want %v)", st, Steps)
		}
	}
	if in.CustomerID != 0 && s.CRM != nil {
		c, err := s.CRM.Customer(ctx, a, in.CustomerID)
		if apperr.KindOf(err) == apperr.KindNotFound {
			return apperr.Invalid("customer_id", "no customer %d in your scope", in.CustomerID)
		}
		if err != nil {
			return err
		}
		if in.ContactName == "" {
			in.ContactName = c.Name
		}
		if in.ContactPhone == "" && len(c.Phones) > 0 {
			in.ContactPhone = c.Phones[0]
		}
	}
	if in.CustomerID == 0 && in.ContactName == "" && in.ContactPhone == "" {
		return apperr.Invalid("contact_phone", "say who complained: a customer, a name or a phone number")
	}
	if in.Liability != "" {
		if !a.Can(PermManage) {
			return apperr.Forbidden("judging the liability needs %s", PermManage)
		}
		return checkLiability(ctx, s.DB, in.Liability, in.LiableDepartmentID, in.AgentID)
	}
	if in.LiableDepartmentID != 0 {
		return apperr.Invalid("liable_department_id", "only with liability department")
	}
	return nil
}

// checkLiability checks a judged liability: the agent's needs an agent
// on the ticket, a department's an existing department.
func checkLiability(ctx context.Context, q store.Querier, liability string, dept, agent int64) error {
	if err := valid.OneOf("liability", liability, Liabilities...); err != nil {
		return err
	}
	switch liability {
	case LiabilityAgent:
		if agent == 0 {
			return apperr.Invalid("liability", "the ticket names no agent to hold liable")
		}
	case LiabilityDepartment:
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM departments WHERE id = $1`, dept).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.Invalid("liable_department_id", "choose the liable department")
		}
		return nil
	}
	if dept != 0 {
		return apperr.Invalid("liable_department_id", "only with liability department")
	}
	return nil
}

// owner resolves the ticket's agent (by default who registers it) with
// their team and department, which must be in the registrar's scope. The
// agent of the call the ticket is about keeps the call's team and
// department (the call's scope, which the registrar reads).
func (s *Service) owner(ctx context.Context, a *org.Actor, agent int64, call owner) (owner, error) {
	o := owner{agent: agent}
	if o.agent == 0 {
		o.agent = a.UserID
	}
	switch {
	case o.agent == 0:
		return owner{}, nil
	case o.agent == call.agent:
		return call, nil
	}
	err := s.DB.QueryRowContext(ctx, `SELECT COALESCE(team_id, 0), COALESCE(department_id, 0) FROM users WHERE id = $1`, o.agent).
		Scan(&o.team, &o.dept)
	if errors.Is(err, sql.ErrNoRows) {
		return o, apperr.Invalid("agent_id", "user %d does not exist", o.agent)
	}
	if err != nil {
		return o, fmt.Errorf("complaint: agent %d: %w", o.agent, err)
	}
	if o.agent != a.UserID && !a.Scope.Allows(o.agent, o.team, o.dept) {
		return o, apperr.Invalid("agent_id", "user %d is outside your data scope", o.agent)
	}
	return o, nil
}

// tick marks a step done by a, reporting whether it was not done before.
func tick(ctx context.Context, tx *sql.Tx, a *org.Actor, id int64, step string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO complaint_checks (complaint_id, step, done_by, done_by_name, done_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (complaint_id, step) DO NOTHING`, id, step, store.NullID(a.UserID), actorName(a), now)
	if err != nil {
		return false, fmt.Errorf("complaint: tick %s: %w", step, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func addEvent(ctx context.Context, tx *sql.Tx, a *org.Actor, id int64, kind, status string, d Detail, now int64) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO complaint_events (complaint_id, at, actor_id, actor_name, kind, status, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, now, store.NullID(a.UserID), actorName(a), kind, status, string(b))
	if err != nil {
		return fmt.Errorf("complaint: timeline of %d: %w", id, err)
	}
	return nil
}
