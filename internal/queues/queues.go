// Package queues stores the ACD's configuration — queues with their routing
// settings, and each agent's skills and queue memberships — and keeps the
// live routing engine (internal/acd) in step with it.
package queues

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Queue is a queue's stored configuration: the routing settings the engine
// uses plus what the call layer does while callers wait.
type Queue struct {
	acd.Queue    `yaml:",inline"`
	DepartmentID int64 `json:"department_id,omitempty" yaml:"department_id,omitempty"`
	// MusicOnHold names an uploaded prompt played while waiting; empty =
	// the built-in music.
	MusicOnHold string `json:"music_on_hold,omitempty" yaml:"music_on_hold,omitempty"`
	// Language of spoken announcements (zh-CN or en).
	Language string `json:"language,omitempty" yaml:"language,omitempty"`
	// Survey moves the caller to the satisfaction rating when the agent
	// hangs up; SurveyScale is the highest score (default 5).
	Survey      bool `json:"survey,omitempty" yaml:"survey,omitempty"`
	SurveyScale int  `json:"survey_scale,omitempty" yaml:"survey_scale,omitempty"`
	// Members are the agents serving the queue; nil on save keeps them.
	Members   []Member  `json:"members" yaml:"-"`
	CreatedAt time.Time `json:"created_at" yaml:"-"`
	UpdatedAt time.Time `json:"updated_at" yaml:"-"`
}

// Member is an agent serving a queue; lower penalties are offered first.
type Member struct {
	UserID  int64 `json:"user_id"`
	Penalty int   `json:"penalty,omitempty"`
}

// Agent is an agent's routing configuration.
type Agent struct {
	UserID int64            `json:"user_id"`
	Skills map[string]int   `json:"skills"`
	Queues []acd.Membership `json:"queues"`
}

// Engine is the part of the ACD the store keeps in step.
type Engine interface {
	UpsertQueue(q acd.Queue) error
	RemoveQueue(id int64) error
	UpsertAgent(a acd.Agent) error
}

// Service stores queues and agent routing.
type Service struct {
	DB     *store.DB
	Engine Engine // optional: changes are applied to the live engine
	Notify org.Notifier
	Now    func() time.Time
}

// New returns a service on db.
func New(db *store.DB) *Service { return &Service{DB: db, Now: time.Now} }

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }

func (q *Queue) check() error {
	q.Name = strings.TrimSpace(q.Name)
	if err := valid.Text("name", q.Name, 1, 64); err != nil {
		return err
	}
	if q.Strategy == "" {
		q.Strategy = acd.LongestIdle
	}
	if q.Language == "" {
		q.Language = "zh-CN"
	}
	if err := valid.OneOf("language", q.Language, "zh-CN", "en"); err != nil {
		return err
	}
	if q.SurveyScale == 0 {
		q.SurveyScale = 5
	}
	if q.SurveyScale < 2 || q.SurveyScale > 10 {
		return apperr.Invalid("survey_scale", "must be 2 to 10")
	}
	probe := q.Queue
	if probe.ID == 0 {
		probe.ID = 1 // validated before the row has an ID
	}
	return probe.Validate()
}

func (s *Service) getQueue(ctx context.Context, q store.Querier, cond string, arg any) (*Queue, error) {
	var out Queue
	var cfg string
	var dept sql.NullInt64
	var c, u int64
	err := q.QueryRowContext(ctx, `SELECT id, name, department_id, config, created_at, updated_at FROM queues WHERE `+cond, arg).
		Scan(&out.ID, &out.Name, &dept, &cfg, &c, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("queue")
	}
	if err != nil {
		return nil, fmt.Errorf("queues: get: %w", err)
	}
	id, name := out.ID, out.Name
	if err := json.Unmarshal([]byte(cfg), &out); err != nil {
		return nil, fmt.Errorf("queues: config of %d: %w", id, err)
	}
	out.ID, out.Name, out.DepartmentID = id, name, dept.Int64
	out.CreatedAt, out.UpdatedAt = store.Time(c), store.Time(u)
	if out.Members, err = members(ctx, q, id); err != nil {
		return nil, err
	}
	return &out, nil
}

