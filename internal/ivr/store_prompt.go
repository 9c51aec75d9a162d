package ivr

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
)

// PromptKind says where a stored prompt's audio comes from.
type PromptKind string

// The prompt kinds.
const (
	PromptUpload PromptKind = "upload" // an uploaded 8 kHz WAV file
	PromptTTS    PromptKind = "tts"    // text synthesised in Language
)

// PromptInput creates or changes a stored prompt. File is relative to the
// data directory; the upload handler (or Apply) fills DurationMS and Size
// from the file (see ProbeWAV).
type PromptInput struct {
	Name       string     `json:"name" yaml:"name"`
	Kind       PromptKind `json:"kind" yaml:"kind"`
	Language   string     `json:"language,omitempty" yaml:"language,omitempty"`
	Text       string     `json:"text,omitempty" yaml:"text,omitempty"`
	File       string     `json:"file,omitempty" yaml:"file,omitempty"`
	DurationMS int64      `json:"duration_ms,omitempty" yaml:"-"`
	Size       int64      `json:"size,omitempty" yaml:"-"`
}

// StoredPrompt is a prompt as kept in the database.
type StoredPrompt struct {
	ID int64 `json:"id"`
	PromptInput
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate normalises and checks in; errors are apperr.Invalid naming the field.
func (in *PromptInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if err := checkPromptName(in.Name); err != nil {
		return apperr.Invalid("name", "%v", err)
	}
	if in.Language != "" && !langRE.MatchString(in.Language) {
		return apperr.Invalid("language", "%q is not a language tag like zh-CN or en", in.Language)
	}
	if utf8.RuneCountInString(in.Text) > MaxPromptText || !utf8.ValidString(in.Text) {
		return apperr.Invalid("text", "must be valid text of at most %d characters", MaxPromptText)
	}
	switch in.Kind {
	case PromptTTS:
		switch {
		case strings.TrimSpace(in.Text) == "":
			return apperr.Invalid("text", "is required for a tts prompt")
		case in.Language == "":
			return apperr.Invalid("language", "is required for a tts prompt")
		case in.File != "":
			return apperr.Invalid("file", "a tts prompt has no file")
		}
	case PromptUpload:
		return checkPromptFile(in)
	default:
		return apperr.Invalid("kind", "must be upload or tts (got %q)", in.Kind)
	}
	return nil
}

func checkPromptFile(in *PromptInput) error {
	f := filepath.ToSlash(in.File)
	switch {
	case f == "":
		return apperr.Invalid("file", "is required for an upload prompt")
	case len(f) > 255 || !filepath.IsLocal(in.File) || strings.Contains(f, "\\"):
		return apperr.Invalid("file", "must be a relative path inside the data directory")
	case !strings.EqualFold(filepath.Ext(f), ".wav"):
		return apperr.Invalid("file", "must be a .wav file")
	case in.DurationMS < 0:
		return apperr.Invalid("duration_ms", "must not be negative")
	case in.Size < 0:
		return apperr.Invalid("size", "must not be negative")
	}
	in.File = filepath.Clean(in.File)
	return nil
}

// PromptStore keeps stored prompts in the ivr_prompts table.
type PromptStore struct {
	DB  *store.DB
	Now func() time.Time
}

// NewPromptStore returns a store using the wall clock.
func NewPromptStore(db *store.DB) *PromptStore { return &PromptStore{DB: db, Now: time.Now} }

const promptCols = `id, name, kind, language, text, file_path, duration_ms, size_bytes, created_at, updated_at`

func scanPrompt(row scanner) (*StoredPrompt, error) {
	var p StoredPrompt
	var c, u int64
	err := row.Scan(&p.ID, &p.Name, &p.Kind, &p.Language, &p.Text, &p.File, &p.DurationMS, &p.Size, &c, &u)
	if err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = store.Time(c), store.Time(u)
	return &p, nil
}

func getPrompt(ctx context.Context, q store.Querier, col string, v any) (*StoredPrompt, error) {
	p, err := scanPrompt(q.QueryRowContext(ctx, `SELECT `+promptCols+` FROM ivr_prompts WHERE `+col+` = $1`, v))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("prompt")
	}
	if err != nil {
		return nil, fmt.Errorf("ivr: get prompt: %w", err)
	}
	return p, nil
}

