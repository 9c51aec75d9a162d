package satisfaction

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// missing selects the flagged ratings that have no case yet.
const missing = ` FROM call_ratings r WHERE r.flagged = TRUE
	AND NOT EXISTS (SELECT 1 FROM sat_cases c WHERE c.call_id = r.call_id)`

// PickUp opens a case for every flagged rating that has none and returns
// how many it opened. It is idempotent and safe to run on several nodes at
// once (the call ID is unique; a rating another node took is skipped). A
// read-only probe comes first, so that the common case — nothing new —
// takes no write lock.
func (s *Service) PickUp(ctx context.Context) (int, error) {
	var one int
	err := s.DB.QueryRowContext(ctx, `SELECT 1`+missing+` LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("satisfaction: probe flagged ratings: %w", err)
	}
	now := s.now().UnixMilli()
	res, err := s.DB.ExecContext(ctx, `INSERT INTO sat_cases (call_id, rated_at, score, scale, queue, agent_id, team_id,
		department_id, status, created_at, updated_at)
		SELECT r.call_id, r.at, r.score, r.scale, r.queue, r.agent_id, r.team_id, r.department_id, $1, $2, $2`+missing+`
		ON CONFLICT (call_id) DO NOTHING`, StatusNew, now)
	if err != nil {
		return 0, fmt.Errorf("satisfaction: open cases: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
