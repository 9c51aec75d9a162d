// Package shift is the schedule the operating metrics measure against:
// shifts (an agent, a start and an end) with the activities inside them
// that take the agent off the phones (break, lunch, training, meeting).
// Schedule adherence (实际工作率) and attendance (出勤率) compare what agents
// did, from the agent event log, with this. Supervisors enter shifts by
// hand here; workforce management later generates them into the same
// tables, and the traffic simulator writes its agents' shifts with them.
package shift

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Activity kinds: time inside a shift that is not for taking calls.
const (
	Break    = "break"
	Lunch    = "lunch"
	Training = "training"
	Meeting  = "meeting"
	Coaching = "coaching"
	Other    = "other"
)

// Kinds lists the activity kinds.
var Kinds = []string{Break, Lunch, Training, Meeting, Coaching, Other}

// MaxLength bounds one shift.
const MaxLength = 16 * time.Hour

// Activity is a part of a shift off the phones.
type Activity struct {
	Kind  string    `json:"kind"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Shift is one agent's scheduled working time.
type Shift struct {
	ID           int64      `json:"id"`
	AgentID      int64      `json:"agent_id"`
	TeamID       int64      `json:"team_id,omitempty"`
	DepartmentID int64      `json:"department_id,omitempty"`
	Start        time.Time  `json:"start"`
	End          time.Time  `json:"end"`
	Activities   []Activity `json:"activities"`
	Note         string     `json:"note,omitempty"`
	Source       string     `json:"source"` // manual, wfm, simulate
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Interval is a half-open span of time [Start, End).
type Interval struct{ Start, End time.Time }

// PhoneTime returns the shift's time for taking calls: the shift minus its
// activities, in order.
func (s Shift) PhoneTime() []Interval {
	acts := append([]Activity(nil), s.Activities...)
	sort.Slice(acts, func(i, j int) bool { return acts[i].Start.Before(acts[j].Start) })
	var out []Interval
	at := s.Start
	for _, a := range acts {
		if a.Start.After(at) {
			out = append(out, Interval{at, a.Start})
		}
		if a.End.After(at) {
			at = a.End
		}
	}
	if s.End.After(at) {
		out = append(out, Interval{at, s.End})
	}
	return out
}

// Input creates or replaces a shift.
type Input struct {
	AgentID    int64      `json:"agent_id"`
	Start      time.Time  `json:"start"`
	End        time.Time  `json:"end"`
	Activities []Activity `json:"activities,omitempty"`
	Note       string     `json:"note,omitempty"`
}

// Filter selects shifts overlapping [From, To).
type Filter struct {
	From, To     time.Time
	AgentID      int64
	TeamID       int64
	DepartmentID int64
}

// Columns are the data-scope columns of shifts: an agent sees their own.
var Columns = org.Columns{Owner: "agent_id", Team: "team_id", Department: "department_id"}

// Service stores shifts.
type Service struct {
	DB  *store.DB
	Org *org.Service
	Log *slog.Logger
	// OnChange, when set, is told the agent and span whose schedule changed
	// (after the change is committed), so that figures measured against
	// the schedule are recomputed.
	OnChange func(agentID int64, from, to time.Time)
}

// New returns the service.
func New(db *store.DB, o *org.Service) *Service { return &Service{DB: db, Org: o, Log: slog.Default()} }

// ErrOverlap is returned for a shift that overlaps another of the agent's.
var ErrOverlap = errors.New("shift: overlaps another shift of the agent")

// Validate checks a shift's times and activities.
func (in Input) Validate() error {
	if in.AgentID <= 0 {
		return apperr.Invalid("agent_id", "choose an agent")
	}
	if in.Start.IsZero() || in.End.IsZero() {
		return apperr.Invalid("start", "give the shift's start and end")
	}
	if !in.End.After(in.Start) {
		return apperr.Invalid("end", "must be after the start")
	}
	if in.End.Sub(in.Start) > MaxLength {
		return apperr.Invalid("end", "a shift lasts at most %d hours", int(MaxLength.Hours()))
	}
	if len(in.Note) > 500 {
		return apperr.Invalid("note", "at most 500 characters")
	}
	acts := append([]Activity(nil), in.Activities...)
	sort.Slice(acts, func(i, j int) bool { return acts[i].Start.Before(acts[j].Start) })
	for i, a := range acts {
		if !known(a.Kind) {
			return apperr.Invalid("activities", "unknown activity %q (one of break, lunch, training, meeting, coaching, other)", a.Kind)
		}
		if !a.End.After(a.Start) {
			return apperr.Invalid("activities", "activity %s must end after it starts", a.Kind)
		}
		if a.Start.Before(in.Start) || a.End.After(in.End) {
			return apperr.Invalid("activities", "activity %s must lie inside the shift", a.Kind)
		}
		if i > 0 && a.Start.Before(acts[i-1].End) {
			return apperr.Invalid("activities", "activities %s and %s overlap", acts[i-1].Kind, a.Kind)
		}
	}
	return nil
}

func known(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

const cols = `id, agent_id, COALESCE(team_id, 0), COALESCE(department_id, 0), starts_at, ends_at, note, source, created_at, updated_at`

func scan(row interface{ Scan(...any) error }) (*Shift, error) {
	var s Shift
	var st, en, c, u int64
	if err := row.Scan(&s.ID, &s.AgentID, &s.TeamID, &s.DepartmentID, &st, &en, &s.Note, &s.Source, &c, &u); err != nil {
		return nil, err
	}
	s.Start, s.End, s.CreatedAt, s.UpdatedAt = store.Time(st), store.Time(en), store.Time(c), store.Time(u)
	s.Activities = []Activity{}
	return &s, nil
}

// List returns the shifts in the actor's scope overlapping the filter's
// span, by start.
func (s *Service) List(ctx context.Context, a *org.Actor, f Filter) ([]Shift, error) {
	var args store.Args
	where := a.Scope.Filter(Columns, &args)
	if f.From.IsZero() || f.To.IsZero() || !f.To.After(f.From) {
		return nil, apperr.Invalid("from", "give a time span (from before to)")
	}
	if f.To.Sub(f.From) > 92*24*time.Hour {
		return nil, apperr.Invalid("to", "list at most 92 days at a time")
	}
	where += " AND ends_at > " + args.Add(f.From.UnixMilli()) + " AND starts_at < " + args.Add(f.To.UnixMilli())
	if f.AgentID != 0 {
		where += " AND agent_id = " + args.Add(f.AgentID)
	}
	if f.TeamID != 0 {
		where += " AND team_id = " + args.Add(f.TeamID)
	}
	if f.DepartmentID != 0 {
		where += " AND department_id = " + args.Add(f.DepartmentID)
	}
	return load(ctx, s.DB, `SELECT `+cols+` FROM shifts WHERE `+where+` ORDER BY starts_at, agent_id, id`, args.Values()...)
}

// Overlapping returns every shift (no scope: for the metrics, which apply
// their own) overlapping [from, to), of the given agents or of all when
// agents is empty, by agent and start.
func Overlapping(ctx context.Context, q store.Querier, from, to time.Time, agents ...int64) ([]Shift, error) {
	var args store.Args
	where := "ends_at > " + args.Add(from.UnixMilli()) + " AND starts_at < " + args.Add(to.UnixMilli())
	if len(agents) > 0 {
		where += " AND agent_id IN " + args.In(agents...)
	}
	return load(ctx, q, `SELECT `+cols+` FROM shifts WHERE `+where+` ORDER BY agent_id, starts_at, id`, args.Values()...)
}

func load(ctx context.Context, q store.Querier, query string, args ...any) ([]Shift, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("shift: list: %w", err)
	}
	var out []Shift
	index := map[int64]int{}
	for rows.Next() {
		sh, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[sh.ID] = len(out)
		out = append(out, *sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return []Shift{}, nil
	}
	ids := make([]int64, 0, len(out))
	for _, sh := range out {
		ids = append(ids, sh.ID)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		if err := loadActivities(ctx, q, ids[:n], out, index); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

func loadActivities(ctx context.Context, q store.Querier, ids []int64, out []Shift, index map[int64]int) error {
	var args store.Args
	rows, err := q.QueryContext(ctx, `SELECT shift_id, kind, starts_at, ends_at FROM shift_activities WHERE shift_id IN `+
		args.In(ids...)+` ORDER BY shift_id, starts_at`, args.Values()...)
	if err != nil {
		return fmt.Errorf("shift: activities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, st, en int64
		var a Activity
		if err := rows.Scan(&id, &a.Kind, &st, &en); err != nil {
			return err
		}
		a.Start, a.End = store.Time(st), store.Time(en)
		sh := &out[index[id]]
		sh.Activities = append(sh.Activities, a)
	}
	return rows.Err()
}

// Get returns one shift in the actor's scope.
func (s *Service) Get(ctx context.Context, a *org.Actor, id int64) (*Shift, error) {
	var args store.Args
	where := "id = " + args.Add(id) + " AND " + a.Scope.Filter(Columns, &args)
	shs, err := load(ctx, s.DB, `SELECT `+cols+` FROM shifts WHERE `+where, args.Values()...)
	if err != nil {
		return nil, err
	}
	if len(shs) == 0 {
		return nil, apperr.NotFound("shift")
	}
	return &shs[0], nil
}

// Create adds a shift for an agent in the actor's scope.
func (s *Service) Create(ctx context.Context, a *org.Actor, in Input) (*Shift, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	agent, err := s.Org.User(ctx, a, in.AgentID)
	if err != nil {
		return nil, apperr.Invalid("agent_id", "no such agent in your scope")
	}
	sh := Shift{AgentID: agent.ID, TeamID: agent.TeamID, DepartmentID: agent.DepartmentID, Start: in.Start.UTC(), End: in.End.UTC(),
		Activities: in.Activities, Note: in.Note, Source: "manual"}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := noOverlap(ctx, tx, sh, 0); err != nil {
			return err
		}
		if err := insert(ctx, tx, &sh, time.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "shifts", sh.ID, summary(agent.Username, sh), nil, sh)
	})
	if err != nil {
		return nil, err
	}
	s.changed(sh.AgentID, sh.Start, sh.End)
	return &sh, nil
}

// Update replaces a shift's times, activities and note.
func (s *Service) Update(ctx context.Context, a *org.Actor, id int64, in Input) (*Shift, error) {
	old, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if in.AgentID == 0 {
		in.AgentID = old.AgentID
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	agent, err := s.Org.User(ctx, a, in.AgentID)
	if err != nil {
		return nil, apperr.Invalid("agent_id", "no such agent in your scope")
	}
	sh := *old
	sh.AgentID, sh.TeamID, sh.DepartmentID = agent.ID, agent.TeamID, agent.DepartmentID
	sh.Start, sh.End, sh.Activities, sh.Note = in.Start.UTC(), in.End.UTC(), in.Activities, in.Note
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := noOverlap(ctx, tx, sh, id); err != nil {
			return err
		}
		now := time.Now()
		sh.UpdatedAt = now.UTC().Truncate(time.Millisecond)
		if _, err := tx.ExecContext(ctx, `UPDATE shifts SET agent_id = $1, team_id = $2, department_id = $3, starts_at = $4,
			ends_at = $5, note = $6, updated_at = $7 WHERE id = $8`, sh.AgentID, store.NullID(sh.TeamID), store.NullID(sh.DepartmentID),
			sh.Start.UnixMilli(), sh.End.UnixMilli(), sh.Note, now.UnixMilli(), id); err != nil {
			return fmt.Errorf("shift: update: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM shift_activities WHERE shift_id = $1`, id); err != nil {
			return err
		}
		if err := insertActivities(ctx, tx, sh); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "shifts", id, summary(agent.Username, sh), old, sh)
	})
	if err != nil {
		return nil, err
	}
	s.changed(old.AgentID, old.Start, old.End)
	s.changed(sh.AgentID, sh.Start, sh.End)
	return &sh, nil
}

