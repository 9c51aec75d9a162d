package telui

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/web"
)

const callsPerPage = 50

// Time layouts: lists to the second, the event timeline to the millisecond.
const (
	timeLayout = "2006-01-02 15:04:05"
	msLayout   = "15:04:05.000"
)

// callFilter is the call list's filters as given in the query.
type callFilter struct {
	From, To string // dates YYYY-MM-DD, inclusive
	Queue    string
	Agent    int64
	Outcome  string
	Number   string
}

type cdrRow struct {
	calllog.CDR
	Start    string
	Agent    string
	Wait     string
	Talk     string
	Answered bool
}

type callListView struct {
	Rows     []cdrRow
	Pager    web.Pager
	Filter   callFilter
	Queues   []opt
	Agents   []opt
	Outcomes []opt
}

func (h *handlers) callRoutes(mux *http.ServeMux) {
	h.handle(mux, "GET "+Base+"/calls", callsView, h.callList)
	h.handle(mux, "GET "+Base+"/calls/{id}", callsView, h.callShow)
}

// dayRange turns the from/to dates into [since, until) in local time; a
// bad date is dropped from the filter.
func dayRange(f *callFilter) (since, until time.Time) {
	if t, err := time.ParseInLocation(time.DateOnly, f.From, time.Local); err == nil {
		since = t
	} else {
		f.From = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.To, time.Local); err == nil {
		until = t.AddDate(0, 0, 1)
	} else {
		f.To = ""
	}
	return since, until
}

func queryInt(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

var outcomes = []calllog.Outcome{calllog.OutcomeAnswered, calllog.OutcomeAbandoned, calllog.OutcomeBlocked,
	calllog.OutcomeOverflow, calllog.OutcomeIVR, calllog.OutcomeFailed}

func validOutcome(s string) bool {
	for _, o := range outcomes {
		if string(o) == s {
			return true
		}
	}
	return false
}

func (h *handlers) callList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q := r.URL.Query()
	f := callFilter{From: q.Get("from"), To: q.Get("to"), Queue: strings.TrimSpace(q.Get("queue")),
		Agent: queryInt(r, "agent_id"), Outcome: q.Get("outcome"), Number: strings.TrimSpace(q.Get("number"))}
	if !validOutcome(f.Outcome) {
		f.Outcome = ""
	}
	since, until := dayRange(&f)
	cf := calllog.CDRFilter{Since: since, Until: until, Queue: f.Queue, AgentID: f.Agent, Outcome: calllog.Outcome(f.Outcome),
		Number: f.Number, Limit: callsPerPage, Offset: web.PageOffset(r, callsPerPage), Desc: true}
	cdrs, total, err := calllog.CDRs(r.Context(), h.DB, a.Scope, cf)
	if err != nil {
		return err
	}
	v := callListView{Pager: web.NewPager(r, total, callsPerPage), Filter: f}
	ids := make([]int64, 0, len(cdrs))
	for _, c := range cdrs {
		ids = append(ids, c.AgentID)
	}
	nm := h.userNames(r.Context(), ids...)
	for _, c := range cdrs {
		v.Rows = append(v.Rows, cdrView(c, nm))
	}
	if err := h.callChoices(r, a, &v.Queues, &v.Agents); err != nil {
		return err
	}
	for _, o := range outcomes {
		v.Outcomes = append(v.Outcomes, opt{Value: string(o), Label: h.ui.T(r, "tel.outcome."+string(o))})
	}
	h.ui.Render(w, r, "tel_calls", v)
	return nil
}

func cdrView(c calllog.CDR, nm names) cdrRow {
	row := cdrRow{CDR: c, Start: fmtTime(c.StartedAt, timeLayout), Agent: nm[c.AgentID], Answered: !c.AnsweredAt.IsZero()}
	if c.Queue != "" {
		row.Wait = fmtMS(c.WaitMS)
	}
	if row.Answered {
		row.Talk = fmtMS(c.TalkMS)
	}
	return row
}

// callChoices are the queue and agent filters (agents in a's scope).
func (h *handlers) callChoices(r *http.Request, a *org.Actor, qs, agents *[]opt) error {
	list, err := h.Queues.List(r.Context())
	if err != nil {
		return err
	}
	for _, q := range list {
		*qs = append(*qs, opt{Value: q.Name, Label: q.Name})
	}
	us, err := h.agentUsers(r.Context(), a)
	if err != nil {
		return err
	}
	*agents = userOptions(us)
	return nil
}

func fmtTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format(layout)
}

// callView is one call: its record, agent legs, events and recordings.
type callView struct {
	CDR        cdrRow
	Facts      []fact
	Legs       []legRow
	Events     []eventRow
	Recordings []recRow
}

// fact is one labelled value of the record (label is a catalog key; Key,
// when set, translates the value).
type fact struct {
	Label string
	Value string
	Key   string
}

type legRow struct {
	calllog.Leg
	Agent                          string
	Offered, Answered, Ended, Wrap string
	Ring, Talk, Hold, WrapUp       string
}

type eventRow struct {
	calllog.Event
	At      string // wall clock to the millisecond
	Offset  string // since the first event
	TypeKey string // catalog key suffix
	Agent   string
	Details string
}

