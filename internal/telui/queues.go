package telui

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/web"
)

type queueRow struct {
	queues.Queue
	Department string
	Numbers    []string
}

type queueListView struct{ Rows []queueRow }

// queueFormView is the queue editor with its member list.
type queueFormView struct {
	Queue        *queues.Queue // nil for a new queue
	Form         *web.Form
	SkillRows    []int
	WideningRows []int
	Choices      queueChoices
	Members      []memberRow
	Candidates   []opt // agents who are not members yet
	MemberForm   *web.Form
	Numbers      []string
	Refused      string // why the last delete was refused
}

// queueChoices are the editor's selects.
type queueChoices struct {
	Strategies  []opt
	Actions     []opt
	Languages   []opt
	Departments []opt
	Queues      []opt // other queues (overflow)
	Flows       []opt
	Prompts     []opt
}

func (h *handlers) queueRoutes(mux *http.ServeMux) {
	p := Base + "/queues"
	h.handle(mux, "GET "+p, queueView, h.queueList)
	h.handle(mux, "GET "+p+"/new", queueManage, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		f := h.ui.NewForm(r, queueFields...)
		q := queues.Queue{Queue: acd.Queue{Strategy: acd.LongestIdle, NoAnswer: acd.NoAnswerPolicy{NotReady: true}},
			Language: "zh-CN", SurveyScale: 5}
		s, wd := queueValues(f, &q)
		return h.queueForm(w, r, a, nil, f, s, wd, http.StatusOK)
	})
	h.handle(mux, "POST "+p, queueManage, h.queueCreate)
	h.handle(mux, "GET "+p+"/{id}", queueView, h.queueShow)
	h.handle(mux, "POST "+p+"/{id}", queueManage, h.queueUpdate)
	h.handle(mux, "POST "+p+"/{id}/delete", queueManage, h.queueDelete)
	h.handle(mux, "POST "+p+"/{id}/members", queueManage, h.memberAdd)
	h.handle(mux, "POST "+p+"/{id}/members/{uid}", queueManage, h.memberPenalty)
	h.handle(mux, "POST "+p+"/{id}/members/{uid}/remove", queueManage, h.memberRemove)
}

func (h *handlers) deptNames(ctx context.Context) (map[int64]string, []opt, error) {
	ds, err := h.Org.Departments(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]string{}
	for _, d := range ds {
		byID[d.ID] = d.Name
	}
	opts := make([]opt, 0, len(ds))
	for _, d := range ds {
		opts = append(opts, opt{Value: itoa(d.ID), Label: d.Name})
	}
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].Label < opts[j].Label })
	return byID, opts, nil
}

func (h *handlers) queueList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	qs, err := h.Queues.List(r.Context())
	if err != nil {
		return err
	}
	depts, _, err := h.deptNames(r.Context())
	if err != nil {
		return err
	}
	routes, err := h.routedTo(r.Context(), pbx.RouteQueue)
	if err != nil {
		return err
	}
	var v queueListView
	for _, q := range qs {
		v.Rows = append(v.Rows, queueRow{Queue: q, Department: depts[q.DepartmentID], Numbers: routes[q.Name]})
	}
	h.ui.Render(w, r, "tel_queues", v)
	return nil
}

func (h *handlers) queueChoices(r *http.Request, self int64) (queueChoices, error) {
	ctx := r.Context()
	c := queueChoices{Languages: languageOptions()}
	for _, s := range []acd.Strategy{acd.LongestIdle, acd.RoundRobin, acd.FewestCalls, acd.RingAll, acd.SkillsBased} {
		c.Strategies = append(c.Strategies, opt{Value: string(s), Label: h.ui.T(r, "tel.strategy."+string(s))})
	}
	for _, x := range []acd.OverflowAction{acd.OverflowNone, acd.OverflowQueue, acd.OverflowIVR, acd.OverflowVoicemail,
		acd.OverflowCallback, acd.OverflowHangup} {
		c.Actions = append(c.Actions, opt{Value: string(x), Label: h.ui.T(r, "tel.overflow."+overflowKey(x))})
	}
	var err error
	if _, c.Departments, err = h.deptNames(ctx); err != nil {
		return c, err
	}
	qs, err := h.Queues.List(ctx)
	if err != nil {
		return c, err
	}
	for _, q := range qs {
		if q.ID != self {
			c.Queues = append(c.Queues, opt{Value: itoa(q.ID), Label: q.Name})
		}
	}
	fs, err := h.Flows.List(ctx)
	if err != nil {
		return c, err
	}
	for _, f := range fs {
		c.Flows = append(c.Flows, opt{Value: f.Name, Label: f.Name})
	}
	ps, err := h.Prompts.List(ctx)
	if err != nil {
		return c, err
	}
	for _, p := range ps {
		c.Prompts = append(c.Prompts, opt{Value: p.Name, Label: p.Name})
	}
	return c, nil
}

func overflowKey(a acd.OverflowAction) string {
	if a == acd.OverflowNone {
		return "none"
	}
	return string(a)
}

