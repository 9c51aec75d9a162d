package dialer

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// DispositionInput is an agent's result for a contact.
type DispositionInput struct {
	Disposition   string `json:"disposition"`
	CallbackClass string `json:"callback_class,omitempty"` // A or B
	Note          string `json:"note,omitempty"`
}

// scopedContact returns a contact the actor may act on: in their data
// scope, or handled by them.
func (s *Service) scopedContact(ctx context.Context, q store.Querier, a *org.Actor, id int64) (*Contact, error) {
	var args store.Args
	where := "id = " + args.Add(id) + " AND (" + a.Scope.Filter(ContactColumns, &args) + " OR agent_id = " + args.Add(a.UserID) + ")"
	ct, err := scanContact(q.QueryRowContext(ctx, `SELECT `+contactCols+` FROM campaign_contacts WHERE `+where, args.Values()...))
	if err == sql.ErrNoRows {
		return nil, apperr.NotFound("contact")
	}
	return ct, err
}

// Dispose records the agent's result: a final one closes the contact; a
// callback class A is called back soonest, B later; a retry result waits
// for its retry delay; do-not-call adds the number to the list.
func (s *Service) Dispose(ctx context.Context, a *org.Actor, contactID int64, in DispositionInput) (*Contact, error) {
	ct, err := s.scopedContact(ctx, s.DB, a, contactID)
	if err != nil {
		return nil, err
	}
	c, err := s.Campaign(ctx, ct.CampaignID)
	if err != nil {
		return nil, err
	}
	var d *Disposition
	for i := range c.Config.Dispositions {
		if c.Config.Dispositions[i].Key == in.Disposition {
			d = &c.Config.Dispositions[i]
		}
	}
	if d == nil {
		return nil, apperr.Invalid("disposition", "is not one of this campaign's dispositions")
	}
	in.CallbackClass = strings.ToUpper(strings.TrimSpace(in.CallbackClass))
	if in.CallbackClass == "" {
		switch d.Key {
		case "call_back":
			in.CallbackClass = "A"
		case "interested":
			in.CallbackClass = "B"
		}
	}
	now := s.Now()
	status, next := "done", time.Time{}
	switch {
	case d.Final:
	case in.CallbackClass == "A":
		status, next = "pending", now.Add(time.Duration(c.Config.RetryAMin)*time.Minute)
	case in.CallbackClass == "B":
		status, next = "pending", now.Add(time.Duration(c.Config.RetryBMin)*time.Minute)
	case d.Retry:
		status, next = "pending", now.Add(time.Duration(c.Config.RetryNoAnswerMin)*time.Minute)
	case in.CallbackClass != "":
		return nil, apperr.Invalid("callback_class", "must be A or B")
	}
	if status == "pending" && ct.Attempts >= c.Config.MaxAttempts && in.CallbackClass == "" {
		status = "failed"
	}
	_, err = s.DB.ExecContext(ctx, `UPDATE campaign_contacts SET status = $1, next_at = $2, disposition = $3, callback_class = $4,
		note = $5, agent_id = $6, updated_at = $7 WHERE id = $8`, status, store.Millis(next), d.Key, in.CallbackClass,
		strings.TrimSpace(in.Note), store.NullID(a.UserID), now.UnixMilli(), ct.ID)
	if err != nil {
		return nil, fmt.Errorf("dialer: disposition: %w", err)
	}
	if d.DNC {
		if _, err := s.AddDNC(ctx, a, ct.Phone, "asked during campaign "+c.Name); err != nil {
			return nil, err
		}
	}
	if rec, ok := s.Customers.(interface {
		RecordEvent(ctx context.Context, q store.Querier, customerID int64, a *org.Actor, kind, summary string, data map[string]any) error
	}); ok && ct.CustomerID != 0 {
		summary := fmt.Sprintf("%s: %s", c.Name, d.Label)
		rec.RecordEvent(ctx, s.DB, ct.CustomerID, a, "campaign", summary, map[string]any{"campaign": c.Name,
			"disposition": d.Key, "callback_class": in.CallbackClass, "note": in.Note, "call_id": ct.CallID})
	}
	s.Kick()
	return s.contact(ctx, s.DB, ct.ID)
}

