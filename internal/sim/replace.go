package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store"
)

// ErrSimulated refuses to simulate over a period that already has
// simulated traffic, unless asked to replace it.
var ErrSimulated = errors.New("the period already has simulated traffic; run again with -replace to delete it and simulate anew")

// Span is a half-open period [From, To).
type Span struct{ From, To time.Time }

func (s Span) overlaps(o Span) bool { return s.From.Before(o.To) && o.From.Before(s.To) }

var runNoteRE = regexp.MustCompile(`^simulate (\S+)/(\S+) seed=\d+$`)

// earlierRuns finds the simulated data overlapping p: the earlier runs
// (each run's shifts carry its period, RunNote), and p itself when
// simulated calls start in it without such a run.
func earlierRuns(ctx context.Context, db *store.DB, p Span) ([]Span, error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT note FROM shifts WHERE source = 'simulate'`)
	if err != nil {
		return nil, fmt.Errorf("sim: earlier runs: %w", err)
	}
	var out []Span
	for rows.Next() {
		var note string
		if err := rows.Scan(&note); err != nil {
			rows.Close()
			return nil, err
		}
		m := runNoteRE.FindStringSubmatch(note)
		if m == nil {
			continue
		}
		f, err1 := time.Parse(time.RFC3339, m[1])
		t, err2 := time.Parse(time.RFC3339, m[2])
		if err1 == nil && err2 == nil && (Span{f, t}).overlaps(p) {
			out = append(out, Span{f, t})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var n int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM cdrs WHERE started_at >= $1 AND started_at < $2
		AND call_id LIKE 'sim-%' LIMIT 1) x`, p.From.UnixMilli(), p.To.UnixMilli()).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("sim: earlier calls: %w", err)
	}
	if n > 0 {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From.Before(out[j].From) })
	return out, nil
}

// deleteRuns removes the simulated data of the spans: whole earlier runs,
// so that no agent's day or call is cut in half. Calls with the
// simulator's ID prefix that started in a span go with their events,
// legs and ratings; the simulated agents' state changes and shifts in it
// go too, and the leave dates it gave are taken back. In pieces of about
// deleteCalls calls, so that each transaction is short (a server on the
// same SQLite file waits for the write lock at most its busy timeout).
// The caller marks the spans' rollups dirty.
func deleteRuns(ctx context.Context, db *store.DB, o *org.Service, spans []Span, loc *time.Location) error {
	for _, s := range spans {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM cdrs WHERE started_at >= $1 AND started_at < $2 AND call_id LIKE 'sim-%'`,
			s.From.UnixMilli(), s.To.UnixMilli()).Scan(&n); err != nil {
			return fmt.Errorf("sim: count earlier calls: %w", err)
		}
		step := s.To.Sub(s.From) / time.Duration(n/deleteCalls+1)
		step = max(step.Truncate(time.Minute), time.Minute)
		for at := s.From; at.Before(s.To); at = at.Add(step) {
			if err := deleteChunk(ctx, db, at.UnixMilli(), minTime(at.Add(step), s.To).UnixMilli()); err != nil {
				return err
			}
		}
		if err := restoreLeavers(ctx, o, s, loc); err != nil {
			return err
		}
	}
	return nil
}

// merge joins overlapping spans into disjoint ones, in order.
func merge(spans []Span) []Span {
	s := append([]Span(nil), spans...)
	sort.Slice(s, func(i, j int) bool { return s[i].From.Before(s[j].From) })
	var out []Span
	for _, x := range s {
		if n := len(out); n > 0 && !x.From.After(out[n-1].To) {
			out[n-1].To = maxTime(out[n-1].To, x.To)
			continue
		}
		out = append(out, x)
	}
	return out
}

// deleteCalls is about how many calls one deleting transaction takes.
const deleteCalls = 20000

const simCalls = `SELECT call_id FROM cdrs WHERE started_at >= $1 AND started_at < $2 AND call_id LIKE 'sim-%'`

var deletes = []string{
	`DELETE FROM call_events WHERE at >= $1 AND at < $2 AND call_id LIKE 'sim-%'`,
	`DELETE FROM call_ratings WHERE call_id IN (` + simCalls + `)`,
	`DELETE FROM cdr_legs WHERE call_id IN (` + simCalls + `)`,
	`DELETE FROM cdrs WHERE started_at >= $1 AND started_at < $2 AND call_id LIKE 'sim-%'`,
	`DELETE FROM agent_events WHERE at >= $1 AND at < $2 AND agent_id IN (SELECT id FROM users WHERE username LIKE 'sim.%')`,
	`DELETE FROM shift_activities WHERE shift_id IN (SELECT id FROM shifts WHERE source = 'simulate' AND starts_at >= $1 AND starts_at < $2)`,
	`DELETE FROM shifts WHERE source = 'simulate' AND starts_at >= $1 AND starts_at < $2`,
}

func deleteChunk(ctx context.Context, db *store.DB, from, to int64) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		for _, q := range deletes {
			if _, err := tx.ExecContext(ctx, q, from, to); err != nil {
				return fmt.Errorf("sim: delete earlier data: %w", err)
			}
		}
		return nil
	})
}

// restoreLeavers takes back the leave dates a deleted run gave: simulated
// agents leaving on a day after the span's first are active again.
func restoreLeavers(ctx context.Context, o *org.Service, s Span, loc *time.Location) error {
	us, err := simUsers(ctx, o)
	if err != nil {
		return err
	}
	first := s.From.In(loc).Format(time.DateOnly)
	last := s.To.Add(-time.Millisecond).In(loc).Format(time.DateOnly)
	empty, active := "", true
	for _, u := range us {
		if d := u.user.LeaveDate; d != "" && d > first && d <= last {
			if _, err := o.UpdateUser(ctx, org.System(), u.user.ID, org.UserPatch{LeaveDate: &empty, Active: &active}); err != nil {
				return fmt.Errorf("sim: restore %s: %w", u.user.Username, err)
			}
		}
	}
	return nil
}

// invalidate marks the span's report rollups for recomputation.
func invalidate(ctx context.Context, db *store.DB, s Span) error {
	return db.InTx(ctx, func(tx *sql.Tx) error { return report.Invalidate(ctx, tx, s.From, s.To) })
}
