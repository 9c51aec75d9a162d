// Package recording keeps the metadata of call recordings — which call, who
// was on each channel and when, duration and size — next to the stereo WAV
// files the media layer writes under the data dir. It lists and reads them
// through the data scope (an agent hears their own calls, a team leader the
// team's), deletes them by the retention setting, and on start repairs files
// a crash left unfinished.
package recording

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Party notes who was on a channel of the recording during a period: the
// caller on the left; agents (one after another across transfers, or
// several in a conference) on the right.
type Party struct {
	Channel string    `json:"channel"` // left or right
	Who     string    `json:"who"`     // "caller 13800138000", "agent 1001"
	AgentID int64     `json:"agent_id,omitempty"`
	From    time.Time `json:"from"`
	Until   time.Time `json:"until,omitempty"`
}

// Recording is one call's recording.
type Recording struct {
	ID           int64     `json:"id"`
	CallID       string    `json:"call_id"`
	Path         string    `json:"-"` // relative to the recordings directory
	StartedAt    time.Time `json:"started_at"`
	EndedAt      time.Time `json:"ended_at,omitempty"`
	DurationMS   int64     `json:"duration_ms"`
	SizeBytes    int64     `json:"size_bytes"`
	Channels     int       `json:"channels"`
	Parties      []Party   `json:"parties"`
	Queue        string    `json:"queue,omitempty"`
	AgentID      int64     `json:"agent_id,omitempty"`
	TeamID       int64     `json:"team_id,omitempty"`
	DepartmentID int64     `json:"department_id,omitempty"`
	Repaired     bool      `json:"repaired,omitempty"`
}

// Columns are the data-scope columns of the recordings table.
var Columns = org.Columns{Owner: "agent_id", Team: "team_id", Department: "department_id"}

// Service stores recording metadata; Dir is where the files are. Node names
// this server: files are local to the node that recorded them, so only its
// own unfinished recordings are repaired at start.
type Service struct {
	DB   *store.DB
	Dir  string
	Node string
	Now  func() time.Time
	Log  *slog.Logger
}

// New returns a service for files under dir.
func New(db *store.DB, dir string) *Service {
	return &Service{DB: db, Dir: dir, Now: time.Now, Log: slog.Default()}
}

// NewPath returns the absolute path for a new recording of callID (files go
// in one directory per day) and the relative path stored.
func (s *Service) NewPath(callID string, at time.Time) (abs, rel string, err error) {
	rel = filepath.Join(at.Format("2006-01-02"), callID+".wav")
	abs = filepath.Join(s.Dir, rel)
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return "", "", fmt.Errorf("recording: %w", err)
	}
	return abs, rel, nil
}

// Abs returns the file path of a recording.
func (s *Service) Abs(r *Recording) string { return filepath.Join(s.Dir, r.Path) }

