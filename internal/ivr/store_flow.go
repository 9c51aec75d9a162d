package ivr

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
)

// StoredFlow is a flow as kept in the database.
type StoredFlow struct {
	ID        int64 `json:"id" yaml:"-"`
	Flow      `yaml:",inline"`
	Version   int64     `json:"version" yaml:"-"`
	CreatedAt time.Time `json:"created_at" yaml:"-"`
	UpdatedAt time.Time `json:"updated_at" yaml:"-"`
	UpdatedBy string    `json:"updated_by,omitempty" yaml:"-"`
	// Warnings are set by Create and Update (unreachable nodes).
	Warnings []Issue `json:"warnings,omitempty" yaml:"-"`
}

// FlowStore keeps flows in the ivr_flows table. Every write validates the
// flow, checks that its goto_flow targets and stored prompts exist, and
// records those references so that they cannot be deleted or renamed while
// in use.
type FlowStore struct {
	DB  *store.DB
	Now func() time.Time
}

// NewFlowStore returns a store using the wall clock.
func NewFlowStore(db *store.DB) *FlowStore { return &FlowStore{DB: db, Now: time.Now} }

const flowCols = `id, name, description, definition, version, created_at, updated_at, updated_by`

type scanner interface{ Scan(...any) error }

func scanFlow(row scanner) (*StoredFlow, error) {
	var sf StoredFlow
	var def string
	var c, u int64
	if err := row.Scan(&sf.ID, &sf.Name, &sf.Description, &def, &sf.Version, &c, &u, &sf.UpdatedBy); err != nil {
		return nil, err
	}
	name, desc := sf.Name, sf.Description
	if err := json.Unmarshal([]byte(def), &sf.Flow); err != nil {
		return nil, fmt.Errorf("ivr: stored flow %q has a broken definition: %w", name, err)
	}
	sf.Name, sf.Description = name, desc
	sf.CreatedAt, sf.UpdatedAt = store.Time(c), store.Time(u)
	return &sf, nil
}

func getFlow(ctx context.Context, q store.Querier, col string, v any) (*StoredFlow, error) {
	sf, err := scanFlow(q.QueryRowContext(ctx, `SELECT `+flowCols+` FROM ivr_flows WHERE `+col+` = $1`, v))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("flow")
	}
	if err != nil {
		return nil, fmt.Errorf("ivr: get flow: %w", err)
	}
	return sf, nil
}

// Get returns the flow with id.
func (s *FlowStore) Get(ctx context.Context, id int64) (*StoredFlow, error) {
	return getFlow(ctx, s.DB, "id", id)
}

// GetByName returns the flow called name.
func (s *FlowStore) GetByName(ctx context.Context, name string) (*StoredFlow, error) {
	return getFlow(ctx, s.DB, "name", name)
}

// ResolveFlow implements FlowResolver for goto_flow at call time.
func (s *FlowStore) ResolveFlow(ctx context.Context, name string) (*Flow, error) {
	sf, err := s.GetByName(ctx, name)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return nil, fmt.Errorf("%w: %q", ErrFlowNotFound, name)
	}
	if err != nil {
		return nil, err
	}
	return &sf.Flow, nil
}

