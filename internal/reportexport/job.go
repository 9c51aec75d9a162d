package reportexport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store"
)

// Job states.
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// Phases of a running job.
const (
	PhaseComputing = "computing"
	PhaseWriting   = "writing"
)

// Job is an export: its state, progress (0–100) and, when done, its file.
type Job struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"` // queued, running, done, failed
	Phase    string `json:"phase"`  // computing or writing while running
	Progress int    `json:"progress"`
	Error    string `json:"error"` // why a failed job failed
	Format   string `json:"format"`
	Lang     string `json:"lang"`
	FileName string `json:"file_name"`
	Size     int64  `json:"size"`
	// Params are the report's URL parameters as given (GET /reports?…).
	Params      string       `json:"params"`
	Query       report.Query `json:"query"`
	CreatedAt   time.Time    `json:"created_at"`
	StartedAt   *time.Time   `json:"started_at"`
	FinishedAt  *time.Time   `json:"finished_at"`
	ExpiresAt   *time.Time   `json:"expires_at"`             // when the retention removes it (once finished)
	DownloadURL string       `json:"download_url,omitempty"` // once done

	userID int64
	path   string // the file, relative to the export dir
	node   string
	ip     string
}

const jobCols = `id, user_id, status, phase, progress, message, format, lang, query, params, file_name, file_path, size, node, ip,
	created_at, started_at, finished_at`

func scanJob(row interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	var q string
	var created, started, finished int64
	if err := row.Scan(&j.ID, &j.userID, &j.Status, &j.Phase, &j.Progress, &j.Error, &j.Format, &j.Lang, &q, &j.Params,
		&j.FileName, &j.path, &j.Size, &j.node, &j.ip, &created, &started, &finished); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(q), &j.Query); err != nil {
		return nil, fmt.Errorf("reportexport: job %d: query: %w", j.ID, err)
	}
	j.CreatedAt = store.Time(created)
	j.StartedAt, j.FinishedAt = optTime(started), optTime(finished)
	return &j, nil
}

func optTime(ms int64) *time.Time {
	if ms == 0 {
		return nil
	}
	t := store.Time(ms)
	return &t
}

// present fills the fields derived from the state.
func (j *Job) present(retention time.Duration) {
	if j.FinishedAt != nil {
		t := j.FinishedAt.Add(retention)
		j.ExpiresAt = &t
	}
	if j.Status == StatusDone {
		j.DownloadURL = api.Prefix + "/reports/exports/" + strconv.FormatInt(j.ID, 10) + "/file"
	}
}

// insertJob stores a new queued job.
func insertJob(ctx context.Context, q store.Querier, j *Job) error {
	b, err := json.Marshal(j.Query)
	if err != nil {
		return err
	}
	err = q.QueryRowContext(ctx, `INSERT INTO report_exports (user_id, status, format, lang, query, params, file_name, node, ip, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, j.userID, StatusQueued, j.Format, j.Lang, string(b), j.Params,
		j.FileName, j.node, j.ip, store.Millis(j.CreatedAt)).Scan(&j.ID)
	if err != nil {
		return fmt.Errorf("reportexport: insert job: %w", err)
	}
	j.Status = StatusQueued
	return nil
}

// userJob returns job id when it belongs to user; anyone else's is not
// found, like one that does not exist.
func userJob(ctx context.Context, q store.Querier, user, id int64) (*Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobCols+` FROM report_exports WHERE id = $1 AND user_id = $2`, id, user))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("export")
	}
	if err != nil {
		return nil, fmt.Errorf("reportexport: job: %w", err)
	}
	return j, nil
}

func jobByID(ctx context.Context, q store.Querier, id int64) (*Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobCols+` FROM report_exports WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("reportexport: job %d: %w", id, err)
	}
	return j, nil
}

// listJobs returns a user's jobs, newest first.
func listJobs(ctx context.Context, q store.Querier, user int64, limit int) ([]*Job, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+jobCols+` FROM report_exports WHERE user_id = $1 ORDER BY id DESC LIMIT $2`, user, limit)
	if err != nil {
		return nil, fmt.Errorf("reportexport: jobs: %w", err)
	}
	defer rows.Close()
	out := []*Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// pendingJobs counts a user's queued and running jobs.
func pendingJobs(ctx context.Context, q store.Querier, user int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM report_exports WHERE user_id = $1 AND status IN ($2, $3)`,
		user, StatusQueued, StatusRunning).Scan(&n)
	return n, err
}

// claimJob takes the oldest queued job of this node whose user has no
// job running, marking it running; nil when there is none. The update's
// status condition makes the claim safe against another worker.
func claimJob(ctx context.Context, db *store.DB, node string, now time.Time) (*Job, error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM report_exports WHERE status = $1 AND node = $2
		AND user_id NOT IN (SELECT user_id FROM report_exports WHERE status = $3) ORDER BY id LIMIT 5`, StatusQueued, node, StatusRunning)
	if err != nil {
		return nil, fmt.Errorf("reportexport: claim: %w", err)
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
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		res, err := db.ExecContext(ctx, `UPDATE report_exports SET status = $1, phase = $2, progress = $3, started_at = $4
			WHERE id = $5 AND status = $6`, StatusRunning, PhaseComputing, progressStart, store.Millis(now), id, StatusQueued)
		if err != nil {
			return nil, fmt.Errorf("reportexport: claim: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return jobByID(ctx, db, id)
		}
	}
	return nil, nil
}

// setProgress records a running job's phase and progress.
func setProgress(ctx context.Context, q store.Querier, id int64, phase string, pct int) error {
	_, err := q.ExecContext(ctx, `UPDATE report_exports SET phase = $1, progress = $2 WHERE id = $3 AND status = $4`,
		phase, pct, id, StatusRunning)
	if err != nil {
		return fmt.Errorf("reportexport: progress: %w", err)
	}
	return nil
}

// markDone records a finished job's file.
func markDone(ctx context.Context, q store.Querier, id int64, path string, size int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE report_exports SET status = $1, phase = '', progress = 100, file_path = $2, size = $3,
		finished_at = $4 WHERE id = $5`, StatusDone, path, size, store.Millis(now), id)
	if err != nil {
		return fmt.Errorf("reportexport: done: %w", err)
	}
	return nil
}

// markFailed records why a job failed; its progress stays where it got.
func markFailed(ctx context.Context, q store.Querier, id int64, msg string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE report_exports SET status = $1, phase = '', message = $2, finished_at = $3 WHERE id = $4`,
		StatusFailed, msg, store.Millis(now), id)
	if err != nil {
		return fmt.Errorf("reportexport: failed: %w", err)
	}
	return nil
}

// requeue puts running jobs back in the queue: this node's after a
// restart (all), or one interrupted by a shutdown.
func requeue(ctx context.Context, q store.Querier, node string, id int64) error {
	query, args := `UPDATE report_exports SET status = $1, phase = '', progress = 0, started_at = 0 WHERE status = $2 AND node = $3`,
		[]any{StatusQueued, StatusRunning, node}
	if id != 0 {
		query += ` AND id = $4`
		args = append(args, id)
	}
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("reportexport: requeue: %w", err)
	}
	return nil
}
