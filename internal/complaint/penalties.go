package complaint

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Penalties are the configured penalty per severity, in fen (¥1 = 100
// fen). A ticket keeps the amount in force when its liability was judged.
type Penalties struct {
	MinorFen   int64 `json:"minor_fen"`
	GeneralFen int64 `json:"general_fen"`
	SeriousFen int64 `json:"serious_fen"`
}

// Of returns the penalty of a severity.
func (p Penalties) Of(severity string) int64 {
	switch severity {
	case SeverityMinor:
		return p.MinorFen
	case SeverityGeneral:
		return p.GeneralFen
	case SeveritySerious:
		return p.SeriousFen
	}
	return 0
}

// PenaltiesInput changes some of the amounts; nil keeps one.
type PenaltiesInput struct {
	MinorFen   *int64 `json:"minor_fen,omitempty"`
	GeneralFen *int64 `json:"general_fen,omitempty"`
	SeriousFen *int64 `json:"serious_fen,omitempty"`
}

// maxPenaltyFen bounds an amount (¥10,000,000) so that sums stay far
// from overflowing and a typo of extra digits is caught.
const maxPenaltyFen = 1_000_000_000

// Penalties returns the configured amounts.
func (s *Service) Penalties(ctx context.Context) (Penalties, error) { return loadPenalties(ctx, s.DB) }

func loadPenalties(ctx context.Context, q store.Querier) (Penalties, error) {
	rows, err := q.QueryContext(ctx, `SELECT severity, amount_fen FROM complaint_penalties`)
	if err != nil {
		return Penalties{}, fmt.Errorf("complaint: penalties: %w", err)
	}
	defer rows.Close()
	var p Penalties
	for rows.Next() {
		var sev string
		var fen int64
		if err := rows.Scan(&sev, &fen); err != nil {
			return p, err
		}
		switch sev {
		case SeverityMinor:
			p.MinorFen = fen
		case SeverityGeneral:
			p.GeneralFen = fen
		case SeveritySerious:
			p.SeriousFen = fen
		}
	}
	return p, rows.Err()
}

// SetPenalties changes the amounts (0 means no penalty for a severity).
func (s *Service) SetPenalties(ctx context.Context, a *org.Actor, in PenaltiesInput) (Penalties, error) {
	set := map[string]*int64{SeverityMinor: in.MinorFen, SeverityGeneral: in.GeneralFen, SeveritySerious: in.SeriousFen}
	for sev, v := range set {
		if v != nil && (*v < 0 || *v > maxPenaltyFen) {
			return Penalties{}, apperr.Invalid(sev+"_fen", "must be between 0 and %d fen", maxPenaltyFen)
		}
	}
	var out Penalties
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := loadPenalties(ctx, tx)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		for _, sev := range Severities {
			if v := set[sev]; v != nil {
				if _, err := tx.ExecContext(ctx, `UPDATE complaint_penalties SET amount_fen = $1, updated_at = $2 WHERE severity = $3`,
					*v, now, sev); err != nil {
					return fmt.Errorf("complaint: set penalty: %w", err)
				}
			}
		}
		if out, err = loadPenalties(ctx, tx); err != nil {
			return err
		}
		if out == before {
			return nil
		}
		return audit.Record(ctx, tx, who(a), "update", "complaint_penalties", 0, "penalties per severity", before, out)
	})
	return out, err
}
