package appraisal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Target kinds in appraisal_scheme_targets.
const (
	targetAll        = "all"
	targetDepartment = "department"
	targetTeam       = "team"
)

const schemeCols = `s.id, s.name, s.description, s.version, v.definition, s.created_at, s.updated_at, s.updated_by`

const schemeFrom = ` FROM appraisal_schemes s JOIN appraisal_scheme_versions v ON v.scheme_id = s.id AND v.version = s.version`

func scanScheme(row interface{ Scan(...any) error }) (*Scheme, error) {
	var sc Scheme
	var def string
	var c, u int64
	if err := row.Scan(&sc.ID, &sc.Name, &sc.Description, &sc.Version, &def, &c, &u, &sc.UpdatedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(def), &sc.Definition); err != nil {
		return nil, fmt.Errorf("appraisal: scheme %d: definition: %w", sc.ID, err)
	}
	sc.CreatedAt, sc.UpdatedAt = store.Time(c), store.Time(u)
	return &sc, nil
}

// Schemes lists every scheme in its current version, by name. Schemes are
// not scoped: an agent may read how they are appraised.
func (s *Service) Schemes(ctx context.Context) ([]Scheme, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+schemeCols+schemeFrom+` ORDER BY s.name, s.id`)
	if err != nil {
		return nil, fmt.Errorf("appraisal: schemes: %w", err)
	}
	defer rows.Close()
	out := []Scheme{}
	for rows.Next() {
		sc, err := scanScheme(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *sc)
	}
	return out, rows.Err()
}

// Scheme returns a scheme in its current version.
func (s *Service) Scheme(ctx context.Context, id int64) (*Scheme, error) {
	return getScheme(ctx, s.DB, id)
}

