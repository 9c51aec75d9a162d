package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Filter selects customers. Search looks in names, companies, tags and
// numbers: text matches any part of a name (Chinese names included), digits
// any part of a number however it was typed.
type Filter struct {
	Q              string    `json:"q,omitempty"`
	Status         string    `json:"status,omitempty"`
	Level          string    `json:"level,omitempty"`
	Source         string    `json:"source,omitempty"`
	Tag            string    `json:"tag,omitempty"`
	OwnerID        int64     `json:"owner_id,omitempty"`
	TeamID         int64     `json:"team_id,omitempty"`
	DepartmentID   int64     `json:"department_id,omitempty"`
	BatchID        int64     `json:"batch_id,omitempty"`
	Pool           string    `json:"pool,omitempty"` // "only", "exclude" or "" (both)
	Unassigned     bool      `json:"unassigned,omitempty"`
	FollowUpBefore time.Time `json:"follow_up_before,omitzero"` // has an open task due before
	NoContactSince time.Time `json:"no_contact_since,omitzero"` // last contact (or none) before
	Sort           string    `json:"sort,omitempty"`
	Desc           bool      `json:"desc,omitempty"`
	Limit          int       `json:"limit,omitempty"`
	Offset         int       `json:"offset,omitempty"`
}

var customerSorts = map[string]string{
	"id": "c.id", "name": "c.name", "created_at": "c.created_at", "updated_at": "c.updated_at",
	"last_contact_at": "c.last_contact_at", "next_follow_up_at": "c.next_follow_up_at", "level": "c.level",
	"status": "c.status", "pooled_at": "c.pooled_at",
}

// CustomerSortKeys lists the accepted sort keys.
func CustomerSortKeys() []string {
	return []string{"id", "name", "created_at", "updated_at", "last_contact_at", "next_follow_up_at", "level", "status", "pooled_at"}
}

// likeEscape escapes LIKE wildcards in user input (used with ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// phoneQuery returns the digits of q when q looks like (part of) a number.
func phoneQuery(q string) (string, bool) {
	var d strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r >= '０' && r <= '９':
			d.WriteRune('0' + (r - '０'))
		case strings.ContainsRune(" +-().（）", r):
		default:
			return "", false
		}
	}
	return d.String(), d.Len() >= 3
}

// where builds the filter's conditions (scope not included).
func (f *Filter) where(args *store.Args) (string, error) {
	var conds []string
	add := func(c string) { conds = append(conds, c) }
	if q := strings.TrimSpace(f.Q); q != "" {
		if utfLen(q) > 100 {
			return "", apperr.Invalid("q", "search text is at most 100 characters")
		}
		if d, ok := phoneQuery(q); ok {
			q = d
		}
		add(`c.search LIKE ` + args.Add("%"+likeEscape(strings.ToLower(q))+"%") + ` ESCAPE '\'`)
	}
	for col, v := range map[string]string{"c.status": f.Status, "c.level": f.Level, "c.source": f.Source} {
		if v != "" {
			add(col + " = " + args.Add(v))
		}
	}
	if t := strings.TrimSpace(f.Tag); t != "" {
		add(`c.tags LIKE ` + args.Add("%,"+likeEscape(t)+",%") + ` ESCAPE '\'`)
	}
	for col, v := range map[string]int64{"c.owner_id": f.OwnerID, "c.team_id": f.TeamID, "c.department_id": f.DepartmentID, "c.batch_id": f.BatchID} {
		if v != 0 {
			add(col + " = " + args.Add(v))
		}
	}
	switch f.Pool {
	case "":
	case "only":
		add("c.in_pool = TRUE")
	case "exclude":
		add("c.in_pool = FALSE")
	default:
		return "", apperr.Invalid("pool", "must be only, exclude or empty")
	}
	if f.Unassigned {
		add("c.owner_id IS NULL AND c.in_pool = FALSE")
	}
	if !f.FollowUpBefore.IsZero() {
		add("c.next_follow_up_at > 0 AND c.next_follow_up_at < " + args.Add(f.FollowUpBefore.UnixMilli()))
	}
	if !f.NoContactSince.IsZero() {
		add("c.last_contact_at < " + args.Add(f.NoContactSince.UnixMilli()))
	}
	if len(conds) == 0 {
		return "1=1", nil
	}
	return strings.Join(conds, " AND "), nil
}

func utfLen(s string) int { return len([]rune(s)) }

func (f *Filter) order() (string, error) {
	col, ok := customerSorts[f.Sort]
	if f.Sort != "" && !ok {
		return "", apperr.Invalid("sort", "must be one of %s", strings.Join(CustomerSortKeys(), ", "))
	}
	if !ok {
		col = "c.id"
		if f.Sort == "" {
			f.Desc = !f.Desc // newest first unless asked otherwise
		}
	}
	if f.Desc {
		col += " DESC"
	}
	return col + ", c.id", nil
}

// Customers lists the customers in a's data scope matching f, and the total.
func (s *Service) Customers(ctx context.Context, a *org.Actor, f Filter) ([]Customer, int, error) {
	var args store.Args
	return s.listCustomers(ctx, f, writeScope(a, &args), &args)
}

// Pool lists the customers in the public pool (for those who may claim).
func (s *Service) Pool(ctx context.Context, a *org.Actor, f Filter) ([]Customer, int, error) {
	if err := a.Require(org.P("pool", "claim")); err != nil {
		return nil, 0, err
	}
	f.Pool = "only"
	if f.Sort == "" {
		f.Sort, f.Desc = "pooled_at", true
	}
	var args store.Args
	return s.listCustomers(ctx, f, "1=1", &args)
}

func (s *Service) listCustomers(ctx context.Context, f Filter, scope string, args *store.Args) ([]Customer, int, error) {
	cond, err := f.where(args)
	if err != nil {
		return nil, 0, err
	}
	order, err := f.order()
	if err != nil {
		return nil, 0, err
	}
	where := ` WHERE ` + scope + ` AND ` + cond
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM customers c`+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("crm: count customers: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	q := `SELECT ` + customerCols + customerFrom + where + ` ORDER BY ` + order + ` LIMIT ` + args.Add(f.Limit) + ` OFFSET ` + args.Add(f.Offset)
	rows, err := s.db.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("crm: list customers: %w", err)
	}
	defer rows.Close()
	out := []Customer{}
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// Lookup finds the customers a may read that have number (typed in any
// form) — the screen pop of an incoming call.
func (s *Service) Lookup(ctx context.Context, a *org.Actor, number string) ([]Customer, error) {
	p, err := NormalizePhone(number)
	if err != nil {
		return nil, err
	}
	var args store.Args
	q := `SELECT ` + customerCols + customerFrom + ` JOIN customer_phones p ON p.customer_id = c.id
		WHERE p.e164 = ` + args.Add(p.E164) + ` AND ` + readScope(a, &args)
	rows, err := s.db.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("crm: lookup: %w", err)
	}
	defer rows.Close()
	out := []Customer{}
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}
