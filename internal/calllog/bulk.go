package calllog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/hotline-cc/hotline/internal/store"
)

// Bulk writes whole calls and agent state changes in bulk, for writers
// that produce many at once (the traffic simulator, imports): COPY on
// PostgreSQL, multi-row INSERTs on SQLite, a few thousand rows per
// transaction (short, so that a live server on the same SQLite file keeps
// getting the write lock), into the
// same tables and row formats as the Log's writer. Each call's CDR and
// legs are derived with Derive, the function the live system uses, and
// its rating (call.rated) is stored as SaveRating stores it.
//
// A Bulk is not safe for concurrent use.
type Bulk struct {
	db *store.DB
	// SkipEvents leaves the call_events rows out: CDRs, legs, ratings and
	// agent events are still written (for volumes whose events would not
	// fit).
	SkipEvents bool
	// TxRows is how many rows are pending before they are written in one
	// transaction (default 5000).
	TxRows int

	events  []Event
	agents  []AgentEvent
	cdrs    []CDR
	legs    []Leg
	ratings []Rating
	stats   BulkStats
	stmts   map[string]string
	args    []any
}

// BulkStats counts the rows a Bulk wrote.
type BulkStats struct {
	Calls, Events, AgentEvents, Legs, Ratings int64
}

// NewBulk returns a bulk writer to db.
func NewBulk(db *store.DB) *Bulk { return &Bulk{db: db, TxRows: 5000, stmts: map[string]string{}} }

// Stats returns what has been written so far.
func (b *Bulk) Stats() BulkStats { return b.stats }

// AddCall queues the rows of one finished call: its events (numbered 1,
// 2, … in order when Seq is unset), the CDR and legs Derive makes of
// them, and its rating. It writes when enough rows are pending, and
// returns the CDR.
func (b *Bulk) AddCall(ctx context.Context, events []Event) (CDR, error) {
	evs := events
	if len(evs) > 0 && evs[0].Seq == 0 {
		evs = append([]Event(nil), events...)
		for i := range evs {
			evs[i].Seq = i + 1
		}
	}
	cdr, legs := Derive(evs)
	if !b.SkipEvents {
		b.events = append(b.events, evs...)
	}
	b.cdrs = append(b.cdrs, cdr)
	b.legs = append(b.legs, legs...)
	if r, ok := RatingOf(evs, legs); ok {
		b.ratings = append(b.ratings, r)
	}
	return cdr, b.maybeFlush(ctx)
}

// AddAgentEvents queues agent state changes.
func (b *Bulk) AddAgentEvents(ctx context.Context, evs []AgentEvent) error {
	b.agents = append(b.agents, evs...)
	return b.maybeFlush(ctx)
}

func (b *Bulk) pending() int {
	return len(b.events) + len(b.agents) + len(b.cdrs) + len(b.legs) + len(b.ratings)
}

func (b *Bulk) maybeFlush(ctx context.Context) error {
	limit := b.TxRows
	if limit <= 0 {
		limit = 5000
	}
	if b.pending() < limit {
		return nil
	}
	return b.Flush(ctx)
}

// RatingOf is the rating a call's events carry (its last call.rated), as
// the survey stores it: against the rating's agent with the team and
// department of that agent's leg, flagged when it is the lowest score.
func RatingOf(events []Event, legs []Leg) (Rating, bool) {
	var r Rating
	found := false
	for _, e := range events {
		if e.Type == CallRated {
			r = Rating{CallID: e.CallID, At: e.At, Score: e.Data.Score, Scale: e.Data.Scale, Queue: e.Queue, AgentID: e.AgentID}
			found = true
		}
	}
	if !found {
		return r, false
	}
	for i := len(legs) - 1; i >= 0; i-- {
		if l := legs[i]; l.AgentID == r.AgentID && !l.AnsweredAt.IsZero() {
			r.TeamID, r.DepartmentID = l.TeamID, l.DepartmentID
			break
		}
	}
	r.Flagged = r.Score <= 1
	return r, true
}

