package dialer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// CallPlacer places calls (internal/call's Manager).
type CallPlacer interface {
	DialCampaign(cc call.CampaignCall) *call.Call
	ClickToCall(ctx context.Context, agentID int64, number string) (*call.Call, error)
}

// AgentCounter tells the load of a queue now: free agents, answered
// customers already waiting for one, and how long each busy agent has been
// on their call (Ringing is the dialler's own count).
type AgentCounter interface {
	Capacity(ctx context.Context, queue string) (Load, error)
}

// CustomerSource finds customers in an actor's scope (internal/crm).
type CustomerSource interface {
	Customers(ctx context.Context, a *org.Actor, f crm.Filter) ([]crm.Customer, int, error)
}

// Contact is one number of a campaign's call list.
type Contact struct {
	ID            int64     `json:"id"`
	CampaignID    int64     `json:"campaign_id"`
	CustomerID    int64     `json:"customer_id,omitempty"`
	Name          string    `json:"name"`
	Phone         string    `json:"phone"`
	Status        string    `json:"status"` // pending, dialing, previewing, connected, done, failed
	Attempts      int       `json:"attempts"`
	NextAt        time.Time `json:"next_at,omitzero"`
	LastOutcome   string    `json:"last_outcome,omitempty"`
	Disposition   string    `json:"disposition,omitempty"`
	CallbackClass string    `json:"callback_class,omitempty"`
	Note          string    `json:"note,omitempty"`
	AgentID       int64     `json:"agent_id,omitempty"`
	CallID        string    `json:"call_id,omitempty"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ContactColumns are the data-scope columns of a call list: the customer's
// owner, team and department.
var ContactColumns = org.Columns{Owner: "owner_id", Team: "team_id", Department: "department_id"}

const contactCols = `id, campaign_id, COALESCE(customer_id, 0), name, phone, status, attempts, next_at, last_outcome, disposition,
	callback_class, note, COALESCE(agent_id, 0), call_id, updated_at`

func scanContact(row interface{ Scan(...any) error }) (*Contact, error) {
	var c Contact
	var next, up int64
	if err := row.Scan(&c.ID, &c.CampaignID, &c.CustomerID, &c.Name, &c.Phone, &c.Status, &c.Attempts, &next, &c.LastOutcome,
		&c.Disposition, &c.CallbackClass, &c.Note, &c.AgentID, &c.CallID, &up); err != nil {
		return nil, err
	}
	c.NextAt, c.UpdatedAt = store.Time(next), store.Time(up)
	return &c, nil
}

// AddResult says what adding contacts did.
type AddResult struct {
	Added     int `json:"added"`
	Duplicate int `json:"duplicate"` // already on the list
	DNC       int `json:"dnc"`       // on the do-not-call list
	NoPhone   int `json:"no_phone"`
}

// AddCustomers puts the customers matching f (in the actor's scope) on a
// campaign's list, first phone of each; numbers on the do-not-call list
// and numbers already listed are skipped and counted.
func (s *Service) AddCustomers(ctx context.Context, a *org.Actor, campaignID int64, f crm.Filter) (*AddResult, error) {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	res := &AddResult{}
	f.Limit, f.Offset = 500, 0
	for {
		page, total, err := s.Customers.Customers(ctx, a, f)
		if err != nil {
			return nil, err
		}
		if err := s.addPage(ctx, c.ID, page, res); err != nil {
			return nil, err
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			break
		}
	}
	audit.Record(ctx, s.DB, who(a), "add_contacts", "campaigns", c.ID,
		fmt.Sprintf("campaign %s: %d added, %d duplicate, %d on the do-not-call list", c.Name, res.Added, res.Duplicate, res.DNC), nil, res)
	s.Kick()
	return res, nil
}

func (s *Service) addPage(ctx context.Context, campaignID int64, page []crm.Customer, res *AddResult) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().UnixMilli()
		for _, cu := range page {
			if len(cu.Phones) == 0 {
				res.NoPhone++
				continue
			}
			phone := cu.Phones[0]
			if blocked, err := onDNC(ctx, tx, phone); err != nil {
				return err
			} else if blocked {
				res.DNC++
				continue
			}
			r, err := tx.ExecContext(ctx, `INSERT INTO campaign_contacts (campaign_id, customer_id, name, phone, owner_id, team_id,
				department_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (campaign_id, phone) DO NOTHING`,
				campaignID, cu.ID, cu.Name, phone, store.NullID(cu.OwnerID), store.NullID(cu.TeamID), store.NullID(cu.DepartmentID), now)
			if err != nil {
				return fmt.Errorf("dialer: add contact: %w", err)
			}
			if n, _ := r.RowsAffected(); n == 0 {
				res.Duplicate++
			} else {
				res.Added++
			}
		}
		return nil
	})
}

// ContactFilter selects contacts.
type ContactFilter struct {
	Status string
	Limit  int
	Offset int
}

// Contacts lists a campaign's contacts in the actor's scope.
func (s *Service) Contacts(ctx context.Context, a *org.Actor, campaignID int64, f ContactFilter) ([]Contact, int, error) {
	var args store.Args
	where := "campaign_id = " + args.Add(campaignID) + " AND " + a.Scope.Filter(ContactColumns, &args)
	if f.Status != "" {
		where += " AND status = " + args.Add(f.Status)
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM campaign_contacts WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+contactCols+` FROM campaign_contacts WHERE `+where+` ORDER BY id LIMIT `+
		args.Add(f.Limit)+` OFFSET `+args.Add(f.Offset), args.Values()...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Contact{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

func (s *Service) contact(ctx context.Context, q store.Querier, id int64) (*Contact, error) {
	c, err := scanContact(q.QueryRowContext(ctx, `SELECT `+contactCols+` FROM campaign_contacts WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("contact")
	}
	return c, err
}

