package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Kinds of timeline items. Other modules add their own kinds through a
// TimelineSource or RecordEvent (e.g. "campaign.attempt", "rating").
const (
	KindCall  = "call"
	KindNote  = "note"
	KindTask  = "task"
	KindMove  = "move"  // allocation, claim, release, recycle, distribution
	KindEvent = "event" // stored crm_events: created, updated, ...
)

// Event kinds stored in crm_events.
const (
	EventCreated = "created"
	EventUpdated = "updated"
)

// TimelineItem is one entry of a customer's contact history.
type TimelineItem struct {
	At        time.Time      `json:"at"`
	Kind      string         `json:"kind"`
	Code      string         `json:"code,omitempty"` // sub-kind: the move's action, the event's kind, the call's direction
	Summary   string         `json:"summary,omitempty"`
	ActorID   int64          `json:"actor_id,omitempty"`
	ActorName string         `json:"actor_name,omitempty"`
	Ref       string         `json:"ref,omitempty"` // call ID, task ID, ...
	Data      map[string]any `json:"data,omitempty"`
}

// TimelineSource contributes items to customers' timelines. A module that
// keeps its own history of customers (campaign attempts, ratings) registers
// one with AddTimelineSource; the customer has been checked against the
// actor's scope before Items is called.
type TimelineSource interface {
	TimelineItems(ctx context.Context, c *Customer, since time.Time, limit int) ([]TimelineItem, error)
}

// AddTimelineSource registers a source; call it before serving.
func (s *Service) AddTimelineSource(src TimelineSource) { s.sources = append(s.sources, src) }

// Timeline returns the newest limit items of the customer's history: calls
// (numbers or customer ID in the call records), notes, tasks, allocation
// and pool moves, stored events, and what registered sources add. Calls
// need calls:view; having the customer in scope shows all its calls (the
// contact history of the screen pop), not only the actor's.
func (s *Service) Timeline(ctx context.Context, a *org.Actor, id int64, limit int) ([]TimelineItem, error) {
	c, err := s.Customer(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var items []TimelineItem
	parts := []func() ([]TimelineItem, error){
		func() ([]TimelineItem, error) { return s.noteItems(ctx, id, limit) },
		func() ([]TimelineItem, error) { return s.taskItems(ctx, id, limit) },
		func() ([]TimelineItem, error) { return s.moveItems(ctx, id, limit) },
		func() ([]TimelineItem, error) { return s.eventItems(ctx, c, limit) },
	}
	if a.Can(org.P("calls", "view")) {
		parts = append(parts, func() ([]TimelineItem, error) { return s.callItems(ctx, c, limit) })
	}
	for _, src := range s.sources {
		parts = append(parts, func() ([]TimelineItem, error) { return src.TimelineItems(ctx, c, time.Time{}, limit) })
	}
	for _, p := range parts {
		got, err := p()
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.After(items[j].At) })
	if len(items) > limit {
		items = items[:limit]
	}
	return nonNil(items), nil
}

