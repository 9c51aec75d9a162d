package report

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Cost is the center's (or a department's) total cost of one month, the
// one input of cost per call that is not recorded by the system: entered
// by a manager, audited.
type Cost struct {
	Month        string    `json:"month"`         // YYYY-MM
	DepartmentID int64     `json:"department_id"` // 0: the whole center
	Amount       float64   `json:"amount"`        // in the settings' currency
	Note         string    `json:"note,omitempty"`
	UpdatedBy    int64     `json:"updated_by,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Costs lists the entered costs of the months in [from, to] (YYYY-MM),
// those of departments outside the actor's scope left out.
func Costs(ctx context.Context, q store.Querier, a *org.Actor, from, to string) ([]Cost, error) {
	rows, err := q.QueryContext(ctx, `SELECT month, department_id, amount, note, COALESCE(updated_by, 0), updated_at FROM report_costs
		WHERE month >= $1 AND month <= $2 ORDER BY month, department_id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: costs: %w", err)
	}
	defer rows.Close()
	out := []Cost{}
	for rows.Next() {
		var c Cost
		var amt, at int64
		if err := rows.Scan(&c.Month, &c.DepartmentID, &amt, &c.Note, &c.UpdatedBy, &at); err != nil {
			return nil, err
		}
		c.Amount, c.UpdatedAt = float64(amt)/100, store.Time(at)
		if canCost(a, c.DepartmentID) {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// canCost reports whether the actor's scope covers a cost entry: the whole
// center's needs scope all, a department's needs the department.
func canCost(a *org.Actor, dept int64) bool {
	if a.Scope.Kind == org.ScopeAll || a.System {
		return true
	}
	return dept != 0 && a.Scope.Kind == org.ScopeDepartment && known(a.Scope.DeptIDs, dept)
}

// SetCost enters or replaces a month's cost.
func SetCost(ctx context.Context, db *store.DB, a *org.Actor, c Cost) (*Cost, error) {
	if _, err := time.Parse("2006-01", c.Month); err != nil {
		return nil, apperr.Invalid("month", "a month like 2026-03")
	}
	if c.Amount < 0 || c.Amount > 1e12 || math.IsNaN(c.Amount) {
		return nil, apperr.Invalid("amount", "a cost from 0 up")
	}
	if len(c.Note) > 500 {
		return nil, apperr.Invalid("note", "at most 500 characters")
	}
	if !canCost(a, c.DepartmentID) {
		if c.DepartmentID == 0 {
			return nil, apperr.Invalid("department_id", "only who sees the whole center enters its cost; choose your department")
		}
		return nil, apperr.Invalid("department_id", "not a department in your data scope")
	}
	if c.DepartmentID != 0 {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM departments WHERE id = $1`, c.DepartmentID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, apperr.Invalid("department_id", "no such department")
		}
	}
	now := time.Now()
	c.UpdatedBy, c.UpdatedAt = a.UserID, now.UTC().Truncate(time.Millisecond)
	amt := int64(math.Round(c.Amount * 100))
	c.Amount = float64(amt) / 100
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var old *Cost
		var prev int64
		var note string
		switch err := tx.QueryRowContext(ctx, `SELECT amount, note FROM report_costs WHERE month = $1 AND department_id = $2`,
			c.Month, c.DepartmentID).Scan(&prev, &note); {
		case err == nil:
			old = &Cost{Month: c.Month, DepartmentID: c.DepartmentID, Amount: float64(prev) / 100, Note: note}
		case err != sql.ErrNoRows:
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_costs (month, department_id, amount, note, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (month, department_id) DO UPDATE SET amount = excluded.amount,
			note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			c.Month, c.DepartmentID, amt, c.Note, store.NullID(a.UserID), now.UnixMilli()); err != nil {
			return fmt.Errorf("report: save cost: %w", err)
		}
		action := "create"
		if old != nil {
			action = "update"
		}
		return audit.Record(ctx, tx, who(a), action, "report_costs", c.DepartmentID, fmt.Sprintf("cost %s: %.2f", c.Month, c.Amount), old, c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// DeleteCost removes a month's cost entry.
func DeleteCost(ctx context.Context, db *store.DB, a *org.Actor, month string, dept int64) error {
	if !canCost(a, dept) {
		return apperr.NotFound("cost") // outside the scope looks like missing
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM report_costs WHERE month = $1 AND department_id = $2`, month, dept)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound("cost")
		}
		return audit.Record(ctx, tx, who(a), "delete", "report_costs", dept, "cost "+month, nil, nil)
	})
}

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }
