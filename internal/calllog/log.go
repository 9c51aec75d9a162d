package calllog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
)

// Publisher sends an event to the bus (subject, type, time, payload).
type Publisher func(ctx context.Context, subject, typ string, at time.Time, payload any)

// Log appends call and agent events. Appends are cheap and never block a
// call on the database: events get their sequence number and timestamp at
// once, are published on the bus at once, and are written by one writer
// goroutine in batched transactions (every FlushEvery or BatchSize events).
// The events of a live call are also kept in memory until it ends, when its
// CDR and legs are derived and written in the same batch.
type Log struct {
	db      *store.DB
	publish Publisher
	now     func() time.Time
	log     *slog.Logger

	mu     sync.Mutex
	calls  map[string]*liveCall
	ended  map[string]time.Time // calls whose CDR is written: late events are refused
	queue  []write
	wake   chan struct{}
	done   chan struct{}
	closed bool

	// FlushEvery bounds how long an event waits to reach the database.
	FlushEvery time.Duration
	BatchSize  int
	// OnCDR, when set, is called after a call's CDR is written.
	OnCDR func(CDR, []Leg)
	// OnAmend, when set, is called after an event that amends an ended
	// call's records (a late wrap-up end, a resolution mark) is written.
	OnAmend func(Event)
}

type liveCall struct {
	seq    int
	events []Event
}

// write is one pending database write.
type write struct {
	event *Event
	agent *AgentEvent
	cdr   *CDR
	legs  []Leg
	amend *Event // a wrap-up end or resolution after the call's CDR was written
	flush chan struct{}
}

// New starts a log writing to db and publishing with pub (nil: no bus).
func New(db *store.DB, pub Publisher, log *slog.Logger) *Log {
	if log == nil {
		log = slog.Default()
	}
	l := &Log{db: db, publish: pub, now: time.Now, log: log, calls: map[string]*liveCall{}, ended: map[string]time.Time{},
		wake: make(chan struct{}, 1), done: make(chan struct{}), FlushEvery: 50 * time.Millisecond, BatchSize: 500}
	go l.writer()
	return l
}

// SetClock replaces the clock (tests).
func (l *Log) SetClock(now func() time.Time) { l.now = now }

// Append records one call event and returns it with Seq and At filled in
// (At is kept when already set, e.g. by a test).
func (l *Log) Append(ctx context.Context, e Event) Event {
	if e.At.IsZero() {
		e.At = l.now()
	}
	e.At = e.At.Truncate(time.Millisecond)
	l.mu.Lock()
	c := l.calls[e.CallID]
	if c == nil && amends(e.Type) {
		// The call is over; amend its records. The writer numbers the
		// event (Seq) from the table, so it gets a copy of its own.
		w := e
		l.enqueue(write{amend: &w})
		l.mu.Unlock()
		l.pub(ctx, e)
		return e
	}
	if _, over := l.ended[e.CallID]; c == nil && over {
		// An event after call.ended would start a second sequence for the
		// call; it is a bug in the caller, refused loudly instead.
		l.mu.Unlock()
		l.log.Error("call log: event after the call ended dropped", "call", e.CallID, "type", e.Type)
		return e
	}
	if c == nil {
		c = &liveCall{}
		l.calls[e.CallID] = c
	}
	c.seq++
	e.Seq = c.seq
	c.events = append(c.events, e)
	w := write{event: &e}
	l.enqueue(w)
	if e.Type == CallEnded {
		cdr, legs := Derive(c.events)
		l.enqueue(write{cdr: &cdr, legs: legs})
		delete(l.calls, e.CallID)
		l.forget(e.At)
		l.ended[e.CallID] = e.At
	}
	l.mu.Unlock()
	l.pub(ctx, e)
	return e
}

// forget drops ended-call markers older than an hour (called with l.mu).
func (l *Log) forget(now time.Time) {
	if len(l.ended) < 10000 {
		return
	}
	for id, at := range l.ended {
		if now.Sub(at) > time.Hour {
			delete(l.ended, id)
		}
	}
}

