package report

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Run keeps the rollups up to date until ctx ends: every Every (or when
// woken) it marks what changed, recomputes dirty buckets, moves the
// agents' watermark and re-aggregates finished days.
func (e *Engine) Run(ctx context.Context) {
	t := time.NewTicker(e.Every)
	defer t.Stop()
	lastKey := e.now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.kick:
		}
		if e.now().Sub(lastKey) > time.Minute {
			lastKey = e.now()
			if err := e.checkKey(ctx); err != nil && ctx.Err() == nil {
				e.Log.Warn("report: definitions check", "err", err)
			}
		}
		if _, err := e.cycle(ctx, time.Second); err != nil && ctx.Err() == nil {
			e.Log.Warn("report: rollup", "err", err)
		}
	}
}

// Sync brings every rollup up to date now: for tests, the simulator and
// a rebuild on demand.
func (e *Engine) Sync(ctx context.Context) error {
	for {
		more, err := e.cycle(ctx, time.Minute)
		if err != nil || !more {
			return err
		}
	}
}

// Rebuild recomputes every rollup from the records.
func (e *Engine) Rebuild(ctx context.Context) error {
	if err := setState(ctx, e.DB, stateKey, "rebuild"); err != nil {
		return err
	}
	if err := e.checkKey(ctx); err != nil {
		return err
	}
	var first int64
	if err := e.DB.QueryRowContext(ctx, `SELECT COALESCE(min(at), 0) FROM agent_events`).Scan(&first); err != nil {
		return err
	}
	if first > 0 {
		if err := markRange(ctx, e.DB, DirtyAgents, time.UnixMilli(first), e.now()); err != nil {
			return err
		}
	}
	e.wake()
	return nil
}

// cycle does one round of work within budget; more reports whether work is
// left.
func (e *Engine) cycle(ctx context.Context, budget time.Duration) (bool, error) {
	deadline := e.now().Add(budget)
	if err := e.drain(ctx); err != nil {
		return false, err
	}
	for {
		n1, err := e.processCalls(ctx)
		if err != nil {
			return false, err
		}
		n2, err := e.processAgents(ctx)
		if err != nil {
			return false, err
		}
		n3, err := e.processDays(ctx)
		if err != nil {
			return false, err
		}
		if n1+n2+n3 == 0 {
			return false, nil
		}
		if e.now().After(deadline) {
			return true, nil
		}
	}
}

// drain handles the observations waiting.
func (e *Engine) drain(ctx context.Context) error {
	var obs []observed
	for len(obs) < 20000 {
		select {
		case o := <-e.obs:
			obs = append(obs, o)
			continue
		default:
		}
		break
	}
	return e.handle(ctx, obs, true)
}

