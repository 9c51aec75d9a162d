package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/store"
)

// apply moves the staged rows into customers in one transaction, so other
// users never see half a batch; a number taken meanwhile by someone else
// rejects the batch (strict) or drops that row (lenient).
func (s *Service) apply(ctx context.Context, j *importJob) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE crm_batches SET phase = 'applying' WHERE id = $1`, j.batch.ID); err != nil {
		return err
	}
	s.hook("applying")
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var late []ImportError
		late, err = s.applyOnce(ctx, j)
		if len(late) > 0 {
			j.invalid += len(late)
			j.valid -= len(late)
			if err := s.insertErrors(ctx, s.db, j.batch.ID, late); err != nil {
				return err
			}
			return s.reject(ctx, j, fmt.Sprintf("%d bad rows: nothing was imported (strict mode)", j.invalid))
		}
		if !errors.Is(store.Classify(err), store.ErrConflict) {
			break
		}
	}
	if err != nil {
		return err
	}
	if path := j.batch.filePath; path != "" {
		os.Remove(path)
		j.batch.filePath = ""
	}
	return deleteStaged(ctx, s.db, j.batch.ID)
}

// applyOnce is one attempt of apply. In strict mode it returns the rows
// whose numbers were taken since they were staged (and applies nothing).
func (s *Service) applyOnce(ctx context.Context, j *importJob) ([]ImportError, error) {
	var late []ImportError
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if j.to.OwnerID != 0 {
			if err := s.reserve(ctx, tx, map[int64]int{j.to.OwnerID: j.valid}); err != nil {
				return err
			}
		}
		taken, err := s.takenMeanwhile(ctx, tx, j)
		if err != nil {
			return err
		}
		if len(taken) > 0 && j.opts.Mode == ModeStrict {
			late = taken
			return errRollback
		}
		if err := s.dropLate(ctx, tx, j, taken); err != nil {
			return err
		}
		return s.insertBatchCustomers(ctx, tx, j)
	})
	if errors.Is(err, errRollback) {
		return late, nil
	}
	return nil, err
}

var errRollback = errors.New("rollback")

// takenMeanwhile finds staged numbers that another customer got since the
// rows were checked.
func (s *Service) takenMeanwhile(ctx context.Context, tx *sql.Tx, j *importJob) ([]ImportError, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.line, s.e164, c.id, c.name, COALESCE(c.owner_id, 0), COALESCE(c.team_id, 0),
		COALESCE(c.department_id, 0), c.in_pool FROM crm_staged_phones s JOIN customer_phones p ON p.e164 = s.e164
		JOIN customers c ON c.id = p.customer_id WHERE s.batch_id = $1 ORDER BY s.line`, j.batch.ID)
	if err != nil {
		return nil, fmt.Errorf("crm: check late duplicates: %w", err)
	}
	defer rows.Close()
	var out []ImportError
	seen := map[int]bool{}
	for rows.Next() {
		var line int
		var e string
		var d dupOwner
		if err := rows.Scan(&line, &e, &d.id, &d.name, &d.owner, &d.team, &d.dept, &d.pool); err != nil {
			return nil, err
		}
		if seen[line] {
			continue
		}
		seen[line] = true
		ae := apperr.As(d.err(j.actor, e))
		out = append(out, ImportError{Line: line, Field: "phones", Value: e, Code: ae.Code, Reason: ae.Message})
	}
	return out, rows.Err()
}

