package telui

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/web"
)

// blankAgentSkillRows are the empty skill rows under an agent's skills.
const blankAgentSkillRows = 3

// agentRow is an agent in the routing list.
type agentRow struct {
	org.User
	Skills []string // "mandarin 8"
	Queues []string // "sales", "support (+5)"
}

type agentListView struct {
	Rows []agentRow
	Q    string
}

// agentFormView edits one agent's skills and queue memberships.
type agentFormView struct {
	User      *org.User
	Form      *web.Form
	SkillRows []int
	Queues    []agentQueue
}

// agentQueue is one queue of the membership table.
type agentQueue struct {
	ID      int64
	Name    string
	Member  string // input name of the checkbox
	Penalty string // input name of the penalty
}

func (h *handlers) agentRoutes(mux *http.ServeMux) {
	p := Base + "/agents"
	h.handle(mux, "GET "+p, queueView, h.agentList)
	h.handle(mux, "GET "+p+"/{id}", queueView, h.agentShow)
	h.handle(mux, "POST "+p+"/{id}", queueManage, h.agentSave)
}

func (h *handlers) agentList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	search := strings.TrimSpace(r.URL.Query().Get("q"))
	active := true
	us, err := h.allUsers(r.Context(), a, org.UserQuery{Search: search, Active: &active})
	if err != nil {
		return err
	}
	qs, err := h.Queues.List(r.Context())
	if err != nil {
		return err
	}
	qname := map[int64]string{}
	for _, q := range qs {
		qname[q.ID] = q.Name
	}
	v := agentListView{Q: search}
	for _, u := range us {
		if u.Extension == "" {
			continue
		}
		ag, err := h.Queues.Agent(r.Context(), u.ID)
		if err != nil {
			return err
		}
		row := agentRow{User: u, Skills: skillTexts(ag.Skills)}
		for _, m := range ag.Queues {
			s := qname[m.QueueID]
			if m.Penalty > 0 {
				s += " (+" + strconv.Itoa(m.Penalty) + ")"
			}
			row.Queues = append(row.Queues, s)
		}
		v.Rows = append(v.Rows, row)
	}
	h.ui.Render(w, r, "tel_agents", v)
	return nil
}

func skillTexts(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for _, k := range sortedSkills(m) {
		out = append(out, k+" "+strconv.Itoa(m[k]))
	}
	return out
}

func sortedSkills(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// agentUser returns user {id} if it is in a's scope.
func (h *handlers) agentUser(r *http.Request, a *org.Actor) (*org.User, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Org.User(r.Context(), a, id)
}

func (h *handlers) agentShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	u, err := h.agentUser(r, a)
	if err != nil {
		return err
	}
	ag, err := h.Queues.Agent(r.Context(), u.ID)
	if err != nil {
		return err
	}
	f := h.ui.NewForm(r)
	for i, k := range sortedSkills(ag.Skills) {
		f.Set(fmt.Sprintf("skill_%d_name", i), k)
		f.Set(fmt.Sprintf("skill_%d_level", i), strconv.Itoa(ag.Skills[k]))
	}
	for _, m := range ag.Queues {
		f.Set(fmt.Sprintf("queue_%d", m.QueueID), "1")
		f.Set(fmt.Sprintf("penalty_%d", m.QueueID), strconv.Itoa(m.Penalty))
	}
	return h.agentForm(w, r, u, f, len(ag.Skills)+blankAgentSkillRows, http.StatusOK)
}

func (h *handlers) agentForm(w http.ResponseWriter, r *http.Request, u *org.User, f *web.Form, rows, status int) error {
	qs, err := h.Queues.List(r.Context())
	if err != nil {
		return err
	}
	v := agentFormView{User: u, Form: f, SkillRows: seq(rows)}
	for _, q := range qs {
		v.Queues = append(v.Queues, agentQueue{ID: q.ID, Name: q.Name,
			Member: fmt.Sprintf("queue_%d", q.ID), Penalty: fmt.Sprintf("penalty_%d", q.ID)})
	}
	h.ui.RenderStatus(w, r, status, "tel_agent", v)
	return nil
}

// agentInputs names the inputs of an agent form.
func agentInputs(rows int, qs []queues.Queue) inputs {
	in := inputs{}
	for i := 0; i < rows; i++ {
		in[fmt.Sprintf("skill_%d_name", i)] = true
		in[fmt.Sprintf("skill_%d_level", i)] = true
	}
	for _, q := range qs {
		in[fmt.Sprintf("penalty_%d", q.ID)] = true
	}
	return in
}

// parseAgent reads the form into the agent's routing and the form row of
// each skill (for errors).
func (h *handlers) parseAgent(r *http.Request, f *web.Form, uid int64, rows int, qs []queues.Queue) (queues.Agent, map[string]int) {
	in := queues.Agent{UserID: uid, Skills: map[string]int{}, Queues: []acd.Membership{}}
	rowOf := map[string]int{}
	for i := 0; i < rows; i++ {
		name := f.Get(fmt.Sprintf("skill_%d_name", i))
		lvlIn := fmt.Sprintf("skill_%d_level", i)
		if name == "" && f.Get(lvlIn) == "" {
			continue
		}
		if name == "" {
			h.invalid(r, f, fmt.Sprintf("skill_%d_name", i), "err.required")
			continue
		}
		if _, dup := rowOf[name]; dup {
			h.invalid(r, f, fmt.Sprintf("skill_%d_name", i), "tel.err.skill_dup", name)
			continue
		}
		rowOf[name] = i
		in.Skills[name] = h.intField(r, f, lvlIn, 0)
	}
	for _, q := range qs {
		if checked(f, fmt.Sprintf("queue_%d", q.ID)) {
			pen := h.intField(r, f, fmt.Sprintf("penalty_%d", q.ID), 0)
			in.Queues = append(in.Queues, acd.Membership{QueueID: q.ID, Penalty: pen})
		}
	}
	return in, rowOf
}

// agentError maps the validator's fields ("skills.mandarin",
// "queues[1].penalty") to the form's inputs.
func agentError(err error, in queues.Agent, rowOf map[string]int) error {
	e := apperr.As(err)
	if e == nil {
		return err
	}
	if name, ok := strings.CutPrefix(e.Field, "skills."); ok {
		if row, ok := rowOf[name]; ok {
			return rename(err, e.Field, fmt.Sprintf("skill_%d_level", row))
		}
	}
	var i int
	if _, scanErr := fmt.Sscanf(e.Field, "queues[%d].penalty", &i); scanErr == nil && i >= 0 && i < len(in.Queues) {
		return rename(err, e.Field, fmt.Sprintf("penalty_%d", in.Queues[i].QueueID))
	}
	return err
}

func (h *handlers) agentSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	u, err := h.agentUser(r, a)
	if err != nil {
		return err
	}
	qs, err := h.Queues.List(r.Context())
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r)
	rows := rowCount(f, "skill", "name")
	in, rowOf := h.parseAgent(r, f, u.ID, rows, qs)
	status, err := h.save(r, f, agentInputs(rows, qs), func() error {
		_, err := h.Queues.SetAgent(r.Context(), a, in)
		return agentError(err, in, rowOf)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.agentForm(w, r, u, f, rows, status)
	}
	h.back(w, r, Base+"/agents/"+itoa(u.ID), "tel.flash.agent_saved", u.DisplayName)
	return nil
}
