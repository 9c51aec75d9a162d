package deskui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// What the screen pop shows: at most popCustomers customers having the
// number (a shared office line may belong to several), each with its
// newest popItems contact history items.
const (
	popCustomers = 3
	popItems     = 5
)

// Pop is the screen pop (弹屏) of a call.
type Pop struct {
	Number    string        `json:"number"`
	Searched  bool          `json:"searched"` // false when the actor may not read customers
	Customers []PopCustomer `json:"customers"`
	CanCreate bool          `json:"can_create"`
	Campaign  *PopCampaign  `json:"campaign,omitempty"`
}

// PopCustomer is a customer's card in the screen pop.
type PopCustomer struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Company      string    `json:"company,omitempty"`
	Phones       []string  `json:"phones"`
	Level        string    `json:"level,omitempty"`
	Status       string    `json:"status,omitempty"`
	Source       string    `json:"source,omitempty"`
	Tags         []string  `json:"tags"`
	Owner        string    `json:"owner,omitempty"`
	InPool       bool      `json:"in_pool"`
	LastContact  string    `json:"last_contact,omitempty"`
	NextFollowUp string    `json:"next_follow_up,omitempty"`
	URL          string    `json:"url"`
	CanNote      bool      `json:"can_note"`
	Timeline     []PopItem `json:"timeline"`
}

// PopItem is one contact history item, described for a person.
type PopItem struct {
	At     string `json:"at"`
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
	Actor  string `json:"actor,omitempty"`
}

// PopCampaign is what an agent needs on a campaign call: the script, the
// answers to objections and the dispositions to choose from.
type PopCampaign struct {
	ID           int64                `json:"id"`
	Name         string               `json:"name"`
	Script       string               `json:"script,omitempty"`
	Objections   []dialer.Objection   `json:"objections"`
	Dispositions []dialer.Disposition `json:"dispositions"`
}

