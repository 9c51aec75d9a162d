package crm

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

// values are a customer's checked and normalised fields.
type values struct {
	name, company         string
	phones                []Phone
	level, source, status string
	tags                  []string
	custom                map[string]string
}

func (v *values) phoneList() string {
	e := make([]string, len(v.phones))
	for i, p := range v.phones {
		e[i] = p.E164
	}
	return strings.Join(e, ",")
}

func (v *values) customJSON() string {
	b, _ := json.Marshal(v.custom)
	return string(b)
}

// searchText is what the list search looks in: the name and company lower
// case, every number as E.164 digits and as dialled nationally, the tags.
// Chinese text is kept as written, so any substring of a name matches.
func (v *values) searchText() string {
	parts := []string{strings.ToLower(v.name), strings.ToLower(v.company)}
	for _, p := range v.phones {
		parts = append(parts, p.E164[1:], p.National)
	}
	for _, t := range v.tags {
		parts = append(parts, strings.ToLower(t))
	}
	return strings.Join(parts, "\n")
}

// checker validates customer input against the configured lists and fields.
type checker struct {
	lists  *Lists
	fields []Field
}

func (s *Service) newChecker(ctx context.Context, q store.Querier) (*checker, error) {
	l, err := loadLists(ctx, q)
	if err != nil {
		return nil, err
	}
	f, err := loadFields(ctx, q)
	if err != nil {
		return nil, err
	}
	return &checker{lists: l, fields: f}, nil
}

func (ck *checker) check(in *CustomerInput) (*values, error) {
	v := &values{name: strings.TrimSpace(in.Name), company: strings.TrimSpace(in.Company)}
	if v.name == "" {
		return nil, invalid(CodeRequired, "name", "is required")
	}
	if err := valid.Text("name", v.name, 1, 100); err != nil {
		return nil, err
	}
	if err := valid.Text("company", v.company, 0, 200); err != nil {
		return nil, err
	}
	var err error
	if v.phones, err = NormalizePhones(in.Phones); err != nil {
		return nil, err
	}
	if len(v.phones) == 0 {
		return nil, invalid(CodeRequired, "phones", "at least one phone number is required")
	}
	if v.level, err = ck.choice(ListLevel, in.Level); err != nil {
		return nil, err
	}
	if v.source, err = ck.choice(ListSource, in.Source); err != nil {
		return nil, err
	}
	if v.status, err = ck.choice(ListStatus, in.Status); err != nil {
		return nil, err
	}
	if v.status == "" && len(ck.lists.Statuses) > 0 {
		v.status = ck.lists.Statuses[0].Key
	}
	if v.tags, err = checkTags(in.Tags); err != nil {
		return nil, err
	}
	if v.custom, err = checkCustom(ck.fields, in.Custom); err != nil {
		return nil, err
	}
	return v, nil
}

func (ck *checker) choice(kind, v string) (string, error) {
	key, ok := ck.lists.Match(kind, v)
	if !ok {
		labels := make([]string, 0, len(ck.lists.Of(kind)))
		for _, o := range ck.lists.Of(kind) {
			labels = append(labels, o.Key)
		}
		return "", invalid(CodeBadChoice, kind, "%q is not a configured %s (one of %s)", clip(v), kind, strings.Join(labels, ", "))
	}
	return key, nil
}

// checkTags trims, drops repeats and refuses commas (the storage separator).
func checkTags(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range in {
		for _, t := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '；' }) {
			t = strings.TrimSpace(t)
			if t == "" || seen[t] {
				continue
			}
			if err := valid.Text("tags", t, 1, 30); err != nil {
				return nil, err
			}
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) > 20 {
		return nil, apperr.Invalid("tags", "at most 20 tags")
	}
	return out, nil
}

// checkPhonesFree refuses numbers another customer has, naming that
// customer when a may see it.
func checkPhonesFree(ctx context.Context, q store.Querier, a *org.Actor, phones []Phone, self int64) error {
	if len(phones) == 0 {
		return nil
	}
	var args store.Args
	in := make([]string, len(phones))
	for i, p := range phones {
		in[i] = args.Add(p.E164)
	}
	query := `SELECT p.e164, c.id, c.name, COALESCE(c.owner_id, 0), COALESCE(c.team_id, 0), COALESCE(c.department_id, 0), c.in_pool
		FROM customer_phones p JOIN customers c ON c.id = p.customer_id
		WHERE p.e164 IN (` + strings.Join(in, ", ") + `) AND p.customer_id <> ` + args.Add(self) + ` LIMIT 1`
	var e, name string
	var id, owner, team, dept int64
	var pool bool
	err := q.QueryRowContext(ctx, query, args.Values()...).Scan(&e, &id, &name, &owner, &team, &dept, &pool)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("crm: check phones: %w", err)
	}
	return duplicatePhone(a, e, id, name, owner, team, dept, pool)
}

func duplicatePhone(a *org.Actor, e164 string, id int64, name string, owner, team, dept int64, pool bool) error {
	if canSee(a, owner, team, dept, pool) {
		return conflict(CodeDuplicatePhone, "phones", "%s already belongs to customer %s (#%d)", e164, name, id)
	}
	return conflict(CodeDuplicatePhone, "phones", "%s already belongs to another customer (outside your data scope)", e164)
}

func insertPhones(ctx context.Context, tx *sql.Tx, a *org.Actor, id int64, phones []Phone) error {
	for i, p := range phones {
		_, err := tx.ExecContext(ctx, `INSERT INTO customer_phones (e164, customer_id, national, position) VALUES ($1, $2, $3, $4)`,
			p.E164, id, p.National, i)
		if errors.Is(store.Classify(err), store.ErrConflict) {
			// Another request took the number since checkPhonesFree.
			return conflict(CodeDuplicatePhone, "phones", "%s already belongs to another customer", p.E164)
		}
		if err != nil {
			return fmt.Errorf("crm: insert phone: %w", err)
		}
	}
	return nil
}

