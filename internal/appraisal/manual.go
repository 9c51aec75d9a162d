package appraisal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Entry is a value a supervisor entered for an agent, a month and an
// input (an item's key, or commission_count / commission_amount).
type Entry struct {
	SchemeID  int64     `json:"scheme_id"`
	Month     Month     `json:"month"`
	AgentID   int64     `json:"agent_id"`
	Item      string    `json:"item"`
	Value     float64   `json:"value"`
	Note      string    `json:"note,omitempty"`
	By        string    `json:"by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EntryChange is one line of a manual value's history: set (first
// entered), change, or delete.
type EntryChange struct {
	Item   string    `json:"item"`
	Action string    `json:"action"`
	Old    *float64  `json:"old,omitempty"`
	New    *float64  `json:"new,omitempty"`
	Note   string    `json:"note,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// ManualInput is a value to enter, with a note saying where it comes from.
type ManualInput struct {
	Value float64 `json:"value"`
	Note  string  `json:"note"`
}

const entryCols = `scheme_id, month, agent_id, item, value, note, entered_by_name, created_at, updated_at`

func scanEntry(row interface{ Scan(...any) error }) (*Entry, error) {
	var e Entry
	var c, u int64
	if err := row.Scan(&e.SchemeID, &e.Month, &e.AgentID, &e.Item, &e.Value, &e.Note, &e.By, &c, &u); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = store.Time(c), store.Time(u)
	return &e, nil
}

// entryKey finds an entry: agent, month, input.
type entryKey struct {
	agent int64
	month Month
	item  string
}

// entries returns a scheme's entries over [from, to] (months).
func entries(ctx context.Context, q store.Querier, scheme int64, from, to Month) (map[entryKey]*Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+entryCols+` FROM appraisal_manual WHERE scheme_id = $1 AND month >= $2 AND month <= $3`,
		scheme, string(from), string(to))
	if err != nil {
		return nil, fmt.Errorf("appraisal: manual entries: %w", err)
	}
	defer rows.Close()
	out := map[entryKey]*Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out[entryKey{e.AgentID, e.Month, e.Item}] = e
	}
	return out, rows.Err()
}

// agentEntries returns an agent's entries and their history for a month
// and scheme, by input and then time.
func agentEntries(ctx context.Context, q store.Querier, scheme, agentID int64, m Month) ([]Entry, []EntryChange, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+entryCols+` FROM appraisal_manual WHERE scheme_id = $1 AND month = $2 AND agent_id = $3
		ORDER BY item`, scheme, string(m), agentID)
	if err != nil {
		return nil, nil, fmt.Errorf("appraisal: manual entries: %w", err)
	}
	es := []Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		es = append(es, *e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	lrows, err := q.QueryContext(ctx, `SELECT item, action, old_value, new_value, note, by_name, at FROM appraisal_manual_log
		WHERE scheme_id = $1 AND month = $2 AND agent_id = $3 ORDER BY at, id`, scheme, string(m), agentID)
	if err != nil {
		return nil, nil, fmt.Errorf("appraisal: manual history: %w", err)
	}
	defer lrows.Close()
	log := []EntryChange{}
	for lrows.Next() {
		var c EntryChange
		var old, nw sql.NullFloat64
		var at int64
		if err := lrows.Scan(&c.Item, &c.Action, &old, &nw, &c.Note, &c.By, &at); err != nil {
			return nil, nil, err
		}
		if old.Valid {
			c.Old = &old.Float64
		}
		if nw.Valid {
			c.New = &nw.Float64
		}
		c.At = store.Time(at)
		log = append(log, c)
	}
	return es, log, lrows.Err()
}

// target is an agent's appraisal target for a month: the scheme that
// appraises them, in its current version, unless the month is closed.
type target struct {
	agent  agent
	scheme *Scheme
	closed bool // a closed month holds the agent's result
}

