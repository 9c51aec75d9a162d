package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Customer is a person or company the call center serves (客户).
type Customer struct {
	ID             int64             `json:"id"`
	Name           string            `json:"name"`
	Phones         []string          `json:"phones"` // E.164
	Company        string            `json:"company"`
	Level          string            `json:"level"`
	Source         string            `json:"source"`
	Status         string            `json:"status"`
	Tags           []string          `json:"tags"`
	Custom         map[string]string `json:"custom"`
	OwnerID        int64             `json:"owner_id,omitempty"`
	OwnerName      string            `json:"owner_name,omitempty"`
	TeamID         int64             `json:"team_id,omitempty"`
	DepartmentID   int64             `json:"department_id,omitempty"`
	InPool         bool              `json:"in_pool"`
	PooledAt       time.Time         `json:"pooled_at,omitzero"`
	PoolReason     string            `json:"pool_reason,omitempty"`
	OwnedAt        time.Time         `json:"owned_at,omitzero"`
	LastContactAt  time.Time         `json:"last_contact_at,omitzero"`
	NextFollowUpAt time.Time         `json:"next_follow_up_at,omitzero"` // earliest open task
	ProgressAt     time.Time         `json:"progress_at,omitzero"`       // last status change or completed task
	BatchID        int64             `json:"batch_id,omitempty"`         // the import that created it
	CreatedBy      int64             `json:"created_by,omitempty"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// CustomerInput creates or changes a customer. Phones may be typed freely
// (see NormalizePhone); level, source and status are keys (or labels) of
// the configured lists. OwnerID is only read on create: empty means the
// creator; someone else needs customers:allocate.
type CustomerInput struct {
	Name    string            `json:"name"`
	Phones  []string          `json:"phones"`
	Company string            `json:"company,omitempty"`
	Level   string            `json:"level,omitempty"`
	Source  string            `json:"source,omitempty"`
	Status  string            `json:"status,omitempty"`
	Tags    []string          `json:"tags,omitempty"`
	Custom  map[string]string `json:"custom,omitempty"`
	OwnerID int64             `json:"owner_id,omitempty"`
}

// CustomerColumns are the data-scope columns of customers aliased "c".
var CustomerColumns = org.Columns{Owner: "c.owner_id", Team: "c.team_id", Department: "c.department_id"}

const customerCols = `c.id, c.name, c.company, c.phones, c.level, c.source, c.status, c.tags, c.custom,
	COALESCE(c.owner_id, 0), COALESCE(u.display_name, ''), COALESCE(c.team_id, 0), COALESCE(c.department_id, 0),
	c.in_pool, c.pooled_at, c.pool_reason, c.owned_at, c.last_contact_at, c.next_follow_up_at, c.progress_at,
	COALESCE(c.batch_id, 0), COALESCE(c.created_by, 0), c.created_at, c.updated_at`

const customerFrom = ` FROM customers c LEFT JOIN users u ON u.id = c.owner_id`

func scanCustomer(row interface{ Scan(...any) error }) (*Customer, error) {
	var c Customer
	var phones, tags, custom string
	var pooled, owned, contact, follow, progress, created, updated int64
	err := row.Scan(&c.ID, &c.Name, &c.Company, &phones, &c.Level, &c.Source, &c.Status, &tags, &custom,
		&c.OwnerID, &c.OwnerName, &c.TeamID, &c.DepartmentID, &c.InPool, &pooled, &c.PoolReason, &owned, &contact, &follow,
		&progress, &c.BatchID, &c.CreatedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	c.Phones, c.Tags = splitList(phones), splitTags(tags)
	if json.Unmarshal([]byte(custom), &c.Custom) != nil || c.Custom == nil {
		c.Custom = map[string]string{}
	}
	c.PooledAt, c.OwnedAt, c.LastContactAt = store.Time(pooled), store.Time(owned), store.Time(contact)
	c.NextFollowUpAt, c.ProgressAt = store.Time(follow), store.Time(progress)
	c.CreatedAt, c.UpdatedAt = store.Time(created), store.Time(updated)
	return &c, nil
}

// splitList reads a comma-separated column.
func splitList(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Tags are stored as ",a,b," so that one tag is found with LIKE '%,a,%'.
func joinTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return "," + strings.Join(tags, ",") + ","
}

func splitTags(s string) []string { return splitList(s) }

// readScope restricts customers to what a may read: the data scope, plus
// the pool for those who may claim from it.
func readScope(a *org.Actor, args *store.Args) string {
	f := a.Scope.Filter(CustomerColumns, args)
	if a.Can(org.P("pool", "claim")) {
		f = "(" + f + " OR c.in_pool = TRUE)"
	}
	return f
}

// writeScope restricts customers to what a may change: the data scope only
// (a pool customer changes hands through claim and distribute).
func writeScope(a *org.Actor, args *store.Args) string { return a.Scope.Filter(CustomerColumns, args) }

// Customer returns a customer a may read; any other ID is "not found".
func (s *Service) Customer(ctx context.Context, a *org.Actor, id int64) (*Customer, error) {
	return s.scopedCustomer(ctx, s.db, a, id, readScope)
}

func (s *Service) scopedCustomer(ctx context.Context, q store.Querier, a *org.Actor, id int64,
	scope func(*org.Actor, *store.Args) string) (*Customer, error) {
	var args store.Args
	query := `SELECT ` + customerCols + customerFrom + ` WHERE c.id = ` + args.Add(id) + ` AND ` + scope(a, &args)
	c, err := scanCustomer(q.QueryRowContext(ctx, query, args.Values()...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("customer")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: get customer: %w", err)
	}
	return c, nil
}

func getCustomer(ctx context.Context, q store.Querier, id int64) (*Customer, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx, `SELECT `+customerCols+customerFrom+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("customer")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: get customer: %w", err)
	}
	return c, nil
}

// CanWrite reports whether a may change c (the data scope; pool customers
// only with scope all).
func CanWrite(a *org.Actor, c *Customer) bool {
	return a.Scope.Allows(c.OwnerID, c.TeamID, c.DepartmentID)
}

// canSee reports in Go what readScope says in SQL.
func canSee(a *org.Actor, owner, team, dept int64, inPool bool) bool {
	return a.Scope.Allows(owner, team, dept) || (inPool && a.Can(org.P("pool", "claim")))
}

// DisplayPhones are the customer's numbers formatted for reading.
func (c Customer) DisplayPhones() []string {
	out := make([]string, len(c.Phones))
	for i, e := range c.Phones {
		out[i] = PhoneFromE164(e).Display()
	}
	return out
}
