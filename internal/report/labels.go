package report

import (
	"context"
	"fmt"

	"github.com/hotline-cc/hotline/internal/store"
)

// label names each row's group: people and teams by name, customer
// source and level by their option labels, campaigns by name. Queues,
// numbers and directions are their own names.
func (e *Engine) label(ctx context.Context, res *Result) error {
	names, err := groupNames(ctx, e.DB, res.Query.GroupBy, res)
	if err != nil {
		return err
	}
	set := func(rs []Row) {
		for i := range rs {
			rs[i].Label = rs[i].Group
			if n, ok := names[rs[i].Group]; ok {
				rs[i].Label = n
			}
		}
	}
	set(res.Rows)
	set(res.Groups)
	return nil
}

func groupNames(ctx context.Context, q store.Querier, g GroupBy, res *Result) (map[string]string, error) {
	var query string
	switch g {
	case GroupAgent:
		query = `SELECT CAST(id AS TEXT), display_name FROM users`
	case GroupTeam:
		query = `SELECT CAST(id AS TEXT), name FROM teams`
	case GroupDepartment:
		query = `SELECT CAST(id AS TEXT), name FROM departments`
	case GroupCampaign:
		query = `SELECT CAST(id AS TEXT), name FROM campaigns`
	case GroupSource, GroupLevel:
		query = `SELECT key, label FROM crm_options WHERE kind = '` + string(g) + `'`
	default:
		return nil, nil
	}
	want := map[string]bool{}
	for _, rs := range [][]Row{res.Rows, res.Groups} {
		for _, r := range rs {
			want[r.Group] = true
		}
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("report: names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, n string
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		if want[k] {
			out[k] = n
		}
	}
	return out, rows.Err()
}

// GroupName returns a group's label for one value (for exports and pages
// that show a single group).
func GroupName(ctx context.Context, q store.Querier, g GroupBy, value string) string {
	res := &Result{Rows: []Row{{Group: value}}}
	names, err := groupNames(ctx, q, g, res)
	if err != nil {
		return value
	}
	if n, ok := names[value]; ok {
		return n
	}
	return value
}
