package satisfaction

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Step is one entry of a case's timeline: who took which step, when, and
// what they recorded (the fields the step has).
type Step struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Kind      string    `json:"kind"`   // review, assign, callback, close
	Status    string    `json:"status"` // the case's status after it
	ReasonID  int64     `json:"reason_id,omitempty"`
	TeamID    int64     `json:"team_id,omitempty"`
	UserID    int64     `json:"user_id,omitempty"`
	DueAt     time.Time `json:"due_at,omitzero"`
	Result    string    `json:"result,omitempty"`
	Note      string    `json:"note,omitempty"`
}

// EarlierReview is a review note written through the older
// POST /ratings/{call_id}/review, which the case shows beside its steps.
type EarlierReview struct {
	By   int64     `json:"by,omitempty"`
	At   time.Time `json:"at"`
	Note string    `json:"note"`
}

// Detail is a case with its timeline.
type Detail struct {
	Case
	Steps         []Step         `json:"steps"`
	EarlierReview *EarlierReview `json:"earlier_review,omitempty"`
}

// Detail returns the case a may read with its steps, oldest first.
func (s *Service) Detail(ctx context.Context, a *org.Actor, id int64) (*Detail, error) {
	c, err := s.Case(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Case: *c, Steps: []Step{}}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_name, kind, status, COALESCE(reason_id, 0),
		COALESCE(team_id, 0), COALESCE(user_id, 0), due_at, result, note FROM sat_case_steps WHERE case_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("satisfaction: steps of case %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var st Step
		var at, due int64
		if err := rows.Scan(&st.ID, &at, &st.ActorID, &st.ActorName, &st.Kind, &st.Status, &st.ReasonID, &st.TeamID,
			&st.UserID, &due, &st.Result, &st.Note); err != nil {
			return nil, err
		}
		st.At, st.DueAt = store.Time(at), store.Time(due)
		d.Steps = append(d.Steps, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return d, s.earlierReview(ctx, d)
}

// earlierReview finds a review the rating got through the older API: one
// that is not the mirror Review writes (same time as the case's review).
func (s *Service) earlierReview(ctx context.Context, d *Detail) error {
	var by, at int64
	var text string
	err := s.DB.QueryRowContext(ctx, `SELECT COALESCE(reviewed_by, 0), reviewed_at, review_note FROM call_ratings WHERE call_id = $1`,
		d.CallID).Scan(&by, &at, &text)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("satisfaction: rating of case %d: %w", d.ID, err)
	}
	if at != 0 && at != store.Millis(d.ReviewedAt) {
		d.EarlierReview = &EarlierReview{By: by, At: store.Time(at), Note: text}
	}
	return nil
}
