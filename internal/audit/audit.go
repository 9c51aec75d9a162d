// Package audit records administrative changes — who, from where, what,
// before and after, when — in the same transaction as the change itself, so
// that a change without its audit row cannot exist.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
)

// Entry is one administrative change.
type Entry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    int64           `json:"actor_id,omitempty"`
	ActorName  string          `json:"actor_name"`
	IP         string          `json:"ip,omitempty"`
	Action     string          `json:"action"`   // create, update, delete, reset_password, ...
	Resource   string          `json:"resource"` // users, departments, ...
	ResourceID string          `json:"resource_id,omitempty"`
	Summary    string          `json:"summary,omitempty"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
}

// Who identifies the actor of a change.
type Who struct {
	ID   int64
	Name string
	IP   string
}

// Record writes one entry through q (normally the change's transaction).
// before and after are marshalled to JSON; nil means none.
func Record(ctx context.Context, q store.Querier, who Who, action, resource string, id int64, summary string, before, after any) error {
	b, err := marshal(before)
	if err != nil {
		return err
	}
	a, err := marshal(after)
	if err != nil {
		return err
	}
	rid := ""
	if id != 0 {
		rid = strconv.FormatInt(id, 10)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO audit_log
		(at, actor_id, actor_name, ip, action, resource, resource_id, summary, before_json, after_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		time.Now().UnixMilli(), store.NullID(who.ID), who.Name, who.IP, action, resource, rid, summary, b, a)
	if err != nil {
		return fmt.Errorf("audit: record %s %s: %w", action, resource, err)
	}
	return nil
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: marshal: %w", err)
	}
	return string(b), nil
}

// Filter selects entries.
type Filter struct {
	ActorID  int64
	Resource string
	Action   string
	Since    time.Time
	Until    time.Time
	Limit    int
	Offset   int
}

// List returns entries newest first and the total matching count.
func List(ctx context.Context, db store.Querier, f Filter) ([]Entry, int, error) {
	var args store.Args
	where := "1=1"
	if f.ActorID != 0 {
		where += " AND actor_id = " + args.Add(f.ActorID)
	}
	if f.Resource != "" {
		where += " AND resource = " + args.Add(f.Resource)
	}
	if f.Action != "" {
		where += " AND action = " + args.Add(f.Action)
	}
	if !f.Since.IsZero() {
		where += " AND at >= " + args.Add(f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		where += " AND at < " + args.Add(f.Until.UnixMilli())
	}
	var total int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q := `SELECT id, at, actor_id, actor_name, ip, action, resource, resource_id, summary, before_json, after_json
		FROM audit_log WHERE ` + where + ` ORDER BY id DESC LIMIT ` + args.Add(f.Limit) + ` OFFSET ` + args.Add(f.Offset)
	rows, err := db.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at int64
		var actor sql.NullInt64
		var before, after string
		if err := rows.Scan(&e.ID, &at, &actor, &e.ActorName, &e.IP, &e.Action, &e.Resource, &e.ResourceID, &e.Summary, &before, &after); err != nil {
			return nil, 0, fmt.Errorf("audit: scan: %w", err)
		}
		e.At = store.Time(at)
		e.ActorID = actor.Int64
		if before != "" {
			e.Before = json.RawMessage(before)
		}
		if after != "" {
			e.After = json.RawMessage(after)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}