func (s *Service) noteItems(ctx context.Context, id int64, limit int) ([]TimelineItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, created_at, COALESCE(author_id, 0), author_name, body, call_id
		FROM crm_notes WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("crm: notes: %w", err)
	}
	defer rows.Close()
	var out []TimelineItem
	for rows.Next() {
		var it TimelineItem
		var nid, at int64
		var call string
		if err := rows.Scan(&nid, &at, &it.ActorID, &it.ActorName, &it.Summary, &call); err != nil {
			return nil, err
		}
		it.At, it.Kind, it.Ref = store.Time(at), KindNote, fmt.Sprint(nid)
		if call != "" {
			it.Data = map[string]any{"call_id": call}
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func (s *Service) taskItems(ctx context.Context, id int64, limit int) ([]TimelineItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, t.kind, t.title, t.due_at, t.done, t.done_at, t.result, t.created_at,
		t.owner_id, COALESCE(u.display_name, '') FROM crm_tasks t LEFT JOIN users u ON u.id = t.owner_id
		WHERE t.customer_id = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("crm: task items: %w", err)
	}
	defer rows.Close()
	var out []TimelineItem
	for rows.Next() {
		var tid, due, doneAt, created int64
		var kind, title, result string
		var done bool
		it := TimelineItem{Kind: KindTask}
		if err := rows.Scan(&tid, &kind, &title, &due, &done, &doneAt, &result, &created, &it.ActorID, &it.ActorName); err != nil {
			return nil, err
		}
		it.At, it.Code, it.Summary, it.Ref = store.Time(created), "created", title, fmt.Sprint(tid)
		it.Data = map[string]any{"kind": kind, "due_at": store.Time(due)}
		if done {
			it.At, it.Code = store.Time(doneAt), "done"
			it.Data["result"] = result
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func (s *Service) moveItems(ctx context.Context, id int64, limit int) ([]TimelineItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.at, a.action, COALESCE(a.actor_id, 0), a.actor_name, a.reason,
		COALESCE(a.from_owner_id, 0), a.from_pool, COALESCE(a.to_owner_id, 0), COALESCE(a.to_team_id, 0),
		COALESCE(a.to_department_id, 0), a.to_pool, COALESCE(fu.display_name, ''), COALESCE(tu.display_name, '')
		FROM crm_allocation_items i JOIN crm_allocations a ON a.id = i.allocation_id
		LEFT JOIN users fu ON fu.id = a.from_owner_id LEFT JOIN users tu ON tu.id = a.to_owner_id
		WHERE i.customer_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("crm: move items: %w", err)
	}
	defer rows.Close()
	var out []TimelineItem
	for rows.Next() {
		var aid, at, from, to, toTeam, toDept int64
		var fromPool, toPool bool
		var fromName, toName string
		it := TimelineItem{Kind: KindMove}
		if err := rows.Scan(&aid, &at, &it.Code, &it.ActorID, &it.ActorName, &it.Summary, &from, &fromPool, &to, &toTeam, &toDept,
			&toPool, &fromName, &toName); err != nil {
			return nil, err
		}
		it.At, it.Ref = store.Time(at), fmt.Sprint(aid)
		it.Data = map[string]any{"from_owner_id": from, "from_owner": fromName, "from_pool": fromPool,
			"to_owner_id": to, "to_owner": toName, "to_team_id": toTeam, "to_department_id": toDept, "to_pool": toPool}
		out = append(out, it)
	}
	return out, rows.Err()
}

func (s *Service) eventItems(ctx context.Context, c *Customer, limit int) ([]TimelineItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, kind, COALESCE(actor_id, 0), actor_name, summary, data
		FROM crm_events WHERE customer_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, c.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("crm: events: %w", err)
	}
	defer rows.Close()
	var out []TimelineItem
	created := false
	for rows.Next() {
		var eid, at int64
		var data string
		it := TimelineItem{Kind: KindEvent}
		if err := rows.Scan(&eid, &at, &it.Code, &it.ActorID, &it.ActorName, &it.Summary, &data); err != nil {
			return nil, err
		}
		it.At, it.Ref = store.Time(at), fmt.Sprint(eid)
		if data != "" && data != "{}" {
			json.Unmarshal([]byte(data), &it.Data)
		}
		created = created || it.Code == EventCreated
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !created && c.BatchID != 0 {
		// Imported customers carry no event row (100,000 of them would
		// double the import); the customer row says it all.
		out = append(out, TimelineItem{At: c.CreatedAt, Kind: KindEvent, Code: "imported", ActorID: c.CreatedBy,
			Data: map[string]any{"batch_id": c.BatchID}})
	}
	return out, nil
}

// callItems finds the customer's calls by customer ID or by any form of its
// numbers as caller or callee.
func (s *Service) callItems(ctx context.Context, c *Customer, limit int) ([]TimelineItem, error) {
	var args store.Args
	var nums []string
	for _, e := range c.Phones {
		for _, v := range PhoneFromE164(e).Variants() {
			nums = append(nums, args.Add(v))
		}
	}
	cond := "d.customer_id = " + args.Add(c.ID)
	if len(nums) > 0 {
		in := "(" + strings.Join(nums, ", ") + ")"
		cond += " OR d.caller IN " + in + " OR d.callee IN " + in
	}
	q := `SELECT d.call_id, d.direction, d.started_at, d.answered_at, d.ended_at, d.outcome, d.talk_ms, d.queue,
		COALESCE(d.agent_id, 0), COALESCE(u.display_name, ''), COALESCE(d.recording_id, 0), d.rating
		FROM cdrs d LEFT JOIN users u ON u.id = d.agent_id WHERE ` + cond + ` ORDER BY d.started_at DESC LIMIT ` + args.Add(limit)
	rows, err := s.db.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("crm: calls: %w", err)
	}
	defer rows.Close()
	var out []TimelineItem
	for rows.Next() {
		var started, answered, ended, talk, rec int64
		var outcome, queue string
		var rating int
		it := TimelineItem{Kind: KindCall}
		if err := rows.Scan(&it.Ref, &it.Code, &started, &answered, &ended, &outcome, &talk, &queue, &it.ActorID, &it.ActorName,
			&rec, &rating); err != nil {
			return nil, err
		}
		it.At = store.Time(started)
		it.Data = map[string]any{"outcome": outcome, "talk_ms": talk, "queue": queue, "answered": answered != 0,
			"recording_id": rec, "rating": rating}
		out = append(out, it)
	}
	return out, rows.Err()
}

// addEvent stores a timeline event of a customer.
func addEvent(ctx context.Context, q store.Querier, customerID int64, at time.Time, a *org.Actor, kind, summary string, data map[string]any) error {
	raw := "{}"
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("crm: event data: %w", err)
		}
		raw = string(b)
	}
	var actorID int64
	name := "system"
	if a != nil {
		actorID, name = a.UserID, actorName(a)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO crm_events (customer_id, at, kind, actor_id, actor_name, summary, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, customerID, at.UnixMilli(), kind, store.NullID(actorID), name, summary, raw)
	if err != nil {
		return fmt.Errorf("crm: add event: %w", err)
	}
	return nil
}

// RecordEvent adds an item to a customer's timeline on behalf of another
// module (a campaign attempt, a rating), inside q (the caller's
// transaction, or the database). kind should name the module
// ("campaign.attempt").
func (s *Service) RecordEvent(ctx context.Context, q store.Querier, customerID int64, a *org.Actor, kind, summary string, data map[string]any) error {
	if q == nil {
		q = s.db
	}
	return addEvent(ctx, q, customerID, s.now(), a, kind, summary, data)
}

// Note is a written record of a contact (实时记录沟通内容).
type Note struct {
	ID         int64     `json:"id"`
	CustomerID int64     `json:"customer_id"`
	AuthorID   int64     `json:"author_id,omitempty"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CallID     string    `json:"call_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// NoteInput adds a note, optionally tied to the call it was written in.
type NoteInput struct {
	Body   string `json:"body"`
	CallID string `json:"call_id,omitempty"`
}

// AddNote adds a note to a customer a may change; it counts as a contact.
func (s *Service) AddNote(ctx context.Context, a *org.Actor, customerID int64, in NoteInput) (*Note, error) {
	in.Body = strings.TrimSpace(in.Body)
	if err := valid.Text("body", strings.ReplaceAll(in.Body, "\n", " "), 1, 5000); err != nil {
		return nil, err
	}
	if err := valid.Text("call_id", in.CallID, 0, 100); err != nil {
		return nil, err
	}
	var n *Note
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.scopedCustomer(ctx, tx, a, customerID, writeScope); err != nil {
			return err
		}
		now := s.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO crm_notes (customer_id, author_id, author_name, body, call_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, customerID, store.NullID(a.UserID), actorName(a), in.Body, in.CallID,
			now.UnixMilli()).Scan(&id); err != nil {
			return fmt.Errorf("crm: add note: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET last_contact_at = $1, updated_at = $1 WHERE id = $2 AND last_contact_at < $1`,
			now.UnixMilli(), customerID); err != nil {
			return fmt.Errorf("crm: touch customer: %w", err)
		}
		n = &Note{ID: id, CustomerID: customerID, AuthorID: a.UserID, AuthorName: actorName(a), Body: in.Body, CallID: in.CallID,
			CreatedAt: store.Time(now.UnixMilli())}
		return nil
	})
	return n, err
}

// RecordCallContact marks the customers having number as contacted at at
// (the call module calls it when a call with a customer ends). It returns
// how many customers it touched.
func (s *Service) RecordCallContact(ctx context.Context, number string, at time.Time) (int, error) {
	p, err := NormalizePhone(number)
	if err != nil {
		return 0, nil // an internal extension or an anonymous caller is no customer
	}
	res, err := s.db.ExecContext(ctx, `UPDATE customers SET last_contact_at = $1
		WHERE id IN (SELECT customer_id FROM customer_phones WHERE e164 = $2) AND last_contact_at < $1`, at.UnixMilli(), p.E164)
	if err != nil {
		return 0, fmt.Errorf("crm: record contact: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
