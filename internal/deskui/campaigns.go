package deskui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// ContactStatuses are the states of a call list entry, in the order of its life.
var ContactStatuses = []string{"pending", "previewing", "dialing", "connected", "done", "failed"}

// contactsPerPage is the length of a page of the call list.
const contactsPerPage = 50

func (h *handlers) campaignRoutes(mux *http.ServeMux) {
	p := Base + "/campaigns"
	h.page(mux, "GET "+p, campaignsView, h.campaignList)
	h.page(mux, "GET "+p+"/new", campaignsManage, h.campaignNew)
	h.page(mux, "POST "+p, campaignsManage, h.campaignSave)
	h.page(mux, "GET "+p+"/{id}", campaignsView, h.campaignShow)
	h.page(mux, "GET "+p+"/{id}/edit", campaignsManage, h.campaignEdit)
	h.page(mux, "POST "+p+"/{id}", campaignsManage, h.campaignSave)
	h.page(mux, "POST "+p+"/{id}/status", campaignsManage, h.campaignStatus)
	h.page(mux, "POST "+p+"/{id}/contacts", campaignsManage, h.campaignAddContacts)
	h.page(mux, "POST "+p+"/{id}/delete", campaignsManage, h.campaignDelete)
}

// campaign returns the campaign of the path's {id}.
func (h *handlers) campaign(r *http.Request) (*dialer.Campaign, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Dialer.Campaign(r.Context(), id)
}

// campaignRow is a campaign with its figures.
type campaignRow struct {
	dialer.Campaign
	Stats   *dialer.Stats
	Total   int // contacts on the list
	Pending int
}

// AbandonPct is the abandon rate as a percentage text.
func (c campaignRow) AbandonPct() string { return pct(c.Stats.AbandonRate * 100) }

// CapPct is the campaign's abandon cap as a percentage text.
func (c campaignRow) CapPct() string { return pct(c.Config.AbandonCap * 100) }

// OverCap reports an abandon rate above the campaign's cap.
func (c campaignRow) OverCap() bool {
	return c.Stats.Answered > 0 && c.Stats.AbandonRate > c.Config.AbandonCap
}

// PerHundred is conversions per 100 connected calls (3–5 is a good result).
func (c campaignRow) PerHundred() string { return strconv.FormatFloat(c.Stats.PerHundred, 'f', 1, 64) }

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }

func (h *handlers) row(ctx context.Context, c dialer.Campaign) (campaignRow, error) {
	st, err := h.Dialer.Stats(ctx, c.ID)
	if err != nil {
		return campaignRow{}, err
	}
	row := campaignRow{Campaign: c, Stats: st, Pending: st.Contacts["pending"]}
	for _, n := range st.Contacts {
		row.Total += n
	}
	return row, nil
}

func (h *handlers) campaignList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	cs, err := h.Dialer.Campaigns(r.Context())
	if err != nil {
		return err
	}
	rows := make([]campaignRow, 0, len(cs))
	for _, c := range cs {
		row, err := h.row(r.Context(), c)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	h.ui.Render(w, r, "desk_campaigns", rows)
	return nil
}

// contactRow is a call list entry as the page shows it.
type contactRow struct {
	dialer.Contact
	Agent       string
	Disposition string // the label
}

// campaignView is a campaign's page.
type campaignView struct {
	C            campaignRow
	Script       string
	Contacts     []contactRow
	Pager        web.Pager
	Status       string // the list's filter
	Statuses     []string
	Dispositions map[string]string // key → label
	Add          *web.Form
	Lists        *crm.Lists
	Batches      []crm.Batch
}

