package ivr

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/hotline-cc/hotline/internal/store"
)

// Catalog says which flows and stored prompts exist; CheckRefs uses it to
// check a flow's references at save time. FlowStore implements it.
type Catalog interface {
	HasFlow(ctx context.Context, name string) (bool, error)
	HasPrompt(ctx context.Context, name string) (bool, error)
}

// ref is a flow's reference by name to another flow or a stored prompt.
type ref struct {
	path   string
	prompt bool // a stored prompt, else a flow
	name   string
}

// flowRefs lists f's references, sorted by path; a goto_flow to f itself is
// not one (it needs no other row).
func flowRefs(f *Flow) []ref {
	var out []ref
	for _, id := range sortedIDs(f.Nodes) {
		n := f.Nodes[id]
		if n == nil {
			continue
		}
		p := "nodes." + id + "."
		if n.Type == TypeGotoFlow && n.Flow != f.Name {
			out = append(out, ref{p + "flow", false, n.Flow})
		}
		for field, ps := range map[string]Prompts{"prompt": n.Prompt, "invalid_prompt": n.InvalidPrompt, "timeout_prompt": n.TimeoutPrompt} {
			for i, pr := range ps {
				if pr.Name != "" {
					out = append(out, ref{fmt.Sprintf("%s%s.%d", p, field, i), true, pr.Name})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

func refIssue(r ref) Issue {
	if r.prompt {
		return Issue{r.path, fmt.Sprintf("unknown prompt %q", r.name)}
	}
	return Issue{r.path, fmt.Sprintf("unknown flow %q", r.name)}
}

// CheckRefs checks that every goto_flow target and stored prompt named by f
// exists in cat; the error is a *ValidationError with the field paths.
func CheckRefs(ctx context.Context, f *Flow, cat Catalog) error {
	var issues []Issue
	for _, r := range flowRefs(f) {
		has := cat.HasFlow
		if r.prompt {
			has = cat.HasPrompt
		}
		ok, err := has(ctx, r.name)
		if err != nil {
			return err
		}
		if !ok {
			issues = append(issues, refIssue(r))
		}
	}
	if len(issues) > 0 {
		return &ValidationError{Flow: f.Name, Issues: issues}
	}
	return nil
}

// HasFlow reports whether a flow called name exists.
func (s *FlowStore) HasFlow(ctx context.Context, name string) (bool, error) {
	return exists(ctx, s.DB, `SELECT id FROM ivr_flows WHERE name = $1`, name)
}

// HasPrompt reports whether a stored prompt called name exists.
func (s *FlowStore) HasPrompt(ctx context.Context, name string) (bool, error) {
	return exists(ctx, s.DB, `SELECT id FROM ivr_prompts WHERE name = $1`, name)
}

func exists(ctx context.Context, q store.Querier, query, name string) (bool, error) {
	_, err := lookupID(ctx, q, query, name)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func lookupID(ctx context.Context, q store.Querier, query, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, query, name).Scan(&id)
	return id, err
}

// writeRefs replaces the reference rows of flow id, refusing names that do
// not exist. On PostgreSQL the referenced rows are share-locked, so a
// concurrent rename or delete of them waits for this transaction and then
// sees the new reference (SQLite transactions are serialised anyway).
func writeRefs(ctx context.Context, q store.Querier, d store.Dialect, id int64, f *Flow) error {
	for _, table := range []string{"ivr_flow_refs", "ivr_flow_prompts"} {
		if _, err := q.ExecContext(ctx, `DELETE FROM `+table+` WHERE flow_id = $1`, id); err != nil {
			return fmt.Errorf("ivr: clear references: %w", err)
		}
	}
	lock := ""
	if d == store.Postgres {
		lock = " FOR SHARE"
	}
	var issues []Issue
	for _, r := range flowRefs(f) {
		lookup := `SELECT id FROM ivr_flows WHERE name = $1` + lock
		insert := `INSERT INTO ivr_flow_refs (flow_id, target_flow_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
		if r.prompt {
			lookup = `SELECT id FROM ivr_prompts WHERE name = $1` + lock
			insert = `INSERT INTO ivr_flow_prompts (flow_id, prompt_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
		}
		target, err := lookupID(ctx, q, lookup, r.name)
		if errors.Is(err, sql.ErrNoRows) {
			issues = append(issues, refIssue(r))
			continue
		}
		if err != nil {
			return fmt.Errorf("ivr: look up %s: %w", r.name, err)
		}
		if _, err := q.ExecContext(ctx, insert, id, target); err != nil {
			return fmt.Errorf("ivr: record reference: %w", err)
		}
	}
	if len(issues) > 0 {
		return &ValidationError{Flow: f.Name, Issues: issues}
	}
	return nil
}
