package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/sim"
	"github.com/hotline-cc/hotline/internal/store"
)

// simulateCmd generates realistic traffic into the event log
// (docs/simulate.md). It opens only the database and the organisation:
// no SIP, no HTTP, so it runs beside a server on the same database.
func simulateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var days, agents, aht, acw int
	var cost float64
	var from, to string
	var perDay float64
	var seed uint64
	var events, replace bool
	c, err := loadConfig("simulate", args, getenv, func(fs interface {
		StringVar(*string, string, string, string)
	}) {
		f := fs.(*flag.FlagSet)
		f.IntVar(&days, "days", 7, "simulate the N days ending now")
		f.StringVar(&from, "from", "", "first day to simulate, YYYY-MM-DD in the reports' time zone (instead of -days)")
		f.StringVar(&to, "to", "", "last day to simulate, YYYY-MM-DD, inclusive (default: up to now)")
		f.Float64Var(&perDay, "calls-per-day", 1500, "mean calls a day over a week (weekdays more, weekends less)")
		f.IntVar(&agents, "agents", 30, "simulated agents")
		f.Uint64Var(&seed, "seed", 1, "random seed: the same seed, period, flags and configuration give the same data")
		f.BoolVar(&events, "events", true, "write the call events (false: only CDRs, legs, ratings and agent events)")
		f.BoolVar(&replace, "replace", false, "delete earlier simulated data overlapping the period first")
		f.IntVar(&aht, "aht", 240, "mean talk time, seconds")
		f.IntVar(&acw, "acw", 30, "mean after-call work (wrap-up), seconds")
		f.Float64Var(&cost, "cost-per-agent-month", 12000, "enter the center's cost of each month without one as agents × this (for cost per call; 0: none)")
	})
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, c.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	// Local time is the reports' time zone: the profile's peaks and the
	// days of -from and -to are where the reports put them.
	settings, err := report.LoadSettings(ctx, db)
	if err != nil {
		return err
	}
	loc := settings.Location()
	now := time.Now()
	start, end, err := simPeriod(days, from, to, now, loc)
	if err != nil {
		return err
	}
	o := org.NewService(db)
	o.Log = newLogger(c, stderr)
	if err := o.SyncBuiltinRoles(ctx); err != nil {
		return err
	}
	_, err = sim.Run(ctx, db, o, sim.Options{
		Config: sim.Config{From: start, To: end, Location: loc, CallsPerDay: perDay, Seed: seed,
			AHT: time.Duration(aht) * time.Second, ACW: time.Duration(acw) * time.Second},
		Agents: agents, Events: events, Replace: replace, Out: stdout, Now: func() time.Time { return now }})
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	if err := enterCosts(ctx, db, start.In(loc), end, float64(agents)*cost, stdout); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	return syncReports(ctx, db, o, o.Log, stdout)
}

// enterCosts enters amount as the center's cost of each month of the
// period that has none, so that cost per call has an input (audited as
// the system; a month already entered is left as it is).
func enterCosts(ctx context.Context, db *store.DB, from, to time.Time, amount float64, out io.Writer) error {
	if amount <= 0 {
		return nil
	}
	sys := org.System()
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, from.Location()); m.Before(to); m = m.AddDate(0, 1, 0) {
		month := m.Format("2006-01")
		have, err := report.Costs(ctx, db, sys, month, month)
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue
		}
		if _, err := report.SetCost(ctx, db, sys, report.Cost{Month: month, Amount: amount, Note: "hotline simulate"}); err != nil {
			return err
		}
		fmt.Fprintf(out, "simulate: entered the center's cost of %s: %.2f\n", month, amount)
	}
	return nil
}

// syncReports brings the report rollups up to date, so that the reports
// of the simulated period open at once.
func syncReports(ctx context.Context, db *store.DB, o *org.Service, log *slog.Logger, out io.Writer) error {
	t := time.Now()
	eng := report.New(db, o, queues.New(db), log)
	if err := eng.Start(ctx); err != nil {
		return err
	}
	if err := eng.Sync(ctx); err != nil {
		return fmt.Errorf("simulate: report rollups: %w", err)
	}
	fmt.Fprintf(out, "simulate: reports up to date in %.1f s\n", time.Since(t).Seconds())
	return nil
}

// simPeriod is the period to simulate: -from (and -to, inclusive) as
// dates in loc, or the -days days ending now (at the last quarter hour).
// It may not end in the future.
func simPeriod(days int, from, to string, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	end := now.Truncate(15 * time.Minute)
	if from == "" {
		if to != "" {
			return time.Time{}, time.Time{}, fmt.Errorf("simulate: -to needs -from")
		}
		if days < 1 || days > sim.MaxDays {
			return time.Time{}, time.Time{}, fmt.Errorf("simulate: -days must be between 1 and %d", sim.MaxDays)
		}
		return end.Add(-time.Duration(days) * 24 * time.Hour), end, nil
	}
	start, err := time.ParseInLocation(time.DateOnly, from, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("simulate: -from %q: want YYYY-MM-DD", from)
	}
	if to != "" {
		last, err := time.ParseInLocation(time.DateOnly, to, loc)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("simulate: -to %q: want YYYY-MM-DD", to)
		}
		end = last.AddDate(0, 0, 1)
	}
	if end.After(now) {
		return time.Time{}, time.Time{}, fmt.Errorf("simulate: the period may not end in the future (after %s)", now.Format("2006-01-02 15:04"))
	}
	if !end.After(start) {
		return time.Time{}, time.Time{}, fmt.Errorf("simulate: -to is before -from")
	}
	return start, end, nil
}