// NextPreview gives an agent the next contact of a preview campaign to
// look at before dialling; it is theirs until they dial or dispose of it.
func (s *Service) NextPreview(ctx context.Context, a *org.Actor, campaignID int64) (*Contact, error) {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if c.Config.Mode != Preview || c.Status != "running" {
		return nil, apperr.Conflict("not_preview", "campaign %q is not a running preview campaign", c.Name)
	}
	ct, err := s.reserve(ctx, campaignID, "previewing", a.UserID)
	if err != nil {
		return nil, err
	}
	if ct == nil {
		return nil, apperr.NotFound("contact due now")
	}
	return ct, nil
}

// DialPreview dials a previewed contact from the agent's phone.
func (s *Service) DialPreview(ctx context.Context, a *org.Actor, contactID int64) (*Contact, error) {
	ct, err := s.scopedContact(ctx, s.DB, a, contactID)
	if err != nil {
		return nil, err
	}
	if ct.Status != "previewing" || ct.AgentID != a.UserID {
		return nil, apperr.Conflict("not_yours", "take the contact with next first")
	}
	number := ct.Phone
	if p, err := crm.NormalizePhone(ct.Phone); err == nil && p.National != "" {
		number = p.National
	}
	cl, err := s.Dialer.ClickToCall(ctx, a.UserID, number)
	if err != nil {
		return nil, err
	}
	now := s.Now().UnixMilli()
	if _, err := s.DB.ExecContext(ctx, `UPDATE campaign_contacts SET status = 'connected', call_id = $1, updated_at = $2 WHERE id = $3`,
		cl.ID, now, ct.ID); err != nil {
		return nil, err
	}
	s.DB.ExecContext(ctx, `INSERT INTO campaign_attempts (campaign_id, contact_id, at, outcome, call_id, agent_id)
		VALUES ($1, $2, $3, 'preview_dial', $4, $5)`, ct.CampaignID, ct.ID, now, cl.ID, a.UserID)
	return s.contact(ctx, s.DB, ct.ID)
}

// Stats are a campaign's figures.
type Stats struct {
	Contacts      map[string]int `json:"contacts"` // by status
	Dials         int            `json:"dials"`
	Answered      int            `json:"answered"`  // the customer picked up
	Connected     int            `json:"connected"` // and talked to an agent
	Abandoned     int            `json:"abandoned"` // picked up, no agent came
	AbandonRate   float64        `json:"abandon_rate"`
	Conversions   int            `json:"conversions"`       // contacts with a success disposition
	PerHundred    float64        `json:"per_100_connected"` // conversions per 100 connected calls (3–5 is a good result)
	Ratio         float64        `json:"ratio,omitempty"`   // predictive: dials per answer it expects now
	InFlight      int            `json:"in_flight"`
	ByDisposition map[string]int `json:"by_disposition"`
}

// Stats computes a campaign's figures.
func (s *Service) Stats(ctx context.Context, id int64) (*Stats, error) {
	c, err := s.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	st := &Stats{Contacts: map[string]int{}, ByDisposition: map[string]int{}}
	rows, err := s.DB.QueryContext(ctx, `SELECT status, disposition, count(*) FROM campaign_contacts WHERE campaign_id = $1
		GROUP BY status, disposition`, id)
	if err != nil {
		return nil, err
	}
	success := map[string]bool{}
	for _, d := range c.Config.Dispositions {
		success[d.Key] = d.Success
	}
	for rows.Next() {
		var status, disp string
		var n int
		if err := rows.Scan(&status, &disp, &n); err != nil {
			rows.Close()
			return nil, err
		}
		st.Contacts[status] += n
		if disp != "" {
			st.ByDisposition[disp] += n
			if success[disp] {
				st.Conversions += n
			}
		}
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT outcome, count(*) FROM campaign_attempts WHERE campaign_id = $1 GROUP BY outcome`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			rows.Close()
			return nil, err
		}
		st.Dials += n
		switch o {
		case "connected", "preview_dial":
			st.Connected += n
			st.Answered += n
		case "abandoned":
			st.Abandoned += n
			st.Answered += n
		}
	}
	rows.Close()
	if st.Answered > 0 {
		st.AbandonRate = float64(st.Abandoned) / float64(st.Answered)
	}
	if st.Connected > 0 {
		st.PerHundred = 100 * float64(st.Conversions) / float64(st.Connected)
	}
	s.mu.Lock()
	if r := s.running[id]; r != nil {
		st.InFlight = r.inflight
		if c.Config.Mode == Predictive {
			st.Ratio = r.pacer.Ratio()
		}
	}
	s.mu.Unlock()
	return st, nil
}