// Start records that a recording began.
func (s *Service) Start(ctx context.Context, r Recording) (int64, error) {
	if r.Channels == 0 {
		r.Channels = 2
	}
	parties, _ := json.Marshal(nonNil(r.Parties))
	var id int64
	err := s.DB.QueryRowContext(ctx, `INSERT INTO recordings (call_id, path, started_at, channels, legs, queue, agent_id, team_id,
		department_id, node) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, r.CallID, r.Path, r.StartedAt.UnixMilli(),
		r.Channels, string(parties), r.Queue, store.NullID(r.AgentID), store.NullID(r.TeamID), store.NullID(r.DepartmentID), s.Node).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("recording: start %s: %w", r.CallID, err)
	}
	return id, nil
}

// Finish records the end of a recording: duration, size, the parties on
// each channel, and the agent it belongs to for the data scope.
func (s *Service) Finish(ctx context.Context, id int64, r Recording) error {
	parties, _ := json.Marshal(nonNil(r.Parties))
	_, err := s.DB.ExecContext(ctx, `UPDATE recordings SET ended_at = $1, duration_ms = $2, size_bytes = $3, legs = $4,
		queue = $5, agent_id = $6, team_id = $7, department_id = $8 WHERE id = $9`,
		store.Millis(r.EndedAt), r.DurationMS, r.SizeBytes, string(parties), r.Queue, store.NullID(r.AgentID),
		store.NullID(r.TeamID), store.NullID(r.DepartmentID), id)
	if err != nil {
		return fmt.Errorf("recording: finish %d: %w", id, err)
	}
	return nil
}

func nonNil(p []Party) []Party {
	if p == nil {
		return []Party{}
	}
	return p
}

const cols = `id, call_id, path, started_at, ended_at, duration_ms, size_bytes, channels, legs, queue,
	COALESCE(agent_id, 0), COALESCE(team_id, 0), COALESCE(department_id, 0), repaired`

func scan(row interface{ Scan(...any) error }) (*Recording, error) {
	var r Recording
	var st, en int64
	var parties string
	if err := row.Scan(&r.ID, &r.CallID, &r.Path, &st, &en, &r.DurationMS, &r.SizeBytes, &r.Channels, &parties, &r.Queue,
		&r.AgentID, &r.TeamID, &r.DepartmentID, &r.Repaired); err != nil {
		return nil, err
	}
	r.StartedAt, r.EndedAt = store.Time(st), store.Time(en)
	if err := json.Unmarshal([]byte(parties), &r.Parties); err != nil {
		return nil, fmt.Errorf("recording %d: parties: %w", r.ID, err)
	}
	return &r, nil
}

// Get returns a recording the scope covers.
func (s *Service) Get(ctx context.Context, sc org.Scope, id int64) (*Recording, error) {
	var args store.Args
	q := `SELECT ` + cols + ` FROM recordings WHERE id = ` + args.Add(id) + ` AND ` + sc.Filter(Columns, &args)
	r, err := scan(s.DB.QueryRowContext(ctx, q, args.Values()...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("recording")
	}
	return r, err
}

// Filter selects recordings.
type Filter struct {
	CallID       string
	AgentID      int64
	Queue        string
	Since, Until time.Time
	Limit        int
	Offset       int
}

// List returns the recordings in scope, newest first, and the total.
func (s *Service) List(ctx context.Context, sc org.Scope, f Filter) ([]Recording, int, error) {
	var args store.Args
	where := sc.Filter(Columns, &args)
	if f.CallID != "" {
		where += " AND call_id = " + args.Add(f.CallID)
	}
	if f.AgentID != 0 {
		where += " AND agent_id = " + args.Add(f.AgentID)
	}
	if f.Queue != "" {
		where += " AND queue = " + args.Add(f.Queue)
	}
	if !f.Since.IsZero() {
		where += " AND started_at >= " + args.Add(f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		where += " AND started_at < " + args.Add(f.Until.UnixMilli())
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM recordings WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("recording: count: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+cols+` FROM recordings WHERE `+where+` ORDER BY started_at DESC, id DESC LIMIT `+
		args.Add(f.Limit)+` OFFSET `+args.Add(f.Offset), args.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("recording: list: %w", err)
	}
	defer rows.Close()
	out := []Recording{}
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *r)
	}
	return out, total, rows.Err()
}

// Delete removes a recording (file and row) the actor's scope covers.
func (s *Service) Delete(ctx context.Context, a *org.Actor, id int64) error {
	r, err := s.Get(ctx, a.Scope, id)
	if err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM recordings WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}, "delete", "recordings", id,
			"recording of call "+r.CallID, r, nil)
	})
	if err != nil {
		return fmt.Errorf("recording: delete %d: %w", id, err)
	}
	if err := os.Remove(s.Abs(r)); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.Log.Warn("recording file not removed", "path", s.Abs(r), "err", err)
	}
	return nil
}

// Purge deletes recordings that started before cutoff (the retention
// setting), files first, and returns how many went.
func (s *Service) Purge(ctx context.Context, cutoff time.Time) (int, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, path FROM recordings WHERE started_at < $1 AND ended_at > 0`, cutoff.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("recording: purge: %w", err)
	}
	type item struct {
		id   int64
		path string
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.path); err != nil {
			rows.Close()
			return 0, err
		}
		items = append(items, it)
	}
	rows.Close()
	n := 0
	for _, it := range items {
		if err := os.Remove(filepath.Join(s.Dir, it.path)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.Log.Warn("retention: file not removed", "path", it.path, "err", err)
			continue
		}
		if _, err := s.DB.ExecContext(ctx, `DELETE FROM recordings WHERE id = $1`, it.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Repairer fixes a WAV file a crash left with wrong sizes and returns its
// duration and size (media.RepairWAV).
type Repairer func(path string) (time.Duration, int64, error)

// RepairUnfinished finds recordings with no end (the process died during the
// call), repairs their files and records what they hold. Run it at start,
// before new calls.
func (s *Service) RepairUnfinished(ctx context.Context, repair Repairer) (int, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+cols+` FROM recordings WHERE ended_at = 0 AND node = $1`, s.Node)
	if err != nil {
		return 0, fmt.Errorf("recording: unfinished: %w", err)
	}
	var todo []*Recording
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, r)
	}
	rows.Close()
	n := 0
	for _, r := range todo {
		dur, size, err := repair(s.Abs(r))
		if err != nil {
			s.Log.Warn("recording could not be repaired", "id", r.ID, "path", r.Path, "err", err)
			dur, size = 0, 0
		}
		_, err = s.DB.ExecContext(ctx, `UPDATE recordings SET ended_at = $1, duration_ms = $2, size_bytes = $3, repaired = TRUE WHERE id = $4`,
			r.StartedAt.Add(dur).UnixMilli(), dur.Milliseconds(), size, r.ID)
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