// Delete removes a shift.
func (s *Service) Delete(ctx context.Context, a *org.Actor, id int64) error {
	old, err := s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM shift_activities WHERE shift_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM shifts WHERE id = $1`, id); err != nil {
			return fmt.Errorf("shift: delete: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "shifts", id, summary("", *old), old, nil)
	})
	if err != nil {
		return err
	}
	s.changed(old.AgentID, old.Start, old.End)
	return nil
}

func (s *Service) changed(agentID int64, from, to time.Time) {
	if s.OnChange != nil {
		s.OnChange(agentID, from, to)
	}
}

func noOverlap(ctx context.Context, tx *sql.Tx, sh Shift, except int64) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM shifts WHERE agent_id = $1 AND id <> $2 AND ends_at > $3 AND starts_at < $4`,
		sh.AgentID, except, sh.Start.UnixMilli(), sh.End.UnixMilli()).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.Conflict("overlap", "%s", ErrOverlap.Error())
	}
	return nil
}

// InsertMany stores shifts in bulk, unaudited and unchecked for overlaps:
// for generators (workforce management's published schedule, which audits
// the publication, and the simulator). Each shift must Validate.
func InsertMany(ctx context.Context, q store.Querier, shifts []Shift) error {
	now := time.Now()
	for i := range shifts {
		if shifts[i].Source == "" {
			shifts[i].Source = "manual"
		}
		if err := insert(ctx, q, &shifts[i], now); err != nil {
			return err
		}
	}
	return nil
}