func languageOptions() []opt {
	return []opt{{Value: "zh-CN", Label: "简体中文 zh-CN"}, {Value: "en", Label: "English en"}}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// queueForm renders the editor; for a stored queue also its members.
func (h *handlers) queueForm(w http.ResponseWriter, r *http.Request, a *org.Actor, q *queues.Queue, f *web.Form,
	skills, widening int, status int) error {
	return h.queuePage(w, r, a, queueFormView{Queue: q, Form: f, SkillRows: seq(skills), WideningRows: seq(widening)}, status)
}

func (h *handlers) queuePage(w http.ResponseWriter, r *http.Request, a *org.Actor, v queueFormView, status int) error {
	var self int64
	if v.Queue != nil {
		self = v.Queue.ID
	}
	var err error
	if v.Choices, err = h.queueChoices(r, self); err != nil {
		return err
	}
	if v.Queue != nil {
		if err := h.memberView(r, a, &v); err != nil {
			return err
		}
		routes, err := h.routedTo(r.Context(), pbx.RouteQueue)
		if err != nil {
			return err
		}
		v.Numbers = routes[v.Queue.Name]
	}
	h.ui.RenderStatus(w, r, status, "tel_queue", v)
	return nil
}

func (h *handlers) queueByID(r *http.Request) (*queues.Queue, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Queues.Queue(r.Context(), id)
}

func (h *handlers) queueShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q, err := h.queueByID(r)
	if err != nil {
		return err
	}
	f := h.ui.NewForm(r, queueFields...)
	s, wd := queueValues(f, q)
	return h.queueForm(w, r, a, q, f, s, wd, http.StatusOK)
}

// queueSave parses the editor over base and saves it.
func (h *handlers) queueSave(r *http.Request, a *org.Actor, f *web.Form, base queues.Queue) (*queues.Queue, *queueForm, int, error) {
	p := h.parseQueue(r, f, base)
	var saved *queues.Queue
	status, err := h.save(r, f, queueInputs(p.skills, p.widening), func() (err error) {
		saved, err = h.Queues.Save(r.Context(), a, p.Q)
		return p.formError(err)
	})
	return saved, p, status, err
}

func (h *handlers) queueCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := h.ui.ParseForm(r, queueFields...)
	q, p, status, err := h.queueSave(r, a, f, queues.Queue{})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.queueForm(w, r, a, nil, f, p.skills, p.widening, status)
	}
	h.back(w, r, Base+"/queues/"+itoa(q.ID), "tel.flash.queue_created", q.Name)
	return nil
}

func (h *handlers) queueUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	before, err := h.queueByID(r)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r, queueFields...)
	if name := f.Get("name"); name != before.Name {
		// Numbers and flows name the queue: renaming it would strand them.
		uses, err := h.queueUsers(r, before, true)
		if err != nil {
			return err
		}
		if len(uses) > 0 {
			h.invalid(r, f, "name", "tel.err.rename_used", before.Name, strings.Join(uses, ", "))
		}
	}
	q, p, status, err := h.queueSave(r, a, f, *before)
	if err != nil {
		return err
	}
	if status != 0 {
		return h.queueForm(w, r, a, before, f, p.skills, p.widening, status)
	}
	h.back(w, r, Base+"/queues/"+itoa(q.ID), "tel.flash.queue_saved", q.Name)
	return nil
}

// queueUsers lists what would break if the queue went: numbers routed to
// it, flows transferring to it (both by name) and, unless byName, queues
// overflowing into it (by ID, so a rename does not break them).
func (h *handlers) queueUsers(r *http.Request, q *queues.Queue, byName bool) ([]string, error) {
	ctx := r.Context()
	var uses []string
	ns, err := h.PBX.Numbers(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		if n.RouteKind == pbx.RouteQueue && n.RouteTarget == q.Name {
			uses = append(uses, n.Number)
		}
	}
	qs, err := h.Queues.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range qs {
		if !byName && o.Overflow.Action == acd.OverflowQueue && o.Overflow.QueueID == q.ID && o.ID != q.ID {
			uses = append(uses, h.ui.T(r, "tel.queue.named", o.Name))
		}
	}
	fs, err := h.Flows.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		for _, n := range f.Nodes {
			if n != nil && n.Type == ivr.TypeTransfer && n.TargetKind == ivr.TargetQueue && n.Target == q.Name {
				uses = append(uses, "IVR "+f.Name)
				break
			}
		}
	}
	return uses, nil
}

func (h *handlers) queueDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q, err := h.queueByID(r)
	if err != nil {
		return err
	}
	uses, err := h.queueUsers(r, q, false)
	if err != nil {
		return err
	}
	refused := ""
	if len(uses) > 0 {
		refused = h.ui.T(r, "tel.queue.delete_refused", q.Name, strings.Join(uses, ", "))
	} else if err := h.Queues.Delete(r.Context(), a, q.ID); err != nil {
		f := h.ui.NewForm(r, queueFields...)
		if h.fail(r, f, inputs{}, err) == 0 {
			return err
		}
		refused = f.Error
	}
	if refused != "" {
		f := h.ui.NewForm(r, queueFields...)
		s, wd := queueValues(f, q)
		return h.queuePage(w, r, a, queueFormView{Queue: q, Form: f, SkillRows: seq(s), WideningRows: seq(wd),
			Refused: refused}, http.StatusConflict)
	}
	h.back(w, r, Base+"/queues", "tel.flash.queue_deleted", q.Name)
	return nil
}
