package queues

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Agent returns the routing configuration of a user (empty when none).
func (s *Service) Agent(ctx context.Context, userID int64) (*Agent, error) {
	return agentOf(ctx, s.DB, userID)
}

func agentOf(ctx context.Context, q store.Querier, userID int64) (*Agent, error) {
	a := &Agent{UserID: userID, Skills: map[string]int{}, Queues: []acd.Membership{}}
	var skills string
	err := q.QueryRowContext(ctx, `SELECT skills FROM agent_routing WHERE user_id = $1`, userID).Scan(&skills)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("queues: agent %d: %w", userID, err)
	}
	if err == nil {
		if err := json.Unmarshal([]byte(skills), &a.Skills); err != nil {
			return nil, fmt.Errorf("queues: agent %d skills: %w", userID, err)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT queue_id, penalty FROM queue_members WHERE user_id = $1 ORDER BY queue_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m acd.Membership
		if err := rows.Scan(&m.QueueID, &m.Penalty); err != nil {
			return nil, err
		}
		a.Queues = append(a.Queues, m)
	}
	return a, rows.Err()
}

// SetAgent replaces a user's skills and queue memberships.
func (s *Service) SetAgent(ctx context.Context, actor *org.Actor, in Agent) (*Agent, error) {
	probe := acd.Agent{ID: in.UserID, Skills: in.Skills, Queues: in.Queues}
	if err := probe.Validate(); err != nil {
		return nil, err
	}
	var after *Agent
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1`, in.UserID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.NotFound("user")
		}
		before, err := agentOf(ctx, tx, in.UserID)
		if err != nil {
			return err
		}
		skills, _ := json.Marshal(nonNilSkills(in.Skills))
		_, err = tx.ExecContext(ctx, `INSERT INTO agent_routing (user_id, skills, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET skills = excluded.skills, updated_at = excluded.updated_at`,
			in.UserID, string(skills), s.Now().UnixMilli())
		if err != nil {
			return fmt.Errorf("queues: set skills: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM queue_members WHERE user_id = $1`, in.UserID); err != nil {
			return err
		}
		for i, m := range in.Queues {
			if _, err := s.getQueue(ctx, tx, `id = $1`, m.QueueID); err != nil {
				return apperr.Invalid(fmt.Sprintf("queues[%d].queue_id", i), "queue %d does not exist", m.QueueID)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO queue_members (queue_id, user_id, penalty) VALUES ($1, $2, $3)`,
				m.QueueID, in.UserID, m.Penalty); err != nil {
				return fmt.Errorf("queues: membership: %w", err)
			}
		}
		if after, err = agentOf(ctx, tx, in.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(actor), "update", "agent_routing", in.UserID, "skills and queues", before, after)
	})
	if err != nil {
		return nil, err
	}
	return after, s.syncAgent(ctx, in.UserID)
}

func nonNilSkills(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// syncAgent pushes one agent's routing to the engine.
func (s *Service) syncAgent(ctx context.Context, userID int64) error {
	if s.Engine == nil {
		return nil
	}
	a, err := agentOf(ctx, s.DB, userID)
	if err != nil {
		return err
	}
	var name string
	s.DB.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, userID).Scan(&name)
	return s.Engine.UpsertAgent(acd.Agent{ID: userID, Name: name, Skills: a.Skills, Queues: a.Queues})
}

// LoadAll pushes every queue and every agent with routing (or an
// extension) into the engine; run it at start.
func (s *Service) LoadAll(ctx context.Context) error {
	if s.Engine == nil {
		return nil
	}
	qs, err := s.List(ctx)
	if err != nil {
		return err
	}
	for _, q := range qs {
		if err := s.Engine.UpsertQueue(q.Queue); err != nil {
			return fmt.Errorf("queues: load %s: %w", q.Name, err)
		}
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM users WHERE active = TRUE AND (extension IS NOT NULL
		OR id IN (SELECT user_id FROM queue_members) OR id IN (SELECT user_id FROM agent_routing))`)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := s.syncAgent(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
