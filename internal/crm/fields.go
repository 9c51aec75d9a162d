package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Kinds of custom fields.
const (
	FieldText   = "text"
	FieldNumber = "number"
	FieldDate   = "date"   // YYYY-MM-DD
	FieldChoice = "choice" // one of Choices
)

// Field is a custom field an administrator defined; values live on each
// customer under the field's key.
type Field struct {
	ID        int64     `json:"id"`
	Key       string    `json:"key"`
	Label     string    `json:"label"`
	Kind      string    `json:"kind"`
	Choices   []string  `json:"choices"`
	Required  bool      `json:"required"`
	Position  int       `json:"position"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// FieldInput defines or changes a custom field. The key cannot change once
// customers carry values under it.
type FieldInput struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Kind     string   `json:"kind"`
	Choices  []string `json:"choices,omitempty"`
	Required bool     `json:"required,omitempty"`
	Position int      `json:"position,omitempty"`
}

const fieldCols = `id, key, label, kind, choices, required, position, created_at, updated_at`

func scanField(row interface{ Scan(...any) error }) (*Field, error) {
	var f Field
	var choices string
	var c, u int64
	if err := row.Scan(&f.ID, &f.Key, &f.Label, &f.Kind, &choices, &f.Required, &f.Position, &c, &u); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(choices), &f.Choices); err != nil || f.Choices == nil {
		f.Choices = []string{}
	}
	f.CreatedAt, f.UpdatedAt = store.Time(c), store.Time(u)
	return &f, nil
}

// Fields lists the custom fields in form order.
func (s *Service) Fields(ctx context.Context) ([]Field, error) { return loadFields(ctx, s.db) }

func loadFields(ctx context.Context, q store.Querier) ([]Field, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+fieldCols+` FROM crm_fields ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("crm: fields: %w", err)
	}
	defer rows.Close()
	out := []Field{}
	for rows.Next() {
		f, err := scanField(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// Field returns one custom field.
func (s *Service) Field(ctx context.Context, id int64) (*Field, error) {
	return getField(ctx, s.db, id)
}

func getField(ctx context.Context, q store.Querier, id int64) (*Field, error) {
	f, err := scanField(q.QueryRowContext(ctx, `SELECT `+fieldCols+` FROM crm_fields WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("custom field")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: field: %w", err)
	}
	return f, nil
}

var fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// reservedKeys are the built-in columns; a custom field may not shadow them
// (imports map columns to either).
var reservedKeys = map[string]bool{"id": true, "name": true, "phones": true, "phone": true, "company": true, "level": true,
	"source": true, "status": true, "tags": true, "owner": true, "owner_id": true, "next_follow_up": true, "ignore": true}

func (in *FieldInput) check() error {
	in.Key, in.Label = strings.TrimSpace(in.Key), strings.TrimSpace(in.Label)
	if !fieldKeyRE.MatchString(in.Key) || reservedKeys[in.Key] {
		return apperr.Invalid("key", "must be 1–32 lower-case letters, digits or _, start with a letter, and not be a built-in field")
	}
	if err := valid.Text("label", in.Label, 1, 60); err != nil {
		return err
	}
	if err := valid.OneOf("kind", in.Kind, FieldText, FieldNumber, FieldDate, FieldChoice); err != nil {
		return err
	}
	if in.Kind != FieldChoice {
		in.Choices = nil
		return nil
	}
	var cs []string
	seen := map[string]bool{}
	for _, c := range in.Choices {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		if err := valid.Text("choices", c, 1, 60); err != nil {
			return err
		}
		seen[c] = true
		cs = append(cs, c)
	}
	if len(cs) == 0 || len(cs) > 200 {
		return apperr.Invalid("choices", "a choice field needs 1 to 200 choices")
	}
	in.Choices = cs
	return nil
}

// CreateField defines a custom field.
func (s *Service) CreateField(ctx context.Context, a *org.Actor, in FieldInput) (*Field, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	var f *Field
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		choices, _ := json.Marshal(nonNil(in.Choices))
		now := s.now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO crm_fields (key, label, kind, choices, required, position, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, in.Key, in.Label, in.Kind, string(choices), in.Required, in.Position, now).Scan(&id)
		if errors.Is(store.Classify(err), store.ErrConflict) {
			return apperr.Duplicate("key", "a custom field with key %q exists", in.Key)
		}
		if err != nil {
			return fmt.Errorf("crm: create field: %w", err)
		}
		if f, err = getField(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "crm_fields", id, "custom field "+f.Label, nil, f)
	})
	return f, err
}

// UpdateField changes a custom field's label, kind, choices, required flag
// or position. Values already stored stay as they are; they are checked
// again when a customer is next saved.
func (s *Service) UpdateField(ctx context.Context, a *org.Actor, id int64, in FieldInput) (*Field, error) {
	var f *Field
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getField(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Key == "" {
			in.Key = before.Key
		}
		if err := in.check(); err != nil {
			return err
		}
		if in.Key != before.Key {
			return apperr.Invalid("key", "cannot be changed (customers store values under it)")
		}
		choices, _ := json.Marshal(nonNil(in.Choices))
		if _, err := tx.ExecContext(ctx, `UPDATE crm_fields SET label = $1, kind = $2, choices = $3, required = $4, position = $5,
			updated_at = $6 WHERE id = $7`, in.Label, in.Kind, string(choices), in.Required, in.Position, s.now().UnixMilli(), id); err != nil {
			return fmt.Errorf("crm: update field: %w", err)
		}
		if f, err = getField(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "crm_fields", id, "custom field "+f.Label, before, f)
	})
	return f, err
}

// DeleteField removes a custom field definition; values customers carry
// under its key are no longer shown or exported.
func (s *Service) DeleteField(ctx context.Context, a *org.Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getField(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM crm_fields WHERE id = $1`, id); err != nil {
			return fmt.Errorf("crm: delete field: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "crm_fields", id, "custom field "+before.Label, before, nil)
	})
}

// CheckValue validates and normalises a value of f ("" means no value).
func (f *Field) CheckValue(v string) (string, error) {
	v = strings.TrimSpace(v)
	field := "custom." + f.Key
	if v == "" {
		if f.Required {
			return "", invalid(CodeRequired, field, "%s is required", f.Label)
		}
		return "", nil
	}
	switch f.Kind {
	case FieldText:
		if err := valid.Text(field, v, 0, 500); err != nil {
			return "", err
		}
	case FieldNumber:
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil || n != n || n > 1e15 || n < -1e15 {
			return "", invalid(CodeBadValue, field, "%s must be a number, not %q", f.Label, clip(v))
		}
		return strconv.FormatFloat(n, 'f', -1, 64), nil
	case FieldDate:
		d, err := parseDate(v)
		if err != nil {
			return "", invalid(CodeBadValue, field, "%s must be a date YYYY-MM-DD, not %q", f.Label, clip(v))
		}
		return d, nil
	case FieldChoice:
		for _, c := range f.Choices {
			if strings.EqualFold(c, v) {
				return c, nil
			}
		}
		return "", invalid(CodeBadChoice, field, "%s must be one of %s, not %q", f.Label, strings.Join(f.Choices, ", "), clip(v))
	}
	return v, nil
}

// parseDate accepts YYYY-MM-DD and the forms spreadsheets produce
// (2026/3/5, 2026-03-05 00:00:00, 2026年3月5日).
func parseDate(v string) (string, error) {
	v = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(strings.TrimSpace(v))
	if i := strings.IndexAny(v, " T"); i > 0 {
		v = v[:i]
	}
	t, err := time.Parse("2006-1-2", v)
	if err != nil {
		return "", err
	}
	return t.Format(time.DateOnly), nil
}

// checkCustom validates a customer's custom values against the fields:
// unknown keys are refused, required fields must be present.
func checkCustom(fields []Field, in map[string]string) (map[string]string, error) {
	byKey := map[string]*Field{}
	for i := range fields {
		byKey[fields[i].Key] = &fields[i]
	}
	out := map[string]string{}
	for k, v := range in {
		f := byKey[k]
		if f == nil {
			return nil, apperr.Invalid("custom."+clip(k), "is not a custom field")
		}
		nv, err := f.CheckValue(v)
		if err != nil {
			return nil, err
		}
		if nv != "" {
			out[k] = nv
		}
	}
	for _, f := range fields {
		if _, ok := out[f.Key]; !ok && f.Required {
			return nil, invalid(CodeRequired, "custom."+f.Key, "%s is required", f.Label)
		}
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