func getScheme(ctx context.Context, q store.Querier, id int64) (*Scheme, error) {
	sc, err := scanScheme(q.QueryRowContext(ctx, `SELECT `+schemeCols+schemeFrom+` WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("appraisal scheme")
	}
	return sc, err
}

// Versions lists a scheme's versions, newest first.
func (s *Service) Versions(ctx context.Context, id int64) ([]Version, error) {
	if _, err := s.Scheme(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT scheme_id, version, name, definition, created_at, created_by
		FROM appraisal_scheme_versions WHERE scheme_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("appraisal: versions: %w", err)
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

func scanVersion(row interface{ Scan(...any) error }) (*Version, error) {
	var v Version
	var def string
	var c int64
	if err := row.Scan(&v.SchemeID, &v.Version, &v.Name, &def, &c, &v.CreatedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(def), &v.Definition); err != nil {
		return nil, fmt.Errorf("appraisal: scheme %d version %d: %w", v.SchemeID, v.Version, err)
	}
	v.CreatedAt = store.Time(c)
	return &v, nil
}

// VersionOf returns one version of a scheme.
func (s *Service) VersionOf(ctx context.Context, id int64, version int) (*Version, error) {
	v, err := scanVersion(s.DB.QueryRowContext(ctx, `SELECT scheme_id, version, name, definition, created_at, created_by
		FROM appraisal_scheme_versions WHERE scheme_id = $1 AND version = $2`, id, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("appraisal scheme version")
	}
	return v, err
}

func (in *SchemeInput) check() error {
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	if err := valid.Text("name", in.Name, 1, 100); err != nil {
		return err
	}
	if err := valid.Text("description", in.Description, 0, 500); err != nil {
		return err
	}
	return in.Definition.Validate()
}

// CreateScheme adds a scheme (version 1).
func (s *Service) CreateScheme(ctx context.Context, a *org.Actor, in SchemeInput) (*Scheme, error) {
	if err := a.Require(PermManage); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkTargets(ctx, tx, a, 0, in.Definition.Targets, true); err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		err := tx.QueryRowContext(ctx, `INSERT INTO appraisal_schemes (name, description, version, created_at, updated_at, updated_by)
			VALUES ($1, $2, 1, $3, $3, $4) RETURNING id`, in.Name, in.Description, now, a.Username).Scan(&id)
		if err != nil {
			return nameTaken(err)
		}
		if err := writeVersion(ctx, tx, a, id, 1, in, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "appraisal_schemes", id, "appraisal scheme "+in.Name, nil, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Scheme(ctx, id)
}

func nameTaken(err error) error {
	if errors.Is(store.Classify(err), store.ErrConflict) {
		return apperr.Duplicate("name", "another scheme has this name")
	}
	return fmt.Errorf("appraisal: save scheme: %w", err)
}

func isDuplicate(err error) bool {
	e := apperr.As(err)
	return e != nil && e.Code == "duplicate"
}

// writeVersion stores a version and makes its targets the scheme's.
func writeVersion(ctx context.Context, tx *sql.Tx, a *org.Actor, id int64, version int, in SchemeInput, now int64) error {
	def, err := json.Marshal(in.Definition)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO appraisal_scheme_versions (scheme_id, version, name, definition, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, version, in.Name, string(def), now, a.Username); err != nil {
		return fmt.Errorf("appraisal: save version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM appraisal_scheme_targets WHERE scheme_id = $1`, id); err != nil {
		return err
	}
	for _, t := range targetRows(in.Definition.Targets) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO appraisal_scheme_targets (scheme_id, kind, target_id) VALUES ($1, $2, $3)`,
			id, t.kind, t.id); err != nil {
			return fmt.Errorf("appraisal: save targets: %w", err)
		}
	}
	return nil
}

type targetRow struct {
	kind string
	id   int64
}

func targetRows(t Targets) []targetRow {
	var out []targetRow
	if t.All {
		out = append(out, targetRow{targetAll, 0})
	}
	for _, d := range t.DepartmentIDs {
		out = append(out, targetRow{targetDepartment, d})
	}
	for _, id := range t.TeamIDs {
		out = append(out, targetRow{targetTeam, id})
	}
	return out
}

// UpdateScheme saves a change as a new version; closed months keep the
// version they were scored with.
func (s *Service) UpdateScheme(ctx context.Context, a *org.Actor, id int64, in SchemeInput) (*Scheme, error) {
	if err := a.Require(PermManage); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		old, err := getScheme(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Version != old.Version {
			return apperr.Conflict("changed", "the scheme changed meanwhile (it is at version %d); reload it and edit again", old.Version)
		}
		if err := s.checkTargets(ctx, tx, a, id, old.Definition.Targets, false); err != nil {
			return err
		}
		if err := s.checkTargets(ctx, tx, a, id, in.Definition.Targets, true); err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE appraisal_schemes SET name = $1, description = $2, version = $3, updated_at = $4,
			updated_by = $5 WHERE id = $6`, in.Name, in.Description, old.Version+1, now, a.Username, id); err != nil {
			return nameTaken(err)
		}
		if err := writeVersion(ctx, tx, a, id, old.Version+1, in, now); err != nil {
			return err
		}
		before := SchemeInput{Name: old.Name, Description: old.Description, Version: old.Version, Definition: old.Definition}
		in.Version = old.Version + 1
		return audit.Record(ctx, tx, who(a), "update", "appraisal_schemes", id,
			fmt.Sprintf("appraisal scheme %s, version %d", in.Name, in.Version), before, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Scheme(ctx, id)
}

// DeleteScheme removes a scheme that never closed a month; the last scheme
// stays (edit it instead).
func (s *Service) DeleteScheme(ctx context.Context, a *org.Actor, id int64) error {
	if err := a.Require(PermManage); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		old, err := getScheme(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.checkTargets(ctx, tx, a, id, old.Definition.Targets, false); err != nil {
			return err
		}
		var closed, all int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM appraisal_months WHERE scheme_id = $1`, id).Scan(&closed); err != nil {
			return err
		}
		if closed > 0 {
			return apperr.Conflict("in_use", "the scheme has closed months; it cannot be deleted")
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM appraisal_schemes`).Scan(&all); err != nil {
			return err
		}
		if all <= 1 {
			return apperr.Conflict("last_scheme", "keep at least one scheme; edit it instead")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM appraisal_schemes WHERE id = $1`, id); err != nil {
			return fmt.Errorf("appraisal: delete scheme: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "appraisal_schemes", id, "appraisal scheme "+old.Name,
			SchemeInput{Name: old.Name, Description: old.Description, Version: old.Version, Definition: old.Definition}, nil)
	})
}

// checkTargets checks that the targets exist and are in the actor's
// scope (all agents need the all-departments scope) and, when free is
// set, that no scheme other than self (0: a new one) appraises them.
func (s *Service) checkTargets(ctx context.Context, q store.Querier, a *org.Actor, self int64, t Targets, free bool) error {
	sc := a.Scope
	if a.System {
		sc = org.Scope{Kind: org.ScopeAll}
	}
	if t.All && sc.Kind != org.ScopeAll {
		return apperr.Forbidden("a scheme for all agents needs the all-departments data scope")
	}
	for _, d := range t.DepartmentIDs {
		name, err := lookupName(ctx, q, `SELECT name FROM departments WHERE id = $1`, d)
		if err != nil && !free {
			continue // a department deleted since does not hold up a change
		}
		if err != nil {
			return apperr.Invalid("targets.department_ids", "department %d does not exist", d)
		}
		if !sc.Allows(0, 0, d) {
			return apperr.Forbidden("department %q is outside your data scope", name)
		}
		if err := s.targetFree(ctx, q, free, self, targetDepartment, d, "department", name); err != nil {
			return err
		}
	}
	for _, id := range t.TeamIDs {
		var name string
		var dept int64
		err := q.QueryRowContext(ctx, `SELECT name, department_id FROM teams WHERE id = $1`, id).Scan(&name, &dept)
		if err != nil && !free {
			continue
		}
		if err != nil {
			return apperr.Invalid("targets.team_ids", "team %d does not exist", id)
		}
		if !sc.Allows(0, id, dept) {
			return apperr.Forbidden("team %q is outside your data scope", name)
		}
		if err := s.targetFree(ctx, q, free, self, targetTeam, id, "team", name); err != nil {
			return err
		}
	}
	if t.All {
		return s.targetFree(ctx, q, free, self, targetAll, 0, "", "")
	}
	return nil
}

func lookupName(ctx context.Context, q store.Querier, query string, id int64) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, query, id).Scan(&name)
	return name, err
}

// targetFree refuses a target a scheme other than self appraises.
func (s *Service) targetFree(ctx context.Context, q store.Querier, free bool, self int64, kind string, id int64, what, name string) error {
	if !free {
		return nil
	}
	var other string
	err := q.QueryRowContext(ctx, `SELECT s.name FROM appraisal_scheme_targets t JOIN appraisal_schemes s ON s.id = t.scheme_id
		WHERE t.kind = $1 AND t.target_id = $2 AND t.scheme_id <> $3`, kind, id, self).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case kind == targetAll:
		return apperr.Invalid("targets.all", "another scheme (%q) already appraises all agents", other)
	}
	return apperr.Invalid("targets", "%s %q is already appraised by scheme %q", what, name, other)
}
