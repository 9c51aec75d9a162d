package calllog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Rating is a caller's satisfaction rating of a call (满意度评价). The
// lowest score of the scale ("very unsatisfied") is flagged: a supervisor
// reviews the recording and has the caller called back.
type Rating struct {
	CallID       string    `json:"call_id"`
	At           time.Time `json:"at"`
	Score        int       `json:"score"`
	Scale        int       `json:"scale"`
	Queue        string    `json:"queue,omitempty"`
	AgentID      int64     `json:"agent_id,omitempty"`
	TeamID       int64     `json:"team_id,omitempty"`
	DepartmentID int64     `json:"department_id,omitempty"`
	Flagged      bool      `json:"flagged"`
	ReviewedBy   int64     `json:"reviewed_by,omitempty"`
	ReviewedAt   time.Time `json:"reviewed_at,omitempty"`
	ReviewNote   string    `json:"review_note,omitempty"`
}

// RatingColumns are the data-scope columns of call_ratings.
var RatingColumns = org.Columns{Owner: "agent_id", Team: "team_id", Department: "department_id"}

// SaveRating stores a rating, flagging the scale's lowest score.
func SaveRating(ctx context.Context, q store.Querier, r Rating) (Rating, error) {
	r.Flagged = r.Score <= 1
	_, err := q.ExecContext(ctx, `INSERT INTO call_ratings (call_id, at, score, scale, queue, agent_id, team_id, department_id, flagged)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.CallID, r.At.UnixMilli(), r.Score, r.Scale, r.Queue,
		store.NullID(r.AgentID), store.NullID(r.TeamID), store.NullID(r.DepartmentID), r.Flagged)
	if err != nil {
		return r, fmt.Errorf("calllog: save rating %s: %w", r.CallID, store.Classify(err))
	}
	return r, nil
}

// RatingFilter selects ratings.
type RatingFilter struct {
	FlaggedOnly  bool
	Unreviewed   bool
	AgentID      int64
	Since, Until time.Time
	Limit        int
	Offset       int
}

// Ratings lists ratings in scope, newest first.
func Ratings(ctx context.Context, q store.Querier, sc org.Scope, f RatingFilter) ([]Rating, int, error) {
	var args store.Args
	where := sc.Filter(RatingColumns, &args)
	if f.FlaggedOnly {
		where += " AND flagged = TRUE"
	}
	if f.Unreviewed {
		where += " AND reviewed_at = 0"
	}
	if f.AgentID != 0 {
		where += " AND agent_id = " + args.Add(f.AgentID)
	}
	if !f.Since.IsZero() {
		where += " AND at >= " + args.Add(f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		where += " AND at < " + args.Add(f.Until.UnixMilli())
	}
	var total int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM call_ratings WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := q.QueryContext(ctx, `SELECT call_id, at, score, scale, queue, COALESCE(agent_id, 0), COALESCE(team_id, 0),
		COALESCE(department_id, 0), flagged, COALESCE(reviewed_by, 0), reviewed_at, review_note FROM call_ratings WHERE `+where+
		` ORDER BY at DESC LIMIT `+args.Add(f.Limit)+` OFFSET `+args.Add(f.Offset), args.Values()...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Rating{}
	for rows.Next() {
		var r Rating
		var at, rev int64
		if err := rows.Scan(&r.CallID, &at, &r.Score, &r.Scale, &r.Queue, &r.AgentID, &r.TeamID, &r.DepartmentID, &r.Flagged,
			&r.ReviewedBy, &rev, &r.ReviewNote); err != nil {
			return nil, 0, err
		}
		r.At, r.ReviewedAt = store.Time(at), store.Time(rev)
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// ReviewRating records a supervisor's review of a rating in scope: what was
// found and done (the call-back), per the documents' satisfaction process.
func ReviewRating(ctx context.Context, db *store.DB, a *org.Actor, callID, note string) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		var args store.Args
		q := `SELECT count(*) FROM call_ratings WHERE call_id = ` + args.Add(callID) + ` AND ` + a.Scope.Filter(RatingColumns, &args)
		var n int
		if err := tx.QueryRowContext(ctx, q, args.Values()...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.NotFound("rating")
		}
		if note == "" {
			return apperr.Invalid("note", "say what was found and done")
		}
		_, err := tx.ExecContext(ctx, `UPDATE call_ratings SET reviewed_by = $1, reviewed_at = $2, review_note = $3 WHERE call_id = $4`,
			store.NullID(a.UserID), time.Now().UnixMilli(), note, callID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}, "review", "call_ratings", 0,
			"rating of call "+callID+": "+note, nil, nil)
	})
}

var _ = errors.New
