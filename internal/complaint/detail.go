package complaint

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Check is one of the five handling steps: done or not, by whom, when.
type Check struct {
	Step   string    `json:"step"`
	Done   bool      `json:"done"`
	By     int64     `json:"by,omitempty"`
	ByName string    `json:"by_name,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// Forward is one forward of a ticket to a responsible department, with
// its reply.
type Forward struct {
	ID           int64     `json:"id"`
	DepartmentID int64     `json:"department_id"`
	DeadlineAt   time.Time `json:"deadline_at"`
	Note         string    `json:"note,omitempty"`
	ForwardedBy  int64     `json:"forwarded_by,omitempty"`
	ForwardedAt  time.Time `json:"forwarded_at"`
	Reply        string    `json:"reply,omitempty"`
	RepliedBy    int64     `json:"replied_by,omitempty"`
	RepliedAt    time.Time `json:"replied_at,omitzero"`
	Late         bool      `json:"late"` // replied after the deadline, or not yet and past it
}

// Event is one entry of a ticket's timeline.
type Event struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Kind      string    `json:"kind"`   // created, assessed, checked, unchecked, forwarded, replied, called_back, closed, reopened
	Status    string    `json:"status"` // the ticket's status after it
	Detail    Detail    `json:"detail"`
}

// Detail is what an event recorded, by kind.
type Detail struct {
	Step               string    `json:"step,omitempty"`
	DepartmentID       int64     `json:"department_id,omitempty"`
	DeadlineAt         time.Time `json:"deadline_at,omitzero"`
	Severity           string    `json:"severity,omitempty"`
	Liability          string    `json:"liability,omitempty"`
	LiableDepartmentID int64     `json:"liable_department_id,omitempty"`
	AgentID            int64     `json:"agent_id,omitempty"`
	PenaltyFen         int64     `json:"penalty_fen,omitempty"`
	Result             string    `json:"result,omitempty"`
	Satisfaction       string    `json:"satisfaction,omitempty"`
	Note               string    `json:"note,omitempty"`
	CallID             string    `json:"call_id,omitempty"`
}

// Ticket is a complaint with its checklist, forwards and timeline.
type Ticket struct {
	Complaint
	Checklist []Check   `json:"checklist"`
	Forwards  []Forward `json:"forwards"`
	Events    []Event   `json:"events"`
}

// Ticket returns the complaint a may read with everything that happened.
func (s *Service) Ticket(ctx context.Context, a *org.Actor, id int64) (*Ticket, error) {
	c, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	t := &Ticket{Complaint: *c}
	if t.Checklist, err = checklist(ctx, s.DB, id); err != nil {
		return nil, err
	}
	if t.Forwards, err = forwards(ctx, s.DB, id, s.now()); err != nil {
		return nil, err
	}
	t.Events, err = events(ctx, s.DB, id)
	return t, err
}

func checklist(ctx context.Context, q store.Querier, id int64) ([]Check, error) {
	rows, err := q.QueryContext(ctx, `SELECT step, COALESCE(done_by, 0), done_by_name, done_at FROM complaint_checks WHERE complaint_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("complaint: checklist of %d: %w", id, err)
	}
	defer rows.Close()
	done := map[string]Check{}
	for rows.Next() {
		var c Check
		var at int64
		if err := rows.Scan(&c.Step, &c.By, &c.ByName, &at); err != nil {
			return nil, err
		}
		c.Done, c.At = true, store.Time(at)
		done[c.Step] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Check, 0, len(Steps))
	for _, st := range Steps {
		c, ok := done[st]
		if !ok {
			c = Check{Step: st}
		}
		out = append(out, c)
	}
	return out, nil
}

func forwards(ctx context.Context, q store.Querier, id int64, now time.Time) ([]Forward, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, department_id, deadline_at, note, COALESCE(forwarded_by, 0), forwarded_at, reply,
		COALESCE(replied_by, 0), replied_at FROM complaint_forwards WHERE complaint_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("complaint: forwards of %d: %w", id, err)
	}
	defer rows.Close()
	out := []Forward{}
	for rows.Next() {
		var f Forward
		var deadline, at, replied int64
		if err := rows.Scan(&f.ID, &f.DepartmentID, &deadline, &f.Note, &f.ForwardedBy, &at, &f.Reply, &f.RepliedBy, &replied); err != nil {
			return nil, err
		}
		f.DeadlineAt, f.ForwardedAt, f.RepliedAt = store.Time(deadline), store.Time(at), store.Time(replied)
		f.Late = replied > deadline || replied == 0 && deadline < now.UnixMilli()
		out = append(out, f)
	}
	return out, rows.Err()
}

func events(ctx context.Context, q store.Querier, id int64) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_name, kind, status, detail FROM complaint_events
		WHERE complaint_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("complaint: timeline of %d: %w", id, err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var detail string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Kind, &e.Status, &detail); err != nil {
			return nil, err
		}
		e.At = store.Time(at)
		if detail != "" {
			if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
				return nil, fmt.Errorf("complaint: event %d: %w", e.ID, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