// List returns every flow ordered by name.
func (s *FlowStore) List(ctx context.Context) ([]StoredFlow, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+flowCols+` FROM ivr_flows ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("ivr: list flows: %w", err)
	}
	defer rows.Close()
	var out []StoredFlow
	for rows.Next() {
		sf, err := scanFlow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *sf)
	}
	return out, rows.Err()
}

// Create validates and stores a new flow at version 1.
func (s *FlowStore) Create(ctx context.Context, f *Flow, by string) (*StoredFlow, error) {
	warns, def, err := prepareFlow(f)
	if err != nil {
		return nil, err
	}
	var out *StoredFlow
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		id, err := insertFlow(ctx, tx, f, def, by, s.Now().UnixMilli())
		if err != nil {
			return err
		}
		if err := writeRefs(ctx, tx, s.DB.Dialect, id, f); err != nil {
			return err
		}
		out, err = getFlow(ctx, tx, "id", id)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Warnings = warns
	return out, nil
}

// Update replaces the flow with id if it is still at version (optimistic
// locking: a concurrent change yields a "version_conflict" conflict). A flow
// that other flows reach by goto_flow cannot be renamed.
func (s *FlowStore) Update(ctx context.Context, id, version int64, f *Flow, by string) (*StoredFlow, error) {
	warns, def, err := prepareFlow(f)
	if err != nil {
		return nil, err
	}
	var out *StoredFlow
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := getFlow(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := updateFlow(ctx, tx, id, version, f, def, by, s.Now().UnixMilli()); err != nil {
			return err
		}
		if before.Name != f.Name {
			if err := refusedIfUsed(ctx, tx, id, before.Name, "renamed"); err != nil {
				return err
			}
		}
		if err := writeRefs(ctx, tx, s.DB.Dialect, id, f); err != nil {
			return err
		}
		out, err = getFlow(ctx, tx, "id", id)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Warnings = warns
	return out, nil
}

// Delete removes a flow unless another flow reaches it by goto_flow.
func (s *FlowStore) Delete(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := getFlow(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := refusedIfUsed(ctx, tx, id, before.Name, "deleted"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM ivr_flows WHERE id = $1`, id)
		if errors.Is(store.Classify(err), store.ErrForeignKey) {
			// A flow referring to this one was saved meanwhile.
			return apperr.Conflict("in_use", "flow %q is used by goto_flow in another flow", before.Name)
		}
		if err != nil {
			return fmt.Errorf("ivr: delete flow: %w", err)
		}
		return nil
	})
}

// prepareFlow validates f and returns its canonical JSON definition.
func prepareFlow(f *Flow) ([]Issue, string, error) {
	warns, err := Validate(f)
	if err != nil {
		return nil, "", err
	}
	def, err := json.Marshal(f)
	if err != nil {
		return nil, "", fmt.Errorf("ivr: encode flow: %w", err)
	}
	return warns, string(def), nil
}

func insertFlow(ctx context.Context, q store.Querier, f *Flow, def, by string, now int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO ivr_flows (name, description, definition, version, created_at, updated_at, updated_by)
		VALUES ($1, $2, $3, 1, $4, $4, $5) RETURNING id`, f.Name, f.Description, def, now, by).Scan(&id)
	if err != nil {
		return 0, flowWriteErr(err, f.Name)
	}
	return id, nil
}

func updateFlow(ctx context.Context, q store.Querier, id, version int64, f *Flow, def, by string, now int64) error {
	res, err := q.ExecContext(ctx, `UPDATE ivr_flows SET name = $1, description = $2, definition = $3,
		version = version + 1, updated_at = $4, updated_by = $5 WHERE id = $6 AND version = $7`,
		f.Name, f.Description, def, now, by, id, version)
	if err != nil {
		return flowWriteErr(err, f.Name)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("ivr: update flow: %w", err)
	} else if n == 0 {
		return apperr.Conflict("version_conflict", "flow %q was changed by someone else since version %d; reload it and apply your change again", f.Name, version)
	}
	return nil
}

func flowWriteErr(err error, name string) error {
	if errors.Is(store.Classify(err), store.ErrConflict) {
		return apperr.Duplicate("name", "a flow named %q already exists", name)
	}
	return fmt.Errorf("ivr: write flow: %w", err)
}

// refusedIfUsed returns a conflict when other flows reach flow id by
// goto_flow (they name it, so it can be neither deleted nor renamed).
func refusedIfUsed(ctx context.Context, q store.Querier, id int64, name, verb string) error {
	users, err := names(ctx, q, `SELECT f.name FROM ivr_flow_refs r JOIN ivr_flows f ON f.id = r.flow_id
		WHERE r.target_flow_id = $1 AND r.flow_id <> $1 ORDER BY f.name`, id)
	if err != nil {
		return fmt.Errorf("ivr: flow references: %w", err)
	}
	if len(users) > 0 {
		return apperr.Conflict("in_use", "flow %q cannot be %s: goto_flow in %s refers to it", name, verb, quoteList(users))
	}
	return nil
}

func names(ctx context.Context, q store.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