// AppendAgent records an agent state change.
func (l *Log) AppendAgent(ctx context.Context, e AgentEvent) AgentEvent {
	if e.At.IsZero() {
		e.At = l.now()
	}
	e.At = e.At.Truncate(time.Millisecond)
	l.mu.Lock()
	l.enqueue(write{agent: &e})
	l.mu.Unlock()
	if l.publish != nil {
		l.publish(ctx, fmt.Sprintf("hotline.agent.%d", e.AgentID), "agent.state", e.At, e)
	}
	return e
}

// Live returns the events so far of a call in progress (nil when unknown).
func (l *Log) Live(callID string) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.calls[callID]; c != nil {
		return append([]Event(nil), c.events...)
	}
	return nil
}

func (l *Log) pub(ctx context.Context, e Event) {
	if l.publish != nil {
		l.publish(ctx, "hotline.call."+e.CallID, string(e.Type), e.At, e)
	}
}

// enqueue must be called with l.mu held.
func (l *Log) enqueue(w write) {
	if l.closed {
		l.log.Warn("call log closed; event dropped", "call", w.callID())
		return
	}
	l.queue = append(l.queue, w)
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (w write) callID() string {
	switch {
	case w.event != nil:
		return w.event.CallID
	case w.cdr != nil:
		return w.cdr.CallID
	case w.amend != nil:
		return w.amend.CallID
	}
	return ""
}

// Flush waits until everything appended so far is in the database.
func (l *Log) Flush(ctx context.Context) error {
	ch := make(chan struct{})
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.enqueue(write{flush: ch})
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes what is pending and stops the writer.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	<-l.done
	return nil
}

func (l *Log) writer() {
	defer close(l.done)
	t := time.NewTicker(l.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-l.wake:
		case <-t.C:
		}
		l.mu.Lock()
		batch := l.queue
		if len(batch) > l.BatchSize*4 {
			batch = batch[:l.BatchSize*4]
		}
		l.queue = l.queue[len(batch):]
		closed := l.closed && len(l.queue) == 0
		l.mu.Unlock()
		if len(batch) > 0 {
			l.writeBatch(batch)
		}
		if closed {
			return
		}
		if len(batch) == l.BatchSize*4 {
			select {
			case l.wake <- struct{}{}:
			default:
			}
		}
	}
}

func (l *Log) writeBatch(batch []write) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := l.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, w := range batch {
			if err := writeOne(ctx, tx, w); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// One bad row must not lose its neighbours: write them one by one.
		l.log.Error("call log batch failed; writing rows one by one", "rows", len(batch), "err", err)
		for _, w := range batch {
			if err := l.db.InTx(ctx, func(tx *sql.Tx) error { return writeOne(ctx, tx, w) }); err != nil {
				l.log.Error("call log row lost", "call", w.callID(), "err", err)
			}
		}
	}
	// The hooks run before a Flush returns: after it, what was appended is
	// stored and observed.
	if l.OnCDR != nil {
		for _, w := range batch {
			if w.cdr != nil {
				l.OnCDR(*w.cdr, w.legs)
			}
		}
	}
	if l.OnAmend != nil {
		for _, w := range batch {
			if w.amend != nil {
				l.OnAmend(*w.amend)
			}
		}
	}
	for _, w := range batch {
		if w.flush != nil {
			close(w.flush)
		}
	}
}

func writeOne(ctx context.Context, tx *sql.Tx, w write) error {
	switch {
	case w.event != nil:
		return insertEvent(ctx, tx, w.event)
	case w.agent != nil:
		return insertAgentEvent(ctx, tx, w.agent)
	case w.cdr != nil:
		return insertCDR(ctx, tx, w.cdr, w.legs)
	case w.amend != nil:
		return amend(ctx, tx, w.amend)
	}
	return nil
}

func insertEvent(ctx context.Context, tx *sql.Tx, e *Event) error {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO call_events (call_id, seq, at, type, leg, agent_id, queue, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.CallID, e.Seq, e.At.UnixMilli(), string(e.Type), e.Leg,
		store.NullID(e.AgentID), e.Queue, string(data))
	if err != nil {
		return fmt.Errorf("calllog: insert event %s/%d: %w", e.CallID, e.Seq, err)
	}
	return nil
}