// Get returns the prompt with id.
func (s *PromptStore) Get(ctx context.Context, id int64) (*StoredPrompt, error) {
	return getPrompt(ctx, s.DB, "id", id)
}

// GetByName returns the prompt called name (how flows refer to it).
func (s *PromptStore) GetByName(ctx context.Context, name string) (*StoredPrompt, error) {
	return getPrompt(ctx, s.DB, "name", name)
}

// List returns every prompt ordered by name.
func (s *PromptStore) List(ctx context.Context) ([]StoredPrompt, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+promptCols+` FROM ivr_prompts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("ivr: list prompts: %w", err)
	}
	defer rows.Close()
	var out []StoredPrompt
	for rows.Next() {
		p, err := scanPrompt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Create validates and stores a new prompt.
func (s *PromptStore) Create(ctx context.Context, in PromptInput) (*StoredPrompt, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id, err := insertPrompt(ctx, s.DB, in, s.Now().UnixMilli())
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Update changes a prompt; one that flows use cannot be renamed.
func (s *PromptStore) Update(ctx context.Context, id int64, in PromptInput) (*StoredPrompt, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *StoredPrompt
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := getPrompt(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := updatePrompt(ctx, tx, id, in, s.Now().UnixMilli()); err != nil {
			return err
		}
		if before.Name != in.Name {
			if err := promptRefusedIfUsed(ctx, tx, id, before.Name, "renamed"); err != nil {
				return err
			}
		}
		out, err = getPrompt(ctx, tx, "id", id)
		return err
	})
	return out, err
}

// Delete removes a prompt that no flow uses. The audio file, if any, is the
// caller's to remove after a nil error.
func (s *PromptStore) Delete(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := getPrompt(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := promptRefusedIfUsed(ctx, tx, id, before.Name, "deleted"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM ivr_prompts WHERE id = $1`, id)
		if errors.Is(store.Classify(err), store.ErrForeignKey) {
			return apperr.Conflict("in_use", "prompt %q is used by a flow", before.Name)
		}
		if err != nil {
			return fmt.Errorf("ivr: delete prompt: %w", err)
		}
		return nil
	})
}

func insertPrompt(ctx context.Context, q store.Querier, in PromptInput, now int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO ivr_prompts
		(name, kind, language, text, file_path, duration_ms, size_bytes, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		in.Name, in.Kind, in.Language, in.Text, in.File, in.DurationMS, in.Size, now).Scan(&id)
	if err != nil {
		return 0, promptWriteErr(err, in.Name)
	}
	return id, nil
}

func updatePrompt(ctx context.Context, q store.Querier, id int64, in PromptInput, now int64) error {
	_, err := q.ExecContext(ctx, `UPDATE ivr_prompts SET name = $1, kind = $2, language = $3, text = $4,
		file_path = $5, duration_ms = $6, size_bytes = $7, updated_at = $8 WHERE id = $9`,
		in.Name, in.Kind, in.Language, in.Text, in.File, in.DurationMS, in.Size, now, id)
	return promptWriteErr(err, in.Name)
}

func promptWriteErr(err error, name string) error {
	if err == nil {
		return nil
	}
	if errors.Is(store.Classify(err), store.ErrConflict) {
		return apperr.Duplicate("name", "a prompt named %q already exists", name)
	}
	return fmt.Errorf("ivr: write prompt: %w", err)
}

func promptRefusedIfUsed(ctx context.Context, q store.Querier, id int64, name, verb string) error {
	users, err := names(ctx, q, `SELECT f.name FROM ivr_flow_prompts r JOIN ivr_flows f ON f.id = r.flow_id
		WHERE r.prompt_id = $1 ORDER BY f.name`, id)
	if err != nil {
		return fmt.Errorf("ivr: prompt references: %w", err)
	}
	if len(users) > 0 {
		return apperr.Conflict("in_use", "prompt %q cannot be %s: flows %s use it", name, verb, quoteList(users))
	}
	return nil
}