// pop answers GET /desk/api/pop?number=…[&customer_id=…][&campaign=name|&campaign_id=…]:
// the customers in the actor's data scope having the number (or the
// campaign call's own customer), and the campaign's script.
func (h *handlers) pop(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q := r.URL.Query()
	number := strings.TrimSpace(q.Get("number"))
	if len(number) > 64 {
		return apperr.Invalid("number", "must be at most 64 characters")
	}
	p := Pop{Number: number, Customers: []PopCustomer{}, CanCreate: a.Can(org.P("customers", "create"))}
	if a.Can(customersView) {
		p.Searched = true
		cs, err := h.popCustomers(r.Context(), a, number, queryInt(q.Get("customer_id")))
		if err != nil {
			return err
		}
		lists, err := h.CRM.Lists(r.Context())
		if err != nil {
			return err
		}
		for i := range cs {
			pc, err := h.popCustomer(r, a, lists, &cs[i])
			if err != nil {
				return err
			}
			p.Customers = append(p.Customers, pc)
		}
	}
	if a.Can(campaignsDial) || a.Can(campaignsView) {
		c, err := h.findCampaign(r.Context(), queryInt(q.Get("campaign_id")), strings.TrimSpace(q.Get("campaign")))
		if err != nil {
			return err
		}
		if c != nil {
			p.Campaign = &PopCampaign{ID: c.ID, Name: c.Name, Script: DecodeScript(c.Config.Script), Objections: c.Config.Objections,
				Dispositions: c.Config.Dispositions}
			if p.Campaign.Objections == nil {
				p.Campaign.Objections = []dialer.Objection{}
			}
		}
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

// popCustomers finds the call's customers: the one a campaign call names,
// else those having the number. A number that is no phone number (an
// internal extension, an anonymous caller) has no customer.
func (h *handlers) popCustomers(ctx context.Context, a *org.Actor, number string, id int64) ([]crm.Customer, error) {
	if id > 0 {
		c, err := h.CRM.Customer(ctx, a, id)
		if err == nil {
			return []crm.Customer{*c}, nil
		}
		if apperr.KindOf(err) != apperr.KindNotFound {
			return nil, err
		}
	}
	if number == "" {
		return nil, nil
	}
	cs, err := h.CRM.Lookup(ctx, a, number)
	if err != nil {
		if apperr.KindOf(err) == apperr.KindInvalid {
			return nil, nil
		}
		return nil, err
	}
	if len(cs) > popCustomers {
		cs = cs[:popCustomers]
	}
	return cs, nil
}

func (h *handlers) popCustomer(r *http.Request, a *org.Actor, lists *crm.Lists, c *crm.Customer) (PopCustomer, error) {
	pc := PopCustomer{ID: c.ID, Name: c.Name, Company: c.Company, Phones: c.DisplayPhones(), Tags: c.Tags,
		Owner: c.OwnerName, InPool: c.InPool, URL: "/customers/" + strconv.FormatInt(c.ID, 10),
		CanNote: a.Can(customersUpdate) && crm.CanWrite(a, c), Timeline: []PopItem{},
		LastContact: fmtTime(c.LastContactAt), NextFollowUp: fmtTime(c.NextFollowUpAt)}
	if c.Level != "" {
		pc.Level = lists.Label(crm.ListLevel, c.Level)
	}
	if c.Status != "" {
		pc.Status = lists.Label(crm.ListStatus, c.Status)
	}
	if c.Source != "" {
		pc.Source = lists.Label(crm.ListSource, c.Source)
	}
	if pc.Tags == nil {
		pc.Tags = []string{}
	}
	items, err := h.CRM.Timeline(r.Context(), a, c.ID, popItems)
	if err != nil {
		return pc, err
	}
	for _, it := range items {
		pc.Timeline = append(pc.Timeline, h.popItem(r, it))
	}
	return pc, nil
}

// popItem describes a timeline item in the page's language.
func (h *handlers) popItem(r *http.Request, it crm.TimelineItem) PopItem {
	p := PopItem{At: fmtTime(it.At), Kind: it.Kind, Actor: it.ActorName, Detail: it.Summary}
	p.Title = h.textOr(r, "desk.tl."+it.Kind, it.Kind)
	switch it.Kind {
	case crm.KindCall:
		p.Title = h.textOr(r, "desk.tl.call."+it.Code, p.Title)
		outcome, _ := it.Data["outcome"].(string)
		p.Detail = h.textOr(r, "desk.outcome."+outcome, outcome)
		if ms, ok := it.Data["talk_ms"].(int64); ok && ms > 0 {
			p.Detail += " · " + fmtDuration(time.Duration(ms)*time.Millisecond)
		}
	case crm.KindTask, crm.KindMove, crm.KindEvent:
		if it.Code != "" {
			p.Title += " · " + h.textOr(r, "desk.tl."+it.Kind+"."+it.Code, it.Code)
		}
	}
	return p
}

// NoteRequest is a note written on the desktop during (or after) a call.
type NoteRequest struct {
	CustomerID int64  `json:"customer_id"`
	Body       string `json:"body"`
	CallID     string `json:"call_id,omitempty"`
}

// NoteReply is the note as the desktop shows it.
type NoteReply struct {
	ID     int64  `json:"id"`
	Body   string `json:"body"`
	At     string `json:"at"`
	Author string `json:"author"`
}

// addNote answers POST /desk/api/notes: crm.AddNote in the actor's scope.
func (h *handlers) addNote(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var in NoteRequest
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if in.CustomerID <= 0 {
		return apperr.Invalid("customer_id", "is required")
	}
	n, err := h.CRM.AddNote(r.Context(), a, in.CustomerID, crm.NoteInput{Body: in.Body, CallID: in.CallID})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, NoteReply{ID: n.ID, Body: n.Body, At: fmtTime(n.CreatedAt), Author: n.AuthorName})
	return nil
}

// findCampaign returns the campaign with id, else the one named name, else
// nil (a call's campaign may have been deleted since it was dialled).
func (h *handlers) findCampaign(ctx context.Context, id int64, name string) (*dialer.Campaign, error) {
	if id > 0 {
		c, err := h.Dialer.Campaign(ctx, id)
		if apperr.KindOf(err) == apperr.KindNotFound {
			return nil, nil
		}
		return c, err
	}
	if name == "" {
		return nil, nil
	}
	cs, err := h.Dialer.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if cs[i].Name == name {
			return &cs[i], nil
		}
	}
	return nil, nil
}