func insertAgentEvent(ctx context.Context, tx *sql.Tx, e *AgentEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO agent_events (agent_id, at, from_state, to_state, reason, call_id)
		VALUES ($1, $2, $3, $4, $5, $6)`, e.AgentID, e.At.UnixMilli(), e.From, e.To, e.Reason, e.CallID)
	if err != nil {
		return fmt.Errorf("calllog: insert agent event: %w", err)
	}
	return nil
}

func insertCDR(ctx context.Context, tx *sql.Tx, c *CDR, legs []Leg) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO cdrs (call_id, direction, caller, callee, number, trunk, started_at, answered_at,
		ended_at, outcome, blocked_reason, ivr_path, queue, queued_at, wait_ms, ring_ms, talk_ms, hold_ms, holds, transfers,
		conferenced, agent_id, team_id, department_id, hangup_by, hangup_cause, rating, callback_requested, customer_id, recording_id,
		unresolved)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
		$25, $26, $27, $28, $29, $30, $31)`,
		c.CallID, c.Direction, c.Caller, c.Callee, c.Number, c.Trunk, c.StartedAt.UnixMilli(), store.Millis(c.AnsweredAt),
		store.Millis(c.EndedAt), string(c.Outcome), c.BlockedReason, c.IVRPath, c.Queue, store.Millis(c.QueuedAt), c.WaitMS,
		c.RingMS, c.TalkMS, c.HoldMS, c.Holds, c.Transfers, c.Conferenced, store.NullID(c.AgentID), store.NullID(c.TeamID),
		store.NullID(c.DepartmentID), c.HangupBy, c.HangupCause, c.Rating, c.CallbackRequested, store.NullID(c.CustomerID),
		store.NullID(c.RecordingID), c.Unresolved)
	if err != nil {
		return fmt.Errorf("calllog: insert cdr %s: %w", c.CallID, err)
	}
	for _, lg := range legs {
		_, err := tx.ExecContext(ctx, `INSERT INTO cdr_legs (call_id, agent_id, team_id, department_id, queue, offered_at,
			answered_at, ended_at, wrapup_end_at, ring_ms, talk_ms, hold_ms, wrapup_ms, outcome, transferred_to)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			lg.CallID, lg.AgentID, store.NullID(lg.TeamID), store.NullID(lg.DepartmentID), lg.Queue, lg.OfferedAt.UnixMilli(),
			store.Millis(lg.AnsweredAt), store.Millis(lg.EndedAt), store.Millis(lg.WrapUpEndAt), lg.RingMS, lg.TalkMS,
			lg.HoldMS, lg.WrapUpMS, lg.Outcome, lg.TransferredTo)
		if err != nil {
			return fmt.Errorf("calllog: insert leg %s/%d: %w", lg.CallID, lg.AgentID, err)
		}
	}
	return nil
}

// amends reports whether events of type t may come after the call ended,
// amending its records instead of being refused.
func amends(t Type) bool { return t == AgentWrapUpEnd || t == CallResolution }

// amend records an event that came after the call's CDR: the event itself
// (next seq of its call) and what it changes: the leg's wrap-up time, or the
// CDR's resolution.
func amend(ctx context.Context, tx *sql.Tx, e *Event) error {
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(seq), 0) + 1 FROM call_events WHERE call_id = $1`, e.CallID).Scan(&e.Seq); err != nil {
		return err
	}
	if e.Seq == 1 {
		return nil // no such call: nothing to amend
	}
	if err := insertEvent(ctx, tx, e); err != nil {
		return err
	}
	if e.Type == CallResolution {
		_, err := tx.ExecContext(ctx, `UPDATE cdrs SET unresolved = $1 WHERE call_id = $2`, e.Data.Result == ResultUnresolved, e.CallID)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE cdr_legs SET wrapup_end_at = $1,
		wrapup_ms = CASE WHEN ended_at > 0 THEN $1 - ended_at ELSE 0 END
		WHERE id = (SELECT max(id) FROM cdr_legs WHERE call_id = $2 AND agent_id = $3 AND answered_at > 0)`,
		e.At.UnixMilli(), e.CallID, e.AgentID)
	return err
}
