package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/store"
)

// MaxAgents bounds the simulated agents of one run.
const MaxAgents = 20000

// ErrNoQueues: there is nothing to simulate calls into.
var ErrNoQueues = errors.New("there are no queues to simulate calls into: start the server once (it provisions the demo call center) or run hotline provision -f FILE")

// Options is one simulation into the database.
type Options struct {
	Config
	Agents  int  // simulated agents working in the period
	Events  bool // write call_events rows (false: CDRs, legs, ratings and agent events only)
	Replace bool // delete earlier simulated data overlapping the period first
	Out     io.Writer
	Now     func() time.Time
	// Progress is how often the rate is printed (default 2 s).
	Progress time.Duration
}

// Result is what a run did.
type Result struct {
	Stats    Stats
	Written  calllog.BulkStats
	Agents   int
	Created  int
	Leavers  int
	Shifts   int
	Replaced []Span
	Elapsed  time.Duration
}

// Run simulates the period into the database the server uses: it loads
// the queues, numbers and flows, refuses a period that already has
// simulated traffic (or deletes it with Replace), makes sure the agents
// exist, writes their shifts, generates the calls and writes them in bulk,
// and marks the period's report rollups for recomputation.
func Run(ctx context.Context, db *store.DB, o *org.Service, opt Options) (*Result, error) {
	start := time.Now()
	cfg := opt.Config
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.Agents < 1 || opt.Agents > MaxAgents {
		return nil, fmt.Errorf("sim: agents must be between 1 and %d", MaxAgents)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	out := opt.Out
	if out == nil {
		out = io.Discard
	}
	w, err := LoadWorld(ctx, db)
	if err != nil {
		return nil, err
	}
	if len(w.Queues) == 0 {
		return nil, ErrNoQueues
	}
	period := Span{cfg.From, cfg.To}
	res := &Result{}
	if res.Replaced, err = replace(ctx, db, o, period, opt.Replace, cfg.Location); err != nil {
		return nil, err
	}
	wf, err := ensureAgents(ctx, db, o, w.Queues, opt.Agents, cfg, opt.Now().In(cfg.Location).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	w.Agents = wf.agents
	w.Shifts = Schedule(wf.agents, wf.leave, cfg)
	if err := insertShifts(ctx, db, w.Shifts); err != nil {
		return nil, err
	}
	res.Agents, res.Created, res.Leavers, res.Shifts = len(wf.agents), wf.created, wf.leavers, len(w.Shifts)
	expected := ExpectedCalls(cfg.From, cfg.To, cfg.Location, cfg.CallsPerDay)
	fmt.Fprintf(out, "simulate: %s – %s: %d agents (%d new, %d leaving), %d shifts, about %.0f calls\n",
		cfg.From.In(cfg.Location).Format("2006-01-02 15:04"), cfg.To.In(cfg.Location).Format("2006-01-02 15:04"),
		res.Agents, res.Created, res.Leavers, res.Shifts, expected)
	if need := agentsNeeded(cfg, w.Shifts, len(wf.agents), expected); need > len(wf.agents) {
		fmt.Fprintf(out, "simulate: note: %d agents are few for this volume (about %d would keep occupancy near 85%%): expect long waits and many abandons\n",
			len(wf.agents), need)
	}
	res.Stats, res.Written, err = write(ctx, db, w, cfg, opt, out)
	if err != nil {
		return res, err
	}
	if err := analyze(ctx, db); err != nil {
		return res, err
	}
	for _, s := range merge(append(res.Replaced, period)) {
		if err := invalidate(ctx, db, s); err != nil {
			return res, err
		}
	}
	res.Elapsed = time.Since(start)
	rate := float64(res.Written.Calls) / max(res.Elapsed.Seconds(), 0.001)
	fmt.Fprintf(out, "simulate: done: %d calls (%d answered, %d abandoned, %d blocked, %d in the IVR), %d call events, %d agent events in %s (%.0f calls/s)\n",
		res.Written.Calls, res.Stats.Outcomes[calllog.OutcomeAnswered], res.Stats.Outcomes[calllog.OutcomeAbandoned],
		res.Stats.Outcomes[calllog.OutcomeBlocked], res.Stats.Outcomes[calllog.OutcomeIVR], res.Written.Events,
		res.Written.AgentEvents, res.Elapsed.Round(100*time.Millisecond), rate)
	return res, nil
}

// replace refuses a period with simulated traffic, or deletes it (whole
// earlier runs) when asked.
func replace(ctx context.Context, db *store.DB, o *org.Service, p Span, ok bool, loc *time.Location) ([]Span, error) {
	runs, err := earlierRuns(ctx, db, p)
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	if !ok {
		r := runs[0]
		return nil, fmt.Errorf("sim: %s – %s: %w", r.From.In(loc).Format("2006-01-02 15:04"), r.To.In(loc).Format("2006-01-02 15:04"), ErrSimulated)
	}
	spans := merge(append(runs, p))
	return spans, deleteRuns(ctx, db, o, spans, loc)
}

func insertShifts(ctx context.Context, db *store.DB, shs []shift.Shift) error {
	for len(shs) > 0 {
		n := min(len(shs), 1000)
		if err := db.InTx(ctx, func(tx *sql.Tx) error { return shift.InsertMany(ctx, tx, shs[:n]) }); err != nil {
			return err
		}
		shs = shs[n:]
	}
	return nil
}

// agentsNeeded estimates the agents that would carry the expected
// workload at 85% occupancy of their scheduled phone time.
func agentsNeeded(cfg Config, shs []shift.Shift, agents int, expected float64) int {
	phone := 0.0
	for _, sh := range shs {
		for _, iv := range sh.PhoneTime() {
			phone += iv.End.Sub(iv.Start).Hours()
		}
	}
	work := expected * (cfg.AHT + cfg.ACW + 15*time.Second).Hours()
	if phone == 0 {
		return agents
	}
	return int(math.Ceil(float64(agents) * work / (0.85 * phone)))
}

type batch struct {
	calls  []Call
	agents []calllog.AgentEvent
}

// write runs the simulation with a bulk writer on its own goroutine, so
// that generating and writing overlap, and prints the progress.
func write(ctx context.Context, db *store.DB, w *World, cfg Config, opt Options, out io.Writer) (Stats, calllog.BulkStats, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	bulk := calllog.NewBulk(db)
	bulk.SkipEvents = !opt.Events
	every := opt.Progress
	if every <= 0 {
		every = 2 * time.Second
	}
	ch := make(chan batch, 4)
	done := make(chan error, 1)
	go func() {
		start, last := time.Now(), time.Now()
		for b := range ch {
			if err := writeBatch(ctx, bulk, b); err != nil {
				cancel(err)
				for range ch { // let the generator notice and stop
				}
				done <- err
				return
			}
			if time.Since(last) >= every {
				last = time.Now()
				n := bulk.Stats().Calls
				fmt.Fprintf(out, "simulate: %d calls written (%.0f calls/s)\n", n, float64(n)/time.Since(start).Seconds())
			}
		}
		done <- bulk.Flush(ctx)
	}()
	st, err := Generate(ctx, w, cfg, func(calls []Call, agents []calllog.AgentEvent) error {
		select {
		case ch <- batch{calls, agents}:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
	close(ch)
	werr := <-done
	if werr != nil {
		return st, bulk.Stats(), werr
	}
	return st, bulk.Stats(), err
}

func writeBatch(ctx context.Context, bulk *calllog.Bulk, b batch) error {
	for _, c := range b.calls {
		if _, err := bulk.AddCall(ctx, c.Events); err != nil {
			return err
		}
	}
	return bulk.AddAgentEvents(ctx, b.agents)
}

// analyze refreshes PostgreSQL's statistics of the tables just filled: the
// planner otherwise plans with those of the empty tables until autovacuum
// gets round to them, and after ten million calls it scanned every leg to
// find a bucket's (seen here: never analyzed an hour after the load).
func analyze(ctx context.Context, db *store.DB) error {
	if db.Dialect != store.Postgres {
		return nil
	}
	if _, err := db.ExecContext(ctx, `ANALYZE cdrs, cdr_legs, call_events, agent_events, call_ratings`); err != nil {
		return fmt.Errorf("sim: analyze: %w", err)
	}
	return nil
}