func insert(ctx context.Context, q store.Querier, sh *Shift, now time.Time) error {
	if sh.Source == "" {
		sh.Source = "manual"
	}
	sh.CreatedAt = now.UTC().Truncate(time.Millisecond)
	sh.UpdatedAt = sh.CreatedAt
	err := q.QueryRowContext(ctx, `INSERT INTO shifts (agent_id, team_id, department_id, starts_at, ends_at, note, source,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, sh.AgentID, store.NullID(sh.TeamID),
		store.NullID(sh.DepartmentID), sh.Start.UnixMilli(), sh.End.UnixMilli(), sh.Note, sh.Source, now.UnixMilli()).Scan(&sh.ID)
	if err != nil {
		return fmt.Errorf("shift: insert: %w", store.Classify(err))
	}
	if sh.Activities == nil {
		sh.Activities = []Activity{}
	}
	return insertActivities(ctx, q, *sh)
}

func insertActivities(ctx context.Context, q store.Querier, sh Shift) error {
	for _, a := range sh.Activities {
		if _, err := q.ExecContext(ctx, `INSERT INTO shift_activities (shift_id, kind, starts_at, ends_at) VALUES ($1, $2, $3, $4)`,
			sh.ID, a.Kind, a.Start.UnixMilli(), a.End.UnixMilli()); err != nil {
			return fmt.Errorf("shift: insert activity: %w", err)
		}
	}
	return nil
}

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }

func summary(user string, sh Shift) string {
	s := sh.Start.Local().Format("2006-01-02 15:04") + "–" + sh.End.Local().Format("15:04")
	if user != "" {
		s = user + " " + s
	}
	return s
}
