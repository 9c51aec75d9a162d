package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/store"
)

// State keys of rep_state.
const (
	stateKey         = "rollup_key"   // the settings the call rollups were computed with
	stateAgentsUntil = "agents_until" // agents' time is rolled up before this bucket
	stateCDRsSeen    = "cdrs_seen"    // the latest CDR end the worker has marked
)

// ObserveCDR tells the worker a CDR was written (calllog.Log.OnCDR). It
// never blocks the call log's writer.
func (e *Engine) ObserveCDR(c calllog.CDR, _ []calllog.Leg) {
	select {
	case e.obs <- observed{callID: c.CallID, cdr: &c}:
	default:
		e.Log.Warn("report: observation queue full; the worker will reconcile from the records")
	}
}

// ObserveAmend tells the worker an ended call was amended (calllog.Log.OnAmend).
func (e *Engine) ObserveAmend(ev calllog.Event) {
	select {
	case e.obs <- observed{callID: ev.CallID}:
	default:
		e.Log.Warn("report: observation queue full; the worker will reconcile from the records")
	}
}

// ShiftChanged marks an agent's time in [from, to) for recomputation
// (shift.Service.OnChange).
func (e *Engine) ShiftChanged(agentID int64, from, to time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := markRange(ctx, e.DB, DirtyAgents, from, to); err != nil {
		e.Log.Warn("report: shift change not marked", "agent", agentID, "err", err)
	}
	e.wake()
}

func (e *Engine) wake() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

