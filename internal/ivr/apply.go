package ivr

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	By      string           // recorded as the flows' updated_by
	DataDir string           // where upload prompts' files are (required if the document has any)
	Now     func() time.Time // nil: time.Now
}

// ApplyReport says what Apply did, as "prompt:NAME" and "flow:NAME" entries.
type ApplyReport struct {
	Created   []string `json:"created"`
	Updated   []string `json:"updated"`
	Unchanged []string `json:"unchanged"`
}

// Apply makes the database match doc in one transaction: prompts and flows
// it names are created or updated; those already equal are left alone (their
// version does not change), so applying the same document twice changes
// nothing. Nothing is deleted. Prompts are written first, then all flows,
// then the flows' references, so flows of one document may refer to each
// other and to its prompts in any order.
func Apply(ctx context.Context, db *store.DB, doc *Document, opt ApplyOptions) (*ApplyReport, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	prompts, err := preparePrompts(doc.Prompts, opt.DataDir)
	if err != nil {
		return nil, err
	}
	defs := make([]string, len(doc.Flows))
	seen := map[string]bool{}
	for i, f := range doc.Flows {
		if _, defs[i], err = prepareFlow(f); err != nil {
			return nil, err
		}
		if seen[f.Name] {
			return nil, apperr.Invalid("flows", "flow %q is defined twice", f.Name)
		}
		seen[f.Name] = true
	}
	rep := &ApplyReport{Created: []string{}, Updated: []string{}, Unchanged: []string{}}
	now := opt.Now().UnixMilli()
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		rep.Created, rep.Updated, rep.Unchanged = rep.Created[:0], rep.Updated[:0], rep.Unchanged[:0]
		for _, in := range prompts {
			if err := applyPrompt(ctx, tx, in, now, rep); err != nil {
				return err
			}
		}
		ids := make([]int64, len(doc.Flows)) // 0: unchanged
		for i, f := range doc.Flows {
			var err error
			if ids[i], err = applyFlow(ctx, tx, f, defs[i], opt.By, now, rep); err != nil {
				return err
			}
		}
		for i, f := range doc.Flows {
			if ids[i] == 0 {
				continue
			}
			if err := writeRefs(ctx, tx, db.Dialect, ids[i], f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// preparePrompts validates the prompts and measures upload files.
func preparePrompts(list []PromptInput, dataDir string) ([]PromptInput, error) {
	out := make([]PromptInput, len(list))
	seen := map[string]bool{}
	for i, in := range list {
		if err := in.Validate(); err != nil {
			return nil, fmt.Errorf("prompt %q: %w", in.Name, err)
		}
		if seen[in.Name] {
			return nil, apperr.Invalid("prompts", "prompt %q is defined twice", in.Name)
		}
		seen[in.Name] = true
		if in.Kind == PromptUpload {
			if err := measure(&in, dataDir); err != nil {
				return nil, err
			}
		}
		out[i] = in
	}
	return out, nil
}

func measure(in *PromptInput, dataDir string) error {
	if dataDir == "" {
		return apperr.Invalid("file", "prompt %q: upload prompts need the data directory", in.Name)
	}
	fh, err := os.Open(filepath.Join(dataDir, in.File))
	if err != nil {
		return apperr.Invalid("file", "prompt %q: %v", in.Name, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("ivr: prompt %q: %w", in.Name, err)
	}
	info, err := ProbeWAV(fh)
	if err != nil {
		return apperr.Invalid("file", "prompt %q: %v", in.Name, err)
	}
	in.Size, in.DurationMS = st.Size(), info.Duration.Milliseconds()
	return nil
}

func applyPrompt(ctx context.Context, tx *sql.Tx, in PromptInput, now int64, rep *ApplyReport) error {
	label := "prompt:" + in.Name
	old, err := getPrompt(ctx, tx, "name", in.Name)
	switch {
	case apperr.KindOf(err) == apperr.KindNotFound:
		_, err = insertPrompt(ctx, tx, in, now)
		rep.Created = append(rep.Created, label)
		return err
	case err != nil:
		return err
	case old.PromptInput == in:
		rep.Unchanged = append(rep.Unchanged, label)
		return nil
	}
	rep.Updated = append(rep.Updated, label)
	return updatePrompt(ctx, tx, old.ID, in, now)
}

// applyFlow writes f unless the stored flow is equal, returning the id of a
// written flow (0 when unchanged).
func applyFlow(ctx context.Context, tx *sql.Tx, f *Flow, def, by string, now int64, rep *ApplyReport) (int64, error) {
	label := "flow:" + f.Name
	old, err := getFlow(ctx, tx, "name", f.Name)
	switch {
	case apperr.KindOf(err) == apperr.KindNotFound:
		rep.Created = append(rep.Created, label)
		return insertFlow(ctx, tx, f, def, by, now)
	case err != nil:
		return 0, err
	}
	// Compare canonical encodings, not the stored text, so that a definition
	// written by an older version of this code still compares equal.
	oldDef, err := json.Marshal(&old.Flow)
	if err != nil {
		return 0, fmt.Errorf("ivr: encode flow: %w", err)
	}
	if string(oldDef) == def {
		rep.Unchanged = append(rep.Unchanged, label)
		return 0, nil
	}
	rep.Updated = append(rep.Updated, label)
	return old.ID, updateFlow(ctx, tx, old.ID, old.Version, f, def, by, now)
}