// targetFor finds the agent (in the actor's scope) and the scheme that
// appraises them in month m.
func (s *Service) targetFor(ctx context.Context, a *org.Actor, agentID int64, m Month) (*target, error) {
	x, ok, err := loadAgent(ctx, s.DB, agentID)
	if err != nil {
		return nil, err
	}
	if !ok || !allows(a, *x) {
		return nil, apperr.NotFound("agent")
	}
	if fr, err := frozenOf(ctx, s.DB, agentID, m); err != nil {
		return nil, err
	} else if fr != nil {
		sc, err := s.Scheme(ctx, fr.SchemeID)
		if err != nil {
			return nil, err
		}
		return &target{agent: *x, scheme: sc, closed: true}, nil
	}
	as, err := loadAssignment(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	id := as.schemeOf(*x)
	if id == 0 {
		return nil, apperr.NotFound("appraisal scheme for the agent")
	}
	sc, err := s.Scheme(ctx, id)
	if err != nil {
		return nil, err
	}
	return &target{agent: *x, scheme: sc}, nil
}

// allows reports whether the actor's data scope covers the agent.
func allows(a *org.Actor, x agent) bool {
	return a.System || a.Scope.Allows(x.ID, x.TeamID, x.DeptID)
}

// checkManual checks a value for an input.
func checkManual(def *Definition, item string, in *ManualInput) error {
	in.Note = strings.TrimSpace(in.Note)
	if !slices.Contains(def.Inputs(), item) {
		return apperr.Invalid("item", "the scheme has no item %s", item)
	}
	if math.IsNaN(in.Value) || math.IsInf(in.Value, 0) || math.Abs(in.Value) > 1e9 {
		return apperr.Invalid("value", "must be a number")
	}
	if err := valid.Text("note", in.Note, 0, 500); err != nil {
		return err
	}
	if it, ok := def.Item(item); ok && tierOf(it.Tiers, in.Value) < 0 {
		return apperr.Invalid("value", "is in no tier of the item")
	}
	if !strings.HasPrefix(item, "commission_") || in.Value >= 0 {
		return nil
	}
	return apperr.Invalid("value", "must be 0 or more")
}

// SetManual enters (or changes) the value of an input for an agent and an
// open month, in the scheme that appraises the agent. The entry, its
// history line and the audit row are written together.
func (s *Service) SetManual(ctx context.Context, a *org.Actor, agentID int64, m Month, item string, in ManualInput) (*Entry, error) {
	tg, err := s.manualTarget(ctx, a, agentID, m)
	if err != nil {
		return nil, err
	}
	if err := checkManual(&tg.scheme.Definition, item, &in); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockScheme(ctx, tx, tg.scheme.ID, m); err != nil {
			return err
		}
		old, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryCols+` FROM appraisal_manual
			WHERE scheme_id = $1 AND month = $2 AND agent_id = $3 AND item = $4`, tg.scheme.ID, string(m), agentID, item))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := s.Now().UnixMilli()
		action := "set"
		var oldValue *float64
		if old == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO appraisal_manual (scheme_id, month, agent_id, item, value, note, entered_by,
				entered_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
				tg.scheme.ID, string(m), agentID, item, in.Value, in.Note, store.NullID(a.UserID), a.Username, now)
		} else {
			action, oldValue = "change", &old.Value
			_, err = tx.ExecContext(ctx, `UPDATE appraisal_manual SET value = $1, note = $2, entered_by = $3, entered_by_name = $4,
				updated_at = $5 WHERE scheme_id = $6 AND month = $7 AND agent_id = $8 AND item = $9`,
				in.Value, in.Note, store.NullID(a.UserID), a.Username, now, tg.scheme.ID, string(m), agentID, item)
		}
		if err != nil {
			return fmt.Errorf("appraisal: save manual value: %w", err)
		}
		if err := logEntry(ctx, tx, a, tg.scheme.ID, m, agentID, item, action, oldValue, &in.Value, in.Note, now); err != nil {
			return err
		}
		auditAction := map[string]string{"set": "create", "change": "update"}[action]
		return audit.Record(ctx, tx, who(a), auditAction, "appraisal_manual", agentID,
			fmt.Sprintf("appraisal %s of %s, %s: %s", m, tg.agent.Username, item, fmtNum(in.Value)), old,
			Entry{SchemeID: tg.scheme.ID, Month: m, AgentID: agentID, Item: item, Value: in.Value, Note: in.Note, By: a.Username})
	})
	if err != nil {
		return nil, err
	}
	return scanEntry(s.DB.QueryRowContext(ctx, `SELECT `+entryCols+` FROM appraisal_manual
		WHERE scheme_id = $1 AND month = $2 AND agent_id = $3 AND item = $4`, tg.scheme.ID, string(m), agentID, item))
}