func getState(ctx context.Context, q store.Querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM rep_state WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func setState(ctx context.Context, q store.Querier, key, value string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO rep_state (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

func stateInt(ctx context.Context, q store.Querier, key string) (int64, bool, error) {
	v, err := getState(ctx, q, key)
	if err != nil || v == "" {
		return 0, false, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil, err
}

// Start prepares the rollups: recomputes them when the settings they were
// computed with changed, starts the agents' watermark, and marks the calls
// that ended while no worker ran (after a crash or on another node).
func (e *Engine) Start(ctx context.Context) error {
	if err := e.checkKey(ctx); err != nil {
		return err
	}
	if _, err := e.agentsUntil(ctx); err != nil {
		return err
	}
	return e.reconcile(ctx)
}

// agentsUntil returns the agents' watermark: their time is rolled up for
// every bucket before it. It starts at the first agent event (or now).
func (e *Engine) agentsUntil(ctx context.Context) (int64, error) {
	until, ok, err := stateInt(ctx, e.DB, stateAgentsUntil)
	if err != nil || ok {
		return until, err
	}
	var first sql.NullInt64
	if err := e.DB.QueryRowContext(ctx, `SELECT min(at) FROM agent_events`).Scan(&first); err != nil {
		return 0, fmt.Errorf("report: agent events: %w", err)
	}
	at := bucketOfMS(e.now().UnixMilli())
	if first.Valid {
		at = bucketOfMS(first.Int64)
	}
	return at, setState(ctx, e.DB, stateAgentsUntil, strconv.FormatInt(at, 10))
}

// checkKey recomputes every call rollup when the thresholds changed, and
// every day rollup when the time zone did.
func (e *Engine) checkKey(ctx context.Context) error {
	e.forget()
	s, lim, err := e.config(ctx)
	if err != nil {
		return err
	}
	key := s.rollupKey(lim)
	old, err := getState(ctx, e.DB, stateKey)
	if err != nil || old == key {
		return err
	}
	return e.DB.InTx(ctx, func(tx *sql.Tx) error {
		if old != "" {
			e.Log.Info("report: definitions changed; recomputing the call rollups")
		}
		// "WHERE true" keeps SQLite from reading ON CONFLICT as a join.
		if _, err := tx.ExecContext(ctx, `INSERT INTO rep_dirty (kind, bucket, gen)
			SELECT DISTINCT 'calls', started_at - (started_at % 900000), 0 FROM cdrs WHERE true
			ON CONFLICT (kind, bucket) DO UPDATE SET gen = rep_dirty.gen + 1`); err != nil {
			return fmt.Errorf("report: invalidate: %w", err)
		}
		if err := e.redoDays(ctx, tx, s); err != nil {
			return err
		}
		return setState(ctx, tx, stateKey, key)
	})
}

// redoDays drops the day rollups and marks every day with 15-minute rows
// for re-aggregation (the time zone may have moved the days).
func (e *Engine) redoDays(ctx context.Context, tx *sql.Tx, s Settings) error {
	loc := s.Location()
	for _, k := range []struct{ table, kind string }{{"rep_calls", dirtyCallsDay}, {"rep_agents", dirtyAgentsDay}} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+k.table+`_day`); err != nil {
			return err
		}
		if k.table == "rep_calls" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM rep_dims_day`); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `DELETE FROM rep_reasons_day`); err != nil {
			return err
		}
		var lo, hi sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT min(bucket), max(bucket) FROM `+k.table+`_15m`).Scan(&lo, &hi); err != nil {
			return err
		}
		if !lo.Valid {
			continue
		}
		for d := dayStart(lo.Int64, loc); d <= hi.Int64; d = nextDay(d, loc) {
			if err := mark(ctx, tx, k.kind, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// reconcileWindow is how much of the calls' start times reconcile reads at
// once, so that its memory stays bounded however many calls were written
// while no worker ran (a bulk simulation writes millions and observes none).
const reconcileWindow = time.Hour

// reconcile marks the buckets of CDRs that ended after the last one seen.
// The mark moves once every window is handled: a crash in between makes
// the next start read them again, never skip one.
func (e *Engine) reconcile(ctx context.Context) error {
	seen, ok, err := stateInt(ctx, e.DB, stateCDRsSeen)
	if err != nil {
		return err
	}
	if !ok {
		var last sql.NullInt64
		if err := e.DB.QueryRowContext(ctx, `SELECT max(ended_at) FROM cdrs`).Scan(&last); err != nil {
			return err
		}
		return setState(ctx, e.DB, stateCDRsSeen, strconv.FormatInt(last.Int64, 10))
	}
	// Calls last less than two days; the started_at bound lets the index help.
	var lo, hi sql.NullInt64
	if err := e.DB.QueryRowContext(ctx, `SELECT min(started_at), max(started_at) FROM cdrs WHERE started_at > $1`,
		seen-2*24*3600*1000).Scan(&lo, &hi); err != nil {
		return fmt.Errorf("report: reconcile: %w", err)
	}
	if !lo.Valid {
		return nil
	}
	last := seen
	for w := lo.Int64; w <= hi.Int64; w += reconcileWindow.Milliseconds() {
		obs, end, err := e.endedSince(ctx, seen, w, w+reconcileWindow.Milliseconds())
		if err != nil {
			return err
		}
		if err := e.handle(ctx, obs, false); err != nil {
			return err
		}
		last = max(last, end)
	}
	if last == seen {
		return nil
	}
	return setState(ctx, e.DB, stateCDRsSeen, strconv.FormatInt(last, 10))
}

// endedSince returns the calls started in [from, to) that ended at or after
// seen, and the last end among them.
func (e *Engine) endedSince(ctx context.Context, seen, from, to int64) ([]observed, int64, error) {
	rows, err := e.DB.QueryContext(ctx, `SELECT call_id, direction, caller, callee, started_at, ended_at, COALESCE(customer_id, 0)
		FROM cdrs WHERE started_at >= $1 AND started_at < $2 AND ended_at >= $3`, from, to, seen)
	if err != nil {
		return nil, 0, fmt.Errorf("report: reconcile: %w", err)
	}
	defer rows.Close()
	var obs []observed
	last := int64(0)
	for rows.Next() {
		var c calllog.CDR
		var st, en int64
		if err := rows.Scan(&c.CallID, &c.Direction, &c.Caller, &c.Callee, &st, &en, &c.CustomerID); err != nil {
			return nil, 0, err
		}
		c.StartedAt, c.EndedAt = store.Time(st), store.Time(en)
		obs = append(obs, observed{callID: c.CallID, cdr: &c})
		last = max(last, en)
	}
	return obs, last, rows.Err()
}

// handle marks the buckets observations touch: the call's own, and those of
// earlier calls from the same number or customer whose first-call
// resolution a repeat call now decides. advance moves the mark of the
// last CDR seen to the last end among them.
func (e *Engine) handle(ctx context.Context, obs []observed, advance bool) error {
	if len(obs) == 0 {
		return nil
	}
	s, _, err := e.config(ctx)
	if err != nil {
		return err
	}
	buckets := map[int64]bool{}
	var repeats []callFacts
	seen := int64(-1)
	for _, o := range obs {
		c := o.cdr
		if c == nil {
			var st sql.NullInt64
			if err := e.DB.QueryRowContext(ctx, `SELECT started_at FROM cdrs WHERE call_id = $1`, o.callID).Scan(&st); err != nil &&
				!errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if st.Valid {
				buckets[bucketOfMS(st.Int64)] = true
			}
			continue
		}
		buckets[BucketOf(c.StartedAt)] = true
		seen = max(seen, c.EndedAt.UnixMilli())
		if c.Direction == "inbound" || c.Direction == "callback" {
			repeats = append(repeats, callFacts{cdr: *c})
		}
	}
	earlier, err := e.earlierAnswered(ctx, repeats, s.fcrWindow())
	if err != nil {
		return err
	}
	for _, b := range earlier {
		buckets[b] = true
	}
	return e.DB.InTx(ctx, func(tx *sql.Tx) error {
		for b := range buckets {
			if err := mark(ctx, tx, DirtyCalls, b); err != nil {
				return err
			}
		}
		if seen < 0 || !advance {
			return nil
		}
		old, _, err := stateInt(ctx, tx, stateCDRsSeen)
		if err != nil {
			return err
		}
		return setState(ctx, tx, stateCDRsSeen, strconv.FormatInt(max(old, seen), 10))
	})
}

// earlierAnswered returns the buckets of answered inbound calls that the
// given calls repeat (same number or customer, within the window before).
func (e *Engine) earlierAnswered(ctx context.Context, calls []callFacts, window time.Duration) ([]int64, error) {
	if len(calls) == 0 {
		return nil, nil
	}
	cs := newCustomers(e.DB)
	if err := cs.attach(ctx, calls); err != nil {
		return nil, err
	}
	var custs []int64
	lo, hi := calls[0].cdr.StartedAt, calls[0].cdr.StartedAt
	for _, f := range calls {
		custs = append(custs, f.customer)
		if f.cdr.StartedAt.Before(lo) {
			lo = f.cdr.StartedAt
		}
		if f.cdr.StartedAt.After(hi) {
			hi = f.cdr.StartedAt
		}
	}
	if err := cs.phones(ctx, custs); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	var nums []string
	for _, f := range calls {
		for _, k := range cs.keys(f) {
			if k != "" && !set[k] {
				set[k] = true
				nums = append(nums, k)
			}
		}
	}
	var out []int64
	for len(nums) > 0 {
		n := min(len(nums), 400)
		var args store.Args
		q := `SELECT DISTINCT started_at - (started_at % 900000) FROM cdrs WHERE direction = 'inbound' AND outcome = 'answered'
			AND caller IN ` + args.InText(nums[:n]...) + ` AND started_at >= ` + args.Add(lo.Add(-window).UnixMilli()) +
			` AND started_at < ` + args.Add(hi.UnixMilli())
		rows, err := e.DB.QueryContext(ctx, q, args.Values()...)
		if err != nil {
			return nil, fmt.Errorf("report: earlier calls: %w", err)
		}
		for rows.Next() {
			var b int64
			if err := rows.Scan(&b); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		nums = nums[n:]
	}
	return out, nil
}
