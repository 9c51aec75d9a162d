package appraisal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Close freezes a scheme's month: every agent it appraises is computed and
// stored with the version in force; later changes to metrics, complaints
// or manual values leave it as it is. Only a month that is over closes.
func (s *Service) Close(ctx context.Context, a *org.Actor, schemeID int64, m Month) (*MonthState, error) {
	sc, loc, err := s.manageMonth(ctx, a, schemeID)
	if err != nil {
		return nil, err
	}
	if m.End(loc).After(s.Now()) {
		return nil, apperr.Conflict("not_over", "%s is not over yet", m)
	}
	var n int
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockScheme(ctx, tx, schemeID, m); err != nil {
			if e := apperr.As(err); e != nil && e.Code == "closed" {
				return apperr.Conflict("closed", "%s is already closed", m)
			}
			return err
		}
		// The scheme's row is locked: manual values wait until the month is
		// closed, so none is entered between computing and storing.
		members, err := s.members(ctx, org.System(), schemeID, m, loc)
		if err != nil {
			return err
		}
		aps, err := s.compute(ctx, sc, m, members, loc)
		if err != nil {
			return err
		}
		id, err := s.markClosed(ctx, tx, a, sc, m)
		if err != nil {
			return err
		}
		for i := range aps {
			if err := storeResult(ctx, tx, id, &aps[i]); err != nil {
				return err
			}
		}
		n = len(aps)
		return auditMonth(ctx, tx, a, "close", schemeID, fmt.Sprintf("appraisal %s of %s closed (version %d, %d agents)", m, sc.Name, sc.Version, n),
			nil, map[string]any{"month": m, "version": sc.Version, "agents": n})
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("appraisal month closed", "scheme", sc.Name, "month", m, "agents", n)
	row, err := getMonth(ctx, s.DB, schemeID, m)
	if err != nil {
		return nil, err
	}
	return &row.MonthState, nil
}

// manageMonth checks that a may close or reopen the scheme's months: the
// manage permission and a data scope that covers whom the scheme appraises.
func (s *Service) manageMonth(ctx context.Context, a *org.Actor, schemeID int64) (*Scheme, *time.Location, error) {
	if err := a.Require(PermManage); err != nil {
		return nil, nil, err
	}
	sc, err := s.Scheme(ctx, schemeID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkTargets(ctx, s.DB, a, sc.ID, sc.Definition.Targets, false); err != nil {
		return nil, nil, err
	}
	loc, _, err := s.location(ctx)
	return sc, loc, err
}

func (s *Service) markClosed(ctx context.Context, tx *sql.Tx, a *org.Actor, sc *Scheme, m Month) (int64, error) {
	now := s.Now().UnixMilli()
	res, err := tx.ExecContext(ctx, `UPDATE appraisal_months SET status = $1, version = $2, closed_at = $3, closed_by = $4
		WHERE scheme_id = $5 AND month = $6`, statusClosed, sc.Version, now, a.Username, sc.ID, string(m))
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = tx.ExecContext(ctx, `INSERT INTO appraisal_months (scheme_id, month, version, status, closed_at, closed_by)
			VALUES ($1, $2, $3, $4, $5, $6)`, sc.ID, string(m), sc.Version, statusClosed, now, a.Username)
		if err != nil {
			return 0, fmt.Errorf("appraisal: close month: %w", err)
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM appraisal_months WHERE scheme_id = $1 AND month = $2`, sc.ID, string(m)).Scan(&id)
	return id, err
}

func storeResult(ctx context.Context, tx *sql.Tx, monthID int64, ap *Appraisal) error {
	ap.Closed = true
	if len(ap.History) > 0 {
		ap.History[0].Closed = true
	}
	detail, err := json.Marshal(ap)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO appraisal_results (month_id, month, agent_id, team_id, department_id, complete, total, bonus, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, monthID, string(ap.Month), ap.AgentID, store.NullID(ap.TeamID),
		store.NullID(ap.DepartmentID), ap.Complete, nullFloat(ap.Total), nullFloat(ap.Bonus), string(detail))
	if err != nil {
		return fmt.Errorf("appraisal: store result: %w", err)
	}
	return nil
}

// ReopenInput says why a closed month is reopened.
type ReopenInput struct {
	Reason string `json:"reason"`
}

// Reopen opens a closed month again: its frozen results are dropped (the
// audit row keeps their totals) and it is computed live until closed again.
func (s *Service) Reopen(ctx context.Context, a *org.Actor, schemeID int64, m Month, in ReopenInput) (*MonthState, error) {
	sc, _, err := s.manageMonth(ctx, a, schemeID)
	if err != nil {
		return nil, err
	}
	if err := textField("reason", &in.Reason, 1, 500); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		row, err := getMonth(ctx, tx, schemeID, m)
		if err != nil {
			return err
		}
		if row.Status != statusClosed {
			return apperr.Conflict("not_closed", "%s is not closed", m)
		}
		totals, err := resultTotals(ctx, tx, row.id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM appraisal_results WHERE month_id = $1`, row.id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appraisal_months SET status = $1, reopened_at = $2, reopened_by = $3, reopen_reason = $4
			WHERE id = $5`, statusOpen, s.Now().UnixMilli(), a.Username, in.Reason, row.id); err != nil {
			return err
		}
		return auditMonth(ctx, tx, a, "reopen", schemeID, fmt.Sprintf("appraisal %s of %s reopened: %s", m, sc.Name, in.Reason),
			map[string]any{"month": m, "version": row.Version, "totals": totals}, map[string]any{"month": m, "reason": in.Reason})
	})
	if err != nil {
		return nil, err
	}
	row, err := getMonth(ctx, s.DB, schemeID, m)
	if err != nil {
		return nil, err
	}
	return &row.MonthState, nil
}

// resultTotals are a closed month's totals by agent id, for the audit row
// of its reopening.
func resultTotals(ctx context.Context, q store.Querier, monthID int64) (map[string]*float64, error) {
	rows, err := q.QueryContext(ctx, `SELECT agent_id, total FROM appraisal_results WHERE month_id = $1`, monthID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*float64{}
	for rows.Next() {
		var id int64
		var t sql.NullFloat64
		if err := rows.Scan(&id, &t); err != nil {
			return nil, err
		}
		if t.Valid {
			out[fmt.Sprint(id)] = &t.Float64
		} else {
			out[fmt.Sprint(id)] = nil
		}
	}
	return out, rows.Err()
}