// DeleteManual removes an entry of an open month; note says why.
func (s *Service) DeleteManual(ctx context.Context, a *org.Actor, agentID int64, m Month, item, note string) error {
	tg, err := s.manualTarget(ctx, a, agentID, m)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if err := valid.Text("note", note, 0, 500); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockScheme(ctx, tx, tg.scheme.ID, m); err != nil {
			return err
		}
		old, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryCols+` FROM appraisal_manual
			WHERE scheme_id = $1 AND month = $2 AND agent_id = $3 AND item = $4`, tg.scheme.ID, string(m), agentID, item))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("manual value")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM appraisal_manual WHERE scheme_id = $1 AND month = $2 AND agent_id = $3 AND item = $4`,
			tg.scheme.ID, string(m), agentID, item); err != nil {
			return err
		}
		if err := logEntry(ctx, tx, a, tg.scheme.ID, m, agentID, item, "delete", &old.Value, nil, note, s.Now().UnixMilli()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "delete", "appraisal_manual", agentID,
			fmt.Sprintf("appraisal %s of %s, %s", m, tg.agent.Username, item), old, nil)
	})
}

// manualTarget checks that the actor may enter values for the agent and
// month, and returns the scheme.
func (s *Service) manualTarget(ctx context.Context, a *org.Actor, agentID int64, m Month) (*target, error) {
	if err := a.Require(PermScore); err != nil {
		return nil, err
	}
	if agentID == a.UserID {
		return nil, apperr.Conflict("self", "you cannot enter values for your own appraisal")
	}
	loc, _, err := s.location(ctx)
	if err != nil {
		return nil, err
	}
	if m > MonthOf(s.Now().In(loc)) {
		return nil, apperr.Invalid("month", "is in the future")
	}
	tg, err := s.targetFor(ctx, a, agentID, m)
	if err != nil {
		return nil, err
	}
	if tg.closed {
		return nil, apperr.Conflict("closed", "%s is closed; reopen it to change its values", m)
	}
	return tg, nil
}

// lockScheme serialises changes of a scheme's month (manual values,
// closing) on the scheme's row, and refuses a month closed meanwhile.
func lockScheme(ctx context.Context, tx *sql.Tx, scheme int64, m Month) error {
	if _, err := tx.ExecContext(ctx, `UPDATE appraisal_schemes SET updated_at = updated_at WHERE id = $1`, scheme); err != nil {
		return err
	}
	var closed int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM appraisal_months WHERE scheme_id = $1 AND month = $2 AND status = $3`,
		scheme, string(m), statusClosed).Scan(&closed); err != nil {
		return err
	}
	if closed > 0 {
		return apperr.Conflict("closed", "%s is closed; reopen it to change its values", m)
	}
	return nil
}

func logEntry(ctx context.Context, tx *sql.Tx, a *org.Actor, scheme int64, m Month, agentID int64, item, action string,
	old, nw *float64, note string, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO appraisal_manual_log (scheme_id, month, agent_id, item, action, old_value, new_value,
		note, by_id, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		scheme, string(m), agentID, item, action, nullFloat(old), nullFloat(nw), note, store.NullID(a.UserID), a.Username, at)
	if err != nil {
		return fmt.Errorf("appraisal: manual history: %w", err)
	}
	return nil
}

func nullFloat(v *float64) sql.NullFloat64 {
	if v == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *v, Valid: true}
}
