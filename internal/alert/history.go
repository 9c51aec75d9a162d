package alert

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Episode is one alert: from when a queue's figure went past a level to
// when it came back.
type Episode struct {
	ID           int64      `json:"id"`
	RuleID       int64      `json:"rule_id,omitempty"`
	QueueID      int64      `json:"queue_id"`
	Queue        string     `json:"queue"`
	Metric       Metric     `json:"metric"`
	Level        Level      `json:"level"`   // the worst level reached
	Current      Level      `json:"current"` // the level now; "" once closed
	Warning      float64    `json:"warning"` // the rule's levels when it opened
	Critical     float64    `json:"critical"`
	StartedAt    time.Time  `json:"started_at"`
	EndedAt      *time.Time `json:"ended_at,omitempty"` // absent while open
	Peak         float64    `json:"peak"`               // the worst value
	Last         float64    `json:"last"`               // the last value seen
	DepartmentID int64      `json:"department_id,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Open reports whether the episode is still going on.
func (e Episode) Open() bool { return e.EndedAt == nil }

const episodeCols = `id, COALESCE(rule_id, 0), queue_id, queue, metric, level, current, warning, critical, started_at, ended_at,
	peak, last_value, COALESCE(department_id, 0), updated_at`

func scanEpisode(row interface{ Scan(...any) error }) (Episode, error) {
	var e Episode
	var st, en, up int64
	err := row.Scan(&e.ID, &e.RuleID, &e.QueueID, &e.Queue, &e.Metric, &e.Level, &e.Current, &e.Warning, &e.Critical, &st, &en,
		&e.Peak, &e.Last, &e.DepartmentID, &up)
	e.StartedAt, e.UpdatedAt = store.Time(st), store.Time(up)
	if en != 0 {
		t := store.Time(en)
		e.EndedAt = &t
	}
	return e, err
}

func loadEpisodes(ctx context.Context, q store.Querier, query string, args ...any) ([]Episode, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("alert: episodes: %w", err)
	}
	defer rows.Close()
	out := []Episode{}
	for rows.Next() {
		e, err := scanEpisode(rows)
		if err != nil {
			return nil, fmt.Errorf("alert: episodes: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// insertEpisode stores a new open episode. When another node opened one
// for the same queue and metric first, that one is returned instead
// (adopted is true).
func insertEpisode(ctx context.Context, q store.Querier, e Episode) (Episode, bool, error) {
	err := q.QueryRowContext(ctx, `INSERT INTO alert_episodes (rule_id, queue_id, queue, metric, level, current, warning, critical,
		started_at, peak, last_value, department_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		RETURNING id`, store.NullID(e.RuleID), e.QueueID, e.Queue, string(e.Metric), string(e.Level), string(e.Current), e.Warning,
		e.Critical, e.StartedAt.UnixMilli(), e.Peak, e.Last, store.NullID(e.DepartmentID), e.UpdatedAt.UnixMilli()).Scan(&e.ID)
	if err == nil {
		return e, false, nil
	}
	if cerr := store.Classify(err); !isConflict(cerr) {
		return e, false, fmt.Errorf("alert: open episode: %w", cerr)
	}
	open, lerr := loadEpisodes(ctx, q, `SELECT `+episodeCols+` FROM alert_episodes WHERE queue_id = $1 AND metric = $2 AND ended_at = 0`,
		e.QueueID, string(e.Metric))
	if lerr != nil || len(open) == 0 {
		return e, false, fmt.Errorf("alert: open episode: %w", err)
	}
	return open[0], true, nil
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

// updateEpisode records an open episode's levels and values.
func updateEpisode(ctx context.Context, q store.Querier, e Episode) error {
	_, err := q.ExecContext(ctx, `UPDATE alert_episodes SET level = $1, current = $2, peak = $3, last_value = $4, updated_at = $5
		WHERE id = $6`, string(e.Level), string(e.Current), e.Peak, e.Last, e.UpdatedAt.UnixMilli(), e.ID)
	if err != nil {
		return fmt.Errorf("alert: update episode %d: %w", e.ID, err)
	}
	return nil
}

// closeEpisode ends an episode at end.
func closeEpisode(ctx context.Context, q store.Querier, e Episode, end time.Time) error {
	if end.Before(e.StartedAt) {
		end = e.StartedAt
	}
	_, err := q.ExecContext(ctx, `UPDATE alert_episodes SET current = '', peak = $1, last_value = $2, ended_at = $3, updated_at = $4
		WHERE id = $5 AND ended_at = 0`, e.Peak, e.Last, end.UnixMilli(), e.UpdatedAt.UnixMilli(), e.ID)
	if err != nil {
		return fmt.Errorf("alert: close episode %d: %w", e.ID, err)
	}
	return nil
}

// openEpisodes returns every open episode (the evaluator's, unscoped).
func openEpisodes(ctx context.Context, q store.Querier) ([]Episode, error) {
	return loadEpisodes(ctx, q, `SELECT `+episodeCols+` FROM alert_episodes WHERE ended_at = 0 ORDER BY id`)
}

// Active returns the open alerts in the actor's scope, worst first.
func (s *Service) Active(ctx context.Context, a *org.Actor) ([]Episode, error) {
	var args store.Args
	where, err := s.where(ctx, a, &args)
	if err != nil {
		return nil, err
	}
	return loadEpisodes(ctx, s.DB, `SELECT `+episodeCols+` FROM alert_episodes WHERE ended_at = 0 AND `+where+`
		ORDER BY CASE current WHEN 'critical' THEN 0 ELSE 1 END, started_at, id`, args.Values()...)
}

// Filter selects alert history: episodes of a queue, a metric or a worst
// level, overlapping [From, To) (either may be zero: open-ended).
type Filter struct {
	QueueID int64
	Metric  Metric
	Level   Level
	From    time.Time
	To      time.Time
	Limit   int
	Offset  int
}

func (f Filter) check() error {
	if f.Metric != "" && !f.Metric.Known() {
		return apperr.Invalid("metric", "unknown metric %q", f.Metric)
	}
	if f.Level != LevelNone && f.Level != LevelWarning && f.Level != LevelCritical {
		return apperr.Invalid("level", "must be warning or critical")
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		return apperr.Invalid("to", "must be after from")
	}
	return nil
}

// History returns episodes in the actor's scope, newest first, and how many
// match in all.
func (s *Service) History(ctx context.Context, a *org.Actor, f Filter) ([]Episode, int, error) {
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	var args store.Args
	where, err := s.where(ctx, a, &args)
	if err != nil {
		return nil, 0, err
	}
	if f.QueueID != 0 {
		where += " AND queue_id = " + args.Add(f.QueueID)
	}
	if f.Metric != "" {
		where += " AND metric = " + args.Add(string(f.Metric))
	}
	if f.Level != LevelNone {
		where += " AND level = " + args.Add(string(f.Level))
	}
	if !f.To.IsZero() {
		where += " AND started_at < " + args.Add(f.To.UnixMilli())
	}
	if !f.From.IsZero() {
		where += " AND (ended_at = 0 OR ended_at >= " + args.Add(f.From.UnixMilli()) + ")"
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM alert_episodes WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("alert: count history: %w", err)
	}
	page := " ORDER BY started_at DESC, id DESC LIMIT " + args.Add(f.Limit) + " OFFSET " + args.Add(f.Offset)
	eps, err := loadEpisodes(ctx, s.DB, `SELECT `+episodeCols+` FROM alert_episodes WHERE `+where+page, args.Values()...)
	return eps, total, err
}