func (e *Engine) dirty(ctx context.Context, kind string, below int64, limit int) ([]gen, error) {
	rows, err := e.DB.QueryContext(ctx, `SELECT bucket, gen FROM rep_dirty WHERE kind = $1 AND bucket < $2
		ORDER BY bucket DESC LIMIT $3`, kind, below, limit)
	if err != nil {
		return nil, fmt.Errorf("report: dirty buckets: %w", err)
	}
	defer rows.Close()
	var out []gen
	for rows.Next() {
		var g gen
		if err := rows.Scan(&g.bucket, &g.gen); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// runs splits dirty buckets (newest first) into contiguous ascending runs
// of at most n buckets.
func runs(gs []gen, n int) [][]gen {
	b := Bucket.Milliseconds()
	var out [][]gen
	for i := len(gs) - 1; i >= 0; i-- {
		g := gs[i]
		if k := len(out); k > 0 {
			last := out[k-1]
			if len(last) < n && last[len(last)-1].bucket+b == g.bucket {
				out[k-1] = append(last, g)
				continue
			}
		}
		out = append(out, []gen{g})
	}
	return out
}

// processCalls recomputes dirty call buckets.
func (e *Engine) processCalls(ctx context.Context) (int, error) {
	gs, err := e.dirty(ctx, DirtyCalls, 1<<62, 64)
	if err != nil || len(gs) == 0 {
		return 0, err
	}
	s, lim, err := e.config(ctx)
	if err != nil {
		return 0, err
	}
	for _, run := range runs(gs, 8) {
		from, to := run[0].bucket, run[len(run)-1].bucket+Bucket.Milliseconds()
		facts, err := loadFacts(ctx, e.DB, time.UnixMilli(from), time.UnixMilli(to), s.fcrWindow())
		if err != nil {
			return 0, err
		}
		if err := writeCalls(ctx, e.DB, from, to, fold(facts, limitsFor(s, lim)), run, s.Location()); err != nil {
			return 0, err
		}
	}
	return len(gs), nil
}

// agentsTarget is the first bucket not yet complete (with a margin for
// events still on their way to the database).
func (e *Engine) agentsTarget() int64 { return bucketOfMS(e.now().Add(-30 * time.Second).UnixMilli()) }

// processAgents moves the agents' watermark over finished buckets, then
// recomputes dirty buckets below it.
func (e *Engine) processAgents(ctx context.Context) (int, error) {
	s, err := e.Settings(ctx)
	if err != nil {
		return 0, err
	}
	until, err := e.agentsUntil(ctx)
	if err != nil {
		return 0, err
	}
	if target := e.agentsTarget(); until < target {
		to := min(target, until+96*Bucket.Milliseconds()) // a day at a time bounds memory
		gs, err := e.dirtyIn(ctx, DirtyAgents, until, to)
		if err != nil {
			return 0, err
		}
		rows, err := loadAgentTime(ctx, e.DB, time.UnixMilli(until), time.UnixMilli(to), e.now())
		if err != nil {
			return 0, err
		}
		if err := writeAgents(ctx, e.DB, until, to, rows, gs, s.Location()); err != nil {
			return 0, err
		}
		return 1, setState(ctx, e.DB, stateAgentsUntil, strconv.FormatInt(to, 10))
	}
	if _, err := e.DB.ExecContext(ctx, `DELETE FROM rep_dirty WHERE kind = $1 AND bucket >= $2`, DirtyAgents, until); err != nil {
		return 0, err
	}
	gs, err := e.dirty(ctx, DirtyAgents, until, 4*96)
	if err != nil || len(gs) == 0 {
		return 0, err
	}
	for _, run := range runs(gs, 96) {
		from, to := run[0].bucket, run[len(run)-1].bucket+Bucket.Milliseconds()
		rows, err := loadAgentTime(ctx, e.DB, time.UnixMilli(from), time.UnixMilli(to), e.now())
		if err != nil {
			return 0, err
		}
		if err := writeAgents(ctx, e.DB, from, to, rows, run, s.Location()); err != nil {
			return 0, err
		}
	}
	return len(gs), nil
}

func (e *Engine) dirtyIn(ctx context.Context, kind string, from, to int64) ([]gen, error) {
	rows, err := e.DB.QueryContext(ctx, `SELECT bucket, gen FROM rep_dirty WHERE kind = $1 AND bucket >= $2 AND bucket < $3`,
		kind, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gen
	for rows.Next() {
		var g gen
		if err := rows.Scan(&g.bucket, &g.gen); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// processDays re-aggregates the day rollups of finished days whose buckets
// changed (a day still running is read from its buckets).
func (e *Engine) processDays(ctx context.Context) (int, error) {
	s, err := e.Settings(ctx)
	if err != nil {
		return 0, err
	}
	loc := s.Location()
	until, err := e.agentsUntil(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range []struct {
		kind  string
		limit int64
	}{{dirtyCallsDay, e.now().UnixMilli()}, {dirtyAgentsDay, until}} {
		gs, err := e.dirty(ctx, k.kind, k.limit, 32)
		if err != nil {
			return n, err
		}
		for _, g := range gs {
			if nextDay(g.bucket, loc) > k.limit {
				continue
			}
			if err := aggregateDay(ctx, e.DB, k.kind, g, loc); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
