package calllog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// CDRColumns are the data-scope columns of the cdrs table: a call belongs to
// the agent who answered it, their team and department (or, unanswered, the
// department of its queue).
var CDRColumns = org.Columns{Owner: "agent_id", Team: "team_id", Department: "department_id"}

// Events returns the stored events of a call in order.
func Events(ctx context.Context, q store.Querier, callID string) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, call_id, seq, at, type, leg, COALESCE(agent_id, 0), queue, data
		FROM call_events WHERE call_id = $1 ORDER BY seq`, callID)
	if err != nil {
		return nil, fmt.Errorf("calllog: events: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var typ, data string
		if err := rows.Scan(&e.ID, &e.CallID, &e.Seq, &at, &typ, &e.Leg, &e.AgentID, &e.Queue, &data); err != nil {
			return nil, err
		}
		e.At, e.Type = store.Time(at), Type(typ)
		if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
			return nil, fmt.Errorf("calllog: event %d data: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CDRFilter selects CDRs.
type CDRFilter struct {
	Since, Until time.Time
	Queue        string
	AgentID      int64
	Outcome      Outcome
	Number       string // caller or callee contains
	Limit        int
	Offset       int
	Desc         bool
}

const cdrCols = `call_id, direction, caller, callee, number, trunk, started_at, answered_at, ended_at, outcome, blocked_reason,
	ivr_path, queue, queued_at, wait_ms, ring_ms, talk_ms, hold_ms, holds, transfers, conferenced, COALESCE(agent_id, 0),
	COALESCE(team_id, 0), COALESCE(department_id, 0), hangup_by, hangup_cause, rating, callback_requested,
	COALESCE(customer_id, 0), COALESCE(recording_id, 0), unresolved`

func scanCDR(row interface{ Scan(...any) error }) (*CDR, error) {
	var c CDR
	var started, answered, ended, queued int64
	var outcome string
	err := row.Scan(&c.CallID, &c.Direction, &c.Caller, &c.Callee, &c.Number, &c.Trunk, &started, &answered, &ended, &outcome,
		&c.BlockedReason, &c.IVRPath, &c.Queue, &queued, &c.WaitMS, &c.RingMS, &c.TalkMS, &c.HoldMS, &c.Holds, &c.Transfers,
		&c.Conferenced, &c.AgentID, &c.TeamID, &c.DepartmentID, &c.HangupBy, &c.HangupCause, &c.Rating, &c.CallbackRequested,
		&c.CustomerID, &c.RecordingID, &c.Unresolved)
	if err != nil {
		return nil, err
	}
	c.StartedAt, c.AnsweredAt, c.EndedAt, c.QueuedAt = store.Time(started), store.Time(answered), store.Time(ended), store.Time(queued)
	c.Outcome = Outcome(outcome)
	return &c, nil
}

// CDRs lists the CDRs in the scope, newest first unless asked otherwise.
func CDRs(ctx context.Context, q store.Querier, sc org.Scope, f CDRFilter) ([]CDR, int, error) {
	var args store.Args
	where := sc.Filter(CDRColumns, &args)
	if !f.Since.IsZero() {
		where += " AND started_at >= " + args.Add(f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		where += " AND started_at < " + args.Add(f.Until.UnixMilli())
	}
	if f.Queue != "" {
		where += " AND queue = " + args.Add(f.Queue)
	}
	if f.AgentID != 0 {
		where += " AND agent_id = " + args.Add(f.AgentID)
	}
	if f.Outcome != "" {
		where += " AND outcome = " + args.Add(string(f.Outcome))
	}
	if f.Number != "" {
		p := args.Add("%" + f.Number + "%")
		where += " AND (caller LIKE " + p + " OR callee LIKE " + p + " OR number LIKE " + p + ")"
	}
	var total int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM cdrs WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("calllog: count cdrs: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	order := "DESC"
	if !f.Desc && !f.Since.IsZero() {
		order = "ASC"
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cdrCols+` FROM cdrs WHERE `+where+` ORDER BY started_at `+order+`, call_id LIMIT `+
		args.Add(f.Limit)+` OFFSET `+args.Add(f.Offset), args.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("calllog: list cdrs: %w", err)
	}
	defer rows.Close()
	out := []CDR{}
	for rows.Next() {
		c, err := scanCDR(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// GetCDR returns one CDR if the scope covers it (otherwise sql.ErrNoRows,
// indistinguishable from a missing call).
func GetCDR(ctx context.Context, q store.Querier, sc org.Scope, callID string) (*CDR, error) {
	var args store.Args
	where := "call_id = " + args.Add(callID) + " AND " + sc.Filter(CDRColumns, &args)
	c, err := scanCDR(q.QueryRowContext(ctx, `SELECT `+cdrCols+` FROM cdrs WHERE `+where, args.Values()...))
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Legs returns the agent legs of a call.
func Legs(ctx context.Context, q store.Querier, callID string) ([]Leg, error) {
	rows, err := q.QueryContext(ctx, `SELECT call_id, agent_id, COALESCE(team_id, 0), COALESCE(department_id, 0), queue, offered_at,
		answered_at, ended_at, wrapup_end_at, ring_ms, talk_ms, hold_ms, wrapup_ms, outcome, transferred_to
		FROM cdr_legs WHERE call_id = $1 ORDER BY id`, callID)
	if err != nil {
		return nil, fmt.Errorf("calllog: legs: %w", err)
	}
	defer rows.Close()
	out := []Leg{}
	for rows.Next() {
		var l Leg
		var off, ans, end, wrap int64
		if err := rows.Scan(&l.CallID, &l.AgentID, &l.TeamID, &l.DepartmentID, &l.Queue, &off, &ans, &end, &wrap,
			&l.RingMS, &l.TalkMS, &l.HoldMS, &l.WrapUpMS, &l.Outcome, &l.TransferredTo); err != nil {
			return nil, err
		}
		l.OfferedAt, l.AnsweredAt, l.EndedAt, l.WrapUpEndAt = store.Time(off), store.Time(ans), store.Time(end), store.Time(wrap)
		out = append(out, l)
	}
	return out, rows.Err()
}

// AgentEvents returns an agent's state changes in [since, until).
func AgentEvents(ctx context.Context, q store.Querier, agentID int64, since, until time.Time) ([]AgentEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, agent_id, at, from_state, to_state, reason, call_id FROM agent_events
		WHERE agent_id = $1 AND at >= $2 AND at < $3 ORDER BY at, id`, agentID, since.UnixMilli(), until.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("calllog: agent events: %w", err)
	}
	defer rows.Close()
	out := []AgentEvent{}
	for rows.Next() {
		var e AgentEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.AgentID, &at, &e.From, &e.To, &e.Reason, &e.CallID); err != nil {
			return nil, err
		}
		e.At = store.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

var _ = sql.ErrNoRows