// Flush writes everything pending in one transaction.
func (b *Bulk) Flush(ctx context.Context) error {
	if b.pending() == 0 {
		return nil
	}
	tables, err := b.tables()
	if err != nil {
		return err
	}
	if b.db.Dialect == store.Postgres {
		err = b.copyTables(ctx, tables)
	} else {
		err = b.db.InTx(ctx, func(tx *sql.Tx) error {
			// The indexes of tables growing by millions of rows are updated
			// all over, and the default 2 MB page cache would read most pages
			// back from the file on every batch.
			if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
				return err
			}
			for _, t := range tables {
				if err := b.insertRows(ctx, tx, t); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	b.stats.Calls += int64(len(b.cdrs))
	b.stats.Events += int64(len(b.events))
	b.stats.AgentEvents += int64(len(b.agents))
	b.stats.Legs += int64(len(b.legs))
	b.stats.Ratings += int64(len(b.ratings))
	b.events, b.agents, b.cdrs, b.legs, b.ratings = b.events[:0], b.agents[:0], b.cdrs[:0], b.legs[:0], b.ratings[:0]
	return nil
}

// bulkTable is the pending rows of one table: n rows, row appending row
// i's values in the order of cols.
type bulkTable struct {
	name string
	cols []string
	n    int
	row  func(i int, args []any) []any
}

// copyTables writes tables with PostgreSQL's COPY, in one transaction: a
// COPY is parsed once and its rows sent in binary, several times faster
// than multi-row INSERTs, whose parsing and planning took most of the
// server's time. A commit need not wait for its WAL flush (a crash loses
// at most the last batches of a job that can be run again).
func (b *Bulk) copyTables(ctx context.Context, tables []bulkTable) error {
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("calllog: bulk: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("calllog: bulk: PostgreSQL connection is a %T, not pgx", dc)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return fmt.Errorf("calllog: bulk: begin: %w", err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return fmt.Errorf("calllog: bulk: %w", err)
		}
		for _, t := range tables {
			if t.n == 0 {
				continue
			}
			i, vals := 0, make([]any, 0, len(t.cols))
			src := pgx.CopyFromFunc(func() ([]any, error) {
				if i == t.n {
					return nil, nil
				}
				vals = t.row(i, vals[:0])
				i++
				return vals, nil
			})
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, src); err != nil {
				return fmt.Errorf("calllog: bulk copy into %s: %w", t.name, err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("calllog: bulk: commit: %w", err)
		}
		return nil
	})
}

// bulkMaxParams keeps one statement under SQLite's limit of 32766 bound
// parameters.
const bulkMaxParams = 32000

// insertRows writes t's rows (SQLite), as many per statement as the
// parameter limit allows.
// Full-size statements are prepared once per transaction: parsing a
// thousand-row INSERT is a good part of executing it.
func (b *Bulk) insertRows(ctx context.Context, tx *sql.Tx, t bulkTable) error {
	table, cols, n, row := t.name, t.cols, t.n, t.row
	per := min(bulkMaxParams/len(cols), 1000)
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for off := 0; off < n; off += per {
		k := min(per, n-off)
		args := b.args[:0]
		for i := off; i < off+k; i++ {
			args = row(i, args)
		}
		var err error
		switch {
		case k < per:
			_, err = tx.ExecContext(ctx, b.stmt(table, cols, k), args...)
		case full == nil && n-off >= 2*per:
			if full, err = tx.PrepareContext(ctx, b.stmt(table, cols, k)); err == nil {
				_, err = full.ExecContext(ctx, args...)
			}
		case full != nil:
			_, err = full.ExecContext(ctx, args...)
		default:
			_, err = tx.ExecContext(ctx, b.stmt(table, cols, k), args...)
		}
		if err != nil {
			return fmt.Errorf("calllog: bulk insert into %s: %w", table, err)
		}
		clear(args)
		b.args = args[:0]
	}
	return nil
}

// stmt is the INSERT of k rows into table, built once per size, with
// plain "?" placeholders: SQLite's parser looks each "$N" name up in a
// list, which makes a statement with thousands of them quadratic (a
// thousand-row INSERT took longer than a thousand single-row ones).
func (b *Bulk) stmt(table string, cols []string, k int) string {
	key := table + "/" + strconv.Itoa(k)
	if s, ok := b.stmts[key]; ok {
		return s
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i := range k {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j := range cols {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('?')
		}
		sb.WriteByte(')')
	}
	s := sb.String()
	b.stmts[key] = s
	return s
}

var (
	bulkEventCols = []string{"call_id", "seq", "at", "type", "leg", "agent_id", "queue", "data"}
	bulkAgentCols = []string{"agent_id", "at", "from_state", "to_state", "reason", "call_id"}
	bulkCDRCols   = []string{"call_id", "direction", "caller", "callee", "number", "trunk", "started_at", "answered_at",
		"ended_at", "outcome", "blocked_reason", "ivr_path", "queue", "queued_at", "wait_ms", "ring_ms", "talk_ms", "hold_ms",
		"holds", "transfers", "conferenced", "agent_id", "team_id", "department_id", "hangup_by", "hangup_cause", "rating",
		"callback_requested", "customer_id", "recording_id", "unresolved"}
	bulkLegCols = []string{"call_id", "agent_id", "team_id", "department_id", "queue", "offered_at", "answered_at", "ended_at",
		"wrapup_end_at", "ring_ms", "talk_ms", "hold_ms", "wrapup_ms", "outcome", "transferred_to"}
	bulkRatingCols = []string{"call_id", "at", "score", "scale", "queue", "agent_id", "team_id", "department_id", "flagged"}
)

// tables is what is pending, table by table, in the row formats of
// insertEvent, insertAgentEvent, insertCDR and SaveRating.
func (b *Bulk) tables() ([]bulkTable, error) {
	data := make([]string, len(b.events))
	for i := range b.events {
		d, err := json.Marshal(b.events[i].Data)
		if err != nil {
			return nil, fmt.Errorf("calllog: event %s/%d data: %w", b.events[i].CallID, b.events[i].Seq, err)
		}
		data[i] = string(d)
	}
	return []bulkTable{
		{"call_events", bulkEventCols, len(b.events), func(i int, args []any) []any {
			e := &b.events[i]
			return append(args, e.CallID, e.Seq, e.At.UnixMilli(), string(e.Type), e.Leg, store.NullID(e.AgentID), e.Queue, data[i])
		}},
		{"agent_events", bulkAgentCols, len(b.agents), func(i int, args []any) []any {
			e := &b.agents[i]
			return append(args, e.AgentID, e.At.UnixMilli(), e.From, e.To, e.Reason, e.CallID)
		}},
		{"cdrs", bulkCDRCols, len(b.cdrs), func(i int, args []any) []any {
			c := &b.cdrs[i]
			return append(args, c.CallID, c.Direction, c.Caller, c.Callee, c.Number, c.Trunk, c.StartedAt.UnixMilli(),
				store.Millis(c.AnsweredAt), store.Millis(c.EndedAt), string(c.Outcome), c.BlockedReason, c.IVRPath, c.Queue,
				store.Millis(c.QueuedAt), c.WaitMS, c.RingMS, c.TalkMS, c.HoldMS, c.Holds, c.Transfers, c.Conferenced,
				store.NullID(c.AgentID), store.NullID(c.TeamID), store.NullID(c.DepartmentID), c.HangupBy, c.HangupCause, c.Rating,
				c.CallbackRequested, store.NullID(c.CustomerID), store.NullID(c.RecordingID), c.Unresolved)
		}},
		{"cdr_legs", bulkLegCols, len(b.legs), func(i int, args []any) []any {
			l := &b.legs[i]
			return append(args, l.CallID, l.AgentID, store.NullID(l.TeamID), store.NullID(l.DepartmentID), l.Queue,
				l.OfferedAt.UnixMilli(), store.Millis(l.AnsweredAt), store.Millis(l.EndedAt), store.Millis(l.WrapUpEndAt), l.RingMS,
				l.TalkMS, l.HoldMS, l.WrapUpMS, l.Outcome, l.TransferredTo)
		}},
		{"call_ratings", bulkRatingCols, len(b.ratings), func(i int, args []any) []any {
			r := &b.ratings[i]
			return append(args, r.CallID, r.At.UnixMilli(), r.Score, r.Scale, r.Queue, store.NullID(r.AgentID),
				store.NullID(r.TeamID), store.NullID(r.DepartmentID), r.Flagged)
		}},
	}, nil
}