// Create adds a customer, owned by in.OwnerID or the creator.
func (s *Service) Create(ctx context.Context, a *org.Actor, in CustomerInput) (*Customer, error) {
	var c *Customer
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ck, err := s.newChecker(ctx, tx)
		if err != nil {
			return err
		}
		v, err := ck.check(&in)
		if err != nil {
			return err
		}
		to, err := s.createPlacement(ctx, tx, a, in.OwnerID)
		if err != nil {
			return err
		}
		if to.OwnerID != 0 {
			if err := s.reserve(ctx, tx, map[int64]int{to.OwnerID: 1}); err != nil {
				return err
			}
		}
		if err := checkPhonesFree(ctx, tx, a, v.phones, 0); err != nil {
			return err
		}
		now := s.now().UnixMilli()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO customers (name, company, phones, level, source, status, tags, custom, search,
			owner_id, team_id, department_id, owned_at, progress_at, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $13, $13) RETURNING id`,
			v.name, v.company, v.phoneList(), v.level, v.source, v.status, joinTags(v.tags), v.customJSON(), v.searchText(),
			store.NullID(to.OwnerID), store.NullID(to.TeamID), store.NullID(to.DepartmentID), now, store.NullID(a.UserID)).Scan(&id)
		if err != nil {
			return fmt.Errorf("crm: insert customer: %w", err)
		}
		if err := insertPhones(ctx, tx, a, id, v.phones); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, s.now(), a, EventCreated, "", nil); err != nil {
			return err
		}
		c, err = getCustomer(ctx, tx, id)
		return err
	})
	return c, err
}

// createPlacement decides where a new customer sits: with its owner (the
// creator unless another is named) and the owner's team and department.
func (s *Service) createPlacement(ctx context.Context, q store.Querier, a *org.Actor, ownerID int64) (Placement, error) {
	if ownerID == 0 {
		ownerID = a.UserID
	}
	if ownerID == 0 {
		return Placement{}, nil // the system actor creates unassigned customers
	}
	if ownerID != a.UserID && !a.Can(org.P("customers", "allocate")) {
		return Placement{}, apperr.Forbidden("your role does not allow customers:allocate (creating a customer for someone else)")
	}
	u, err := loadUser(ctx, q, ownerID)
	if err != nil || !a.Scope.Allows(u.ID, u.TeamID, u.DepartmentID) {
		return Placement{}, apperr.Invalid("owner_id", "user %d does not exist or is outside your data scope", ownerID)
	}
	if !u.Active {
		return Placement{}, apperr.Invalid("owner_id", "%s is deactivated", u.Name)
	}
	return Placement{OwnerID: u.ID, TeamID: u.TeamID, DepartmentID: u.DepartmentID}, nil
}

// Update changes a customer in a's data scope. The owner changes only
// through allocation, claim and release.
func (s *Service) Update(ctx context.Context, a *org.Actor, id int64, in CustomerInput) (*Customer, error) {
	var c *Customer
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.scopedCustomer(ctx, tx, a, id, writeScope)
		if err != nil {
			return err
		}
		ck, err := s.newChecker(ctx, tx)
		if err != nil {
			return err
		}
		v, err := ck.check(&in)
		if err != nil {
			return err
		}
		if err := checkPhonesFree(ctx, tx, a, v.phones, id); err != nil {
			return err
		}
		now := s.now()
		progress := store.Millis(before.ProgressAt)
		if v.status != before.Status {
			progress = now.UnixMilli()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = $1, company = $2, phones = $3, level = $4, source = $5,
			status = $6, tags = $7, custom = $8, search = $9, progress_at = $10, updated_at = $11 WHERE id = $12`,
			v.name, v.company, v.phoneList(), v.level, v.source, v.status, joinTags(v.tags), v.customJSON(), v.searchText(),
			progress, now.UnixMilli(), id); err != nil {
			return fmt.Errorf("crm: update customer: %w", err)
		}
		if v.phoneList() != strings.Join(before.Phones, ",") {
			if _, err := tx.ExecContext(ctx, `DELETE FROM customer_phones WHERE customer_id = $1`, id); err != nil {
				return fmt.Errorf("crm: replace phones: %w", err)
			}
			if err := insertPhones(ctx, tx, a, id, v.phones); err != nil {
				return err
			}
		}
		if changed := changedFields(before, v); len(changed) > 0 {
			data := map[string]any{"fields": changed}
			if v.status != before.Status {
				data["from"], data["to"] = before.Status, v.status
			}
			if err := addEvent(ctx, tx, id, now, a, EventUpdated, strings.Join(changed, ", "), data); err != nil {
				return err
			}
		}
		c, err = getCustomer(ctx, tx, id)
		return err
	})
	return c, err
}

func changedFields(b *Customer, v *values) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("name", b.Name != v.name)
	add("phones", strings.Join(b.Phones, ",") != v.phoneList())
	add("company", b.Company != v.company)
	add("level", b.Level != v.level)
	add("source", b.Source != v.source)
	add("status", b.Status != v.status)
	add("tags", strings.Join(b.Tags, ",") != strings.Join(v.tags, ","))
	cj, _ := json.Marshal(b.Custom)
	add("custom", string(cj) != v.customJSON())
	return out
}

// Delete removes a customer in a's data scope with its notes, tasks and
// timeline.
func (s *Service) Delete(ctx context.Context, a *org.Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.scopedCustomer(ctx, tx, a, id, writeScope)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = $1`, id); err != nil {
			return fmt.Errorf("crm: delete customer: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "customers", id, "customer "+before.Name, before, nil)
	})
}