func members(ctx context.Context, q store.Querier, queueID int64) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id, penalty FROM queue_members WHERE queue_id = $1 ORDER BY user_id`, queueID)
	if err != nil {
		return nil, fmt.Errorf("queues: members: %w", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.UserID, &m.Penalty); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Queue returns one queue.
func (s *Service) Queue(ctx context.Context, id int64) (*Queue, error) {
	return s.getQueue(ctx, s.DB, `id = $1`, id)
}

// ByName returns the queue called name.
func (s *Service) ByName(ctx context.Context, name string) (*Queue, error) {
	return s.getQueue(ctx, s.DB, `name = $1`, name)
}

// List returns every queue.
func (s *Service) List(ctx context.Context) ([]Queue, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM queues ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("queues: list: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []Queue{}
	for _, id := range ids {
		q, err := s.Queue(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *q)
	}
	return out, nil
}

// Save creates (ID 0) or updates a queue, and its members unless
// q.Members is nil.
func (s *Service) Save(ctx context.Context, a *org.Actor, q Queue) (*Queue, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	var after, before *Queue
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if q.ID != 0 {
			var err error
			if before, err = s.getQueue(ctx, tx, `id = $1`, q.ID); err != nil {
				return err
			}
		}
		if q.DepartmentID != 0 {
			var n int
			tx.QueryRowContext(ctx, `SELECT count(*) FROM departments WHERE id = $1`, q.DepartmentID).Scan(&n)
			if n == 0 {
				return apperr.Invalid("department_id", "department %d does not exist", q.DepartmentID)
			}
		}
		stored := q
		stored.Members = nil
		cfg, err := json.Marshal(stored)
		if err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		if before == nil {
			err = tx.QueryRowContext(ctx, `INSERT INTO queues (name, department_id, config, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4) RETURNING id`, q.Name, store.NullID(q.DepartmentID), string(cfg), now).Scan(&q.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE queues SET name = $1, department_id = $2, config = $3, updated_at = $4 WHERE id = $5`,
				q.Name, store.NullID(q.DepartmentID), string(cfg), now, q.ID)
		}
		if err != nil {
			if errors.Is(store.Classify(err), store.ErrConflict) {
				return apperr.Duplicate("name", "a queue named %q already exists", q.Name)
			}
			return fmt.Errorf("queues: save: %w", err)
		}
		if q.Members != nil {
			if err := setMembers(ctx, tx, q.ID, q.Members); err != nil {
				return err
			}
		}
		if after, err = s.getQueue(ctx, tx, `id = $1`, q.ID); err != nil {
			return err
		}
		action := "update"
		if before == nil {
			action = "create"
		}
		return audit.Record(ctx, tx, who(a), action, "queues", q.ID, "queue "+q.Name, before, after)
	})
	if err != nil {
		return nil, err
	}
	return after, s.apply(ctx, after, before)
}

func setMembers(ctx context.Context, tx *sql.Tx, queueID int64, ms []Member) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM queue_members WHERE queue_id = $1`, queueID); err != nil {
		return err
	}
	for i, m := range ms {
		uid := m.UserID
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1`, uid).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.Invalid(fmt.Sprintf("members[%d].user_id", i), "user %d does not exist", uid)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO queue_members (queue_id, user_id, penalty) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			queueID, uid, m.Penalty); err != nil {
			return fmt.Errorf("queues: add member: %w", err)
		}
	}
	return nil
}

// Delete removes a queue; refused while numbers route to it (the caller
// checks that through RouteCount) or calls wait in it.
func (s *Service) Delete(ctx context.Context, a *org.Actor, id int64) error {
	q, err := s.Queue(ctx, id)
	if err != nil {
		return err
	}
	if s.Engine != nil {
		if err := s.Engine.RemoveQueue(id); err != nil && !errors.Is(err, acd.ErrUnknownQueue) {
			return apperr.Conflict("busy", "queue %q has calls waiting", q.Name)
		}
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM queues WHERE id = $1`, id); err != nil {
			return fmt.Errorf("queues: delete: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "queues", id, "queue "+q.Name, q, nil)
	})
}

// apply pushes a queue to the live engine, and the memberships of everyone
// who was or is a member.
func (s *Service) apply(ctx context.Context, q, before *Queue) error {
	if s.Engine == nil {
		return nil
	}
	if err := s.Engine.UpsertQueue(q.Queue); err != nil {
		return err
	}
	ids := map[int64]bool{}
	for _, m := range q.Members {
		ids[m.UserID] = true
	}
	if before != nil {
		for _, m := range before.Members {
			ids[m.UserID] = true
		}
	}
	for id := range ids {
		if err := s.syncAgent(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