func (h *handlers) campaignShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c, err := h.campaign(r)
	if err != nil {
		return err
	}
	row, err := h.row(r.Context(), *c)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	if !slices.Contains(ContactStatuses, status) {
		status = ""
	}
	v := campaignView{C: row, Script: DecodeScript(c.Config.Script), Status: status, Statuses: ContactStatuses,
		Dispositions: map[string]string{}, Add: h.ui.NewForm(r, "tag", "level", "source", "status", "batch_id", "pool")}
	for _, d := range c.Config.Dispositions {
		v.Dispositions[d.Key] = d.Label
	}
	off := web.PageOffset(r, contactsPerPage)
	cs, total, err := h.Dialer.Contacts(r.Context(), a, c.ID, dialer.ContactFilter{Status: status, Limit: contactsPerPage, Offset: off})
	if err != nil {
		return err
	}
	v.Pager = web.NewPager(r, total, contactsPerPage)
	names := map[int64]string{}
	for _, ct := range cs {
		v.Contacts = append(v.Contacts, contactRow{Contact: ct, Agent: h.agentName(r.Context(), names, ct.AgentID),
			Disposition: labelOr(v.Dispositions, ct.Disposition)})
	}
	if a.Can(campaignsManage) {
		if v.Lists, err = h.CRM.Lists(r.Context()); err != nil {
			return err
		}
		// Batches need customers:import; without it the filter offers none.
		v.Batches, _, _ = h.CRM.Batches(r.Context(), a, 100, 0)
	}
	h.ui.Render(w, r, "desk_campaign", v)
	return nil
}

func labelOr(m map[string]string, key string) string {
	if l, ok := m[key]; ok {
		return l
	}
	return key
}

// agentName is the display name of the agent who handled a contact.
func (h *handlers) agentName(ctx context.Context, cache map[int64]string, id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := cache[id]; ok {
		return n
	}
	n := fmt.Sprintf("#%d", id)
	if ag, err := h.Org.Agent(ctx, id); err == nil {
		n = ag.Name
	}
	cache[id] = n
	return n
}

// campaignStatus starts, pauses or finishes a campaign.
func (h *handlers) campaignStatus(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c, err := h.campaign(r)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r)
	st := f.Get("status")
	if _, err := h.Dialer.SetStatus(r.Context(), a, c.ID, st); err != nil {
		return h.refuse(w, r, c.ID, err)
	}
	h.ui.Flash(w, web.FlashOK, "desk.flash.status_"+st, c.Name)
	web.Redirect(w, r, campaignPath(c.ID))
	return nil
}

// campaignAddContacts puts the customers matching a CRM filter on the list.
func (h *handlers) campaignAddContacts(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c, err := h.campaign(r)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r)
	filter := crm.Filter{Tag: f.Get("tag"), Level: f.Get("level"), Source: f.Get("source"), Status: f.Get("status"),
		BatchID: queryInt(f.Get("batch_id")), Pool: f.Get("pool")}
	res, err := h.Dialer.AddCustomers(r.Context(), a, c.ID, filter)
	if err != nil {
		return h.refuse(w, r, c.ID, err)
	}
	h.ui.Flash(w, web.FlashOK, "desk.flash.added", strconv.Itoa(res.Added), strconv.Itoa(res.Duplicate),
		strconv.Itoa(res.DNC), strconv.Itoa(res.NoPhone))
	web.Redirect(w, r, campaignPath(c.ID))
	return nil
}

func (h *handlers) campaignDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c, err := h.campaign(r)
	if err != nil {
		return err
	}
	if err := h.Dialer.Delete(r.Context(), a, c.ID); err != nil {
		return h.refuse(w, r, c.ID, err)
	}
	h.ui.Flash(w, web.FlashOK, "desk.flash.campaign_deleted", c.Name)
	web.Redirect(w, r, Base+"/campaigns")
	return nil
}

// refuse answers a refused action on a campaign's page: back to the page
// with the reason, unless the error is not the user's to fix.
func (h *handlers) refuse(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if !userFixable(err) {
		return err
	}
	h.ui.Flash(w, web.FlashError, "desk.flash.refused", h.errText(r, err))
	web.Redirect(w, r, campaignPath(id))
	return nil
}