// DNCEntry is a number on the do-not-call list.
type DNCEntry struct {
	Phone  string    `json:"phone"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

func onDNC(ctx context.Context, q store.Querier, phone string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM dnc WHERE phone = $1`, phone).Scan(&n)
	return n > 0, err
}

// AddDNC puts a number on the do-not-call list; it leaves every pending
// list it is on.
func (s *Service) AddDNC(ctx context.Context, a *org.Actor, phone, reason string) (*DNCEntry, error) {
	p, err := crm.NormalizePhone(phone)
	if err != nil {
		return nil, apperr.Invalid("phone", "%v", err)
	}
	e := &DNCEntry{Phone: p.E164, Reason: strings.TrimSpace(reason), At: s.Now()}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dnc (phone, reason, added_by, at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (phone) DO UPDATE SET reason = excluded.reason`, p.E164, e.Reason, store.NullID(a.UserID), e.At.UnixMilli()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaign_contacts SET status = 'done', last_outcome = 'dnc', updated_at = $1
			WHERE phone = $2 AND status = 'pending'`, e.At.UnixMilli(), p.E164); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "dnc", 0, "do-not-call "+p.E164, nil, e)
	})
	return e, err
}

// RemoveDNC takes a number off the list.
func (s *Service) RemoveDNC(ctx context.Context, a *org.Actor, phone string) error {
	p, err := crm.NormalizePhone(phone)
	if err != nil {
		return apperr.Invalid("phone", "%v", err)
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM dnc WHERE phone = $1`, p.E164)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return apperr.NotFound("do-not-call number")
		}
		return audit.Record(ctx, tx, who(a), "delete", "dnc", 0, "do-not-call "+p.E164, nil, nil)
	})
}

// DNC lists the do-not-call list.
func (s *Service) DNC(ctx context.Context) ([]DNCEntry, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT phone, reason, at FROM dnc ORDER BY at DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DNCEntry{}
	for rows.Next() {
		var e DNCEntry
		var at int64
		if err := rows.Scan(&e.Phone, &e.Reason, &at); err != nil {
			return nil, err
		}
		e.At = store.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