func (h *handlers) callShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id := r.PathValue("id")
	c, err := calllog.GetCDR(r.Context(), h.DB, a.Scope, id)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound("call")
	}
	if err != nil {
		return err
	}
	legs, err := calllog.Legs(r.Context(), h.DB, id)
	if err != nil {
		return err
	}
	evs, err := calllog.Events(r.Context(), h.DB, id)
	if err != nil {
		return err
	}
	ids := []int64{c.AgentID}
	for _, l := range legs {
		ids = append(ids, l.AgentID)
	}
	for _, e := range evs {
		ids = append(ids, e.AgentID)
	}
	nm := h.userNames(r.Context(), ids...)
	v := callView{CDR: cdrView(*c, nm), Facts: callFacts(c)}
	for _, l := range legs {
		v.Legs = append(v.Legs, legView(l, nm))
	}
	v.Events = eventViews(evs, nm)
	if a.Can(recView) {
		recs, _, err := h.Recordings.List(r.Context(), a.Scope, recording.Filter{CallID: id, Limit: 10})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			v.Recordings = append(v.Recordings, h.recView(rec, nm))
		}
	}
	h.ui.Render(w, r, "tel_call", v)
	return nil
}

// callFacts are the record's fields worth showing, in reading order.
func callFacts(c *calllog.CDR) []fact {
	var out []fact
	add := func(label, value string) {
		if value != "" && value != "—" {
			out = append(out, fact{Label: label, Value: value})
		}
	}
	coded := func(label, prefix, value string) {
		if value != "" {
			out = append(out, fact{Label: label, Value: value, Key: prefix + value})
		}
	}
	coded("tel.call.direction", "tel.dir.", c.Direction)
	add("tel.call.caller", c.Caller)
	add("tel.call.callee", c.Callee)
	add("tel.call.number", c.Number)
	add("tel.call.trunk", c.Trunk)
	add("tel.call.started", fmtTime(c.StartedAt, timeLayout))
	add("tel.call.answered", fmtTime(c.AnsweredAt, timeLayout))
	add("tel.call.ended", fmtTime(c.EndedAt, timeLayout))
	add("tel.call.ivr_path", c.IVRPath)
	add("tel.call.queue", c.Queue)
	if c.Queue != "" {
		add("tel.call.wait", fmtMS(c.WaitMS))
	}
	if !c.AnsweredAt.IsZero() {
		add("tel.call.ring", fmtMS(c.RingMS))
		add("tel.call.talk", fmtMS(c.TalkMS))
		add("tel.call.hold", fmtMS(c.HoldMS))
	}
	if c.Holds > 0 {
		add("tel.call.holds", strconv.Itoa(c.Holds))
	}
	if c.Transfers > 0 {
		add("tel.call.transfers", strconv.Itoa(c.Transfers))
	}
	add("tel.call.blocked_reason", c.BlockedReason)
	coded("tel.call.hangup_by", "tel.by.", c.HangupBy)
	add("tel.call.hangup_cause", c.HangupCause)
	if c.Rating > 0 {
		add("tel.call.rating", strconv.Itoa(c.Rating))
	}
	return out
}

func legView(l calllog.Leg, nm names) legRow {
	row := legRow{Leg: l, Agent: nm[l.AgentID], Offered: fmtTime(l.OfferedAt, timeLayout),
		Answered: fmtTime(l.AnsweredAt, timeLayout), Ended: fmtTime(l.EndedAt, timeLayout),
		Wrap: fmtTime(l.WrapUpEndAt, timeLayout), Ring: fmtMS(l.RingMS)}
	if !l.AnsweredAt.IsZero() {
		row.Talk, row.Hold, row.WrapUp = fmtMS(l.TalkMS), fmtMS(l.HoldMS), fmtMS(l.WrapUpMS)
	}
	return row
}

func eventViews(evs []calllog.Event, nm names) []eventRow {
	out := make([]eventRow, 0, len(evs))
	var first time.Time
	for i, e := range evs {
		if i == 0 {
			first = e.At
		}
		out = append(out, eventRow{Event: e, At: fmtTime(e.At, msLayout), Offset: fmtOffset(e.At.Sub(first)),
			TypeKey: strings.ReplaceAll(string(e.Type), ".", "_"), Agent: nm[e.AgentID], Details: eventDetails(e.Data)})
	}
	return out
}

// fmtOffset writes an offset from the call's start to the millisecond.
func fmtOffset(d time.Duration) string {
	ms := d.Milliseconds()
	return "+" + strconv.FormatInt(ms/1000, 10) + "." + pad3(ms%1000) + " s"
}

func pad3(n int64) string {
	if n < 0 {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	return strings.Repeat("0", 3-len(s)) + s
}

// eventDetails lists an event's data fields that are set, as field=value
// (the names are those of docs/call-events.md).
func eventDetails(d calllog.Data) string {
	var parts []string
	add := func(k, v string) {
		if v != "" && v != "0" {
			parts = append(parts, k+"="+v)
		}
	}
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	add("direction", d.Direction)
	add("from", d.From)
	add("to", d.To)
	add("number", d.Number)
	add("trunk", d.Trunk)
	add("source", d.Source)
	add("flow", d.Flow)
	add("node", d.Node)
	add("digit", d.Digit)
	add("method", d.Method)
	add("path", strings.Join(d.Path, ">"))
	add("result", d.Result)
	add("priority", i(int64(d.Priority)))
	add("skills", strings.Join(d.Skills, ","))
	add("position", i(int64(d.Position)))
	add("extension", d.Extension)
	add("ring_ms", i(d.RingMS))
	add("wait_ms", i(d.WaitMS))
	add("reason", d.Reason)
	add("by", d.By)
	add("cause", d.Cause)
	add("code", i(int64(d.Code)))
	add("kind", d.Kind)
	add("target", d.Target)
	if d.Score > 0 {
		add("score", i(int64(d.Score))+"/"+i(int64(d.Scale)))
	}
	add("recording", i(d.Recording))
	add("customer", i(d.Customer))
	return strings.Join(parts, " · ")
}