// dropLate removes rows whose numbers were taken meanwhile (lenient mode)
// and reports them.
func (s *Service) dropLate(ctx context.Context, tx *sql.Tx, j *importJob, taken []ImportError) error {
	if len(taken) == 0 {
		return nil
	}
	for _, e := range taken {
		for _, t := range []string{"crm_staged", "crm_staged_phones"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE batch_id = $1 AND line = $2`, j.batch.ID, e.Line); err != nil {
				return err
			}
		}
	}
	if err := s.insertErrors(ctx, tx, j.batch.ID, taken); err != nil {
		return err
	}
	j.valid -= len(taken)
	j.invalid += len(taken)
	return nil
}

// insertBatchCustomers copies the staged rows into customers and phones
// with two INSERT … SELECT statements, logs where they went and closes the
// batch.
func (s *Service) insertBatchCustomers(ctx context.Context, tx *sql.Tx, j *importJob) error {
	now := s.now()
	ms := now.UnixMilli()
	pooled, reason := int64(0), ""
	if j.to.Pool {
		pooled, reason = ms, "imported: "+j.batch.Name
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO customers (name, company, phones, level, source, status, tags, custom, search,
		owner_id, team_id, department_id, in_pool, pooled_at, pool_reason, owned_at, progress_at, batch_id, import_line, created_by,
		created_at, updated_at)
		SELECT name, company, phones, level, source, status, tags, custom, search, CAST($1 AS BIGINT), CAST($2 AS BIGINT),
		CAST($3 AS BIGINT), CAST($4 AS BOOLEAN), CAST($5 AS BIGINT), CAST($6 AS TEXT), CAST($7 AS BIGINT), CAST($7 AS BIGINT),
		batch_id, line, CAST($8 AS BIGINT), CAST($7 AS BIGINT), CAST($7 AS BIGINT)
		FROM crm_staged WHERE batch_id = $9 ORDER BY line`,
		store.NullID(j.to.OwnerID), store.NullID(j.to.TeamID), store.NullID(j.to.DepartmentID), j.to.Pool, pooled, reason, ms,
		store.NullID(j.actor.UserID), j.batch.ID)
	if err != nil {
		return fmt.Errorf("crm: insert imported customers: %w", err)
	}
	n64, _ := res.RowsAffected()
	n := int(n64)
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_phones (e164, customer_id, national, position)
		SELECT s.e164, c.id, s.national, s.position FROM crm_staged_phones s
		JOIN customers c ON c.batch_id = s.batch_id AND c.import_line = s.line WHERE s.batch_id = $1`, j.batch.ID); err != nil {
		return fmt.Errorf("crm: insert imported phones: %w", err)
	}
	if n > 0 && j.to != (Placement{}) {
		if err := s.logImport(ctx, tx, j, now, n); err != nil {
			return err
		}
	}
	msg := fmt.Sprintf("%d customers imported", n)
	if j.invalid > 0 {
		msg += fmt.Sprintf(", %d bad rows skipped (lenient mode)", j.invalid)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE crm_batches SET status = $1, phase = '', rows_total = $2, rows_read = $2, rows_valid = $3,
		rows_invalid = $4, imported = $5, message = $6, finished_at = $7, file_path = '' WHERE id = $8`,
		BatchDone, j.read, j.valid, j.invalid, n, msg, ms, j.batch.ID); err != nil {
		return err
	}
	summary := fmt.Sprintf("import batch %s (%s): %s", j.batch.Name, j.batch.FileName, msg)
	return audit.Record(ctx, tx, who(j.actor), "import", "crm_imports", j.batch.ID, summary, nil,
		map[string]any{"imported": n, "invalid": j.invalid, "mode": j.opts.Mode, "placement": j.to})
}

// logImport writes the allocation-log row of an import that placed its
// customers with someone (or in the pool).
func (s *Service) logImport(ctx context.Context, tx *sql.Tx, j *importJob, at time.Time, n int) error {
	op := newOp(ActionImport, "import batch "+j.batch.Name, j.actor, at)
	var actorID int64
	if !j.actor.System {
		actorID = j.actor.UserID
	}
	var logID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO crm_allocations (op, at, action, actor_id, actor_name, reason, to_owner_id, to_team_id,
		to_department_id, to_pool, count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		op.ID, at.UnixMilli(), op.Action, store.NullID(actorID), actorName(j.actor), op.Reason, store.NullID(j.to.OwnerID),
		store.NullID(j.to.TeamID), store.NullID(j.to.DepartmentID), j.to.Pool, n).Scan(&logID); err != nil {
		return fmt.Errorf("crm: log import: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO crm_allocation_items (allocation_id, customer_id)
		SELECT CAST($1 AS BIGINT), id FROM customers WHERE batch_id = $2`, logID, j.batch.ID); err != nil {
		return fmt.Errorf("crm: log import items: %w", err)
	}
	return nil
}
