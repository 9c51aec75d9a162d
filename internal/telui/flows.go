package telui

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/web"
)

type flowRow struct {
	ivr.StoredFlow
	Nodes   int
	Numbers []string
}

type flowListView struct{ Rows []flowRow }

// issueView is an issue as the editor lists it.
type issueView struct {
	Line, Col int
	Path      string
	Text      string
}

// flowEditView is the flow editor.
type flowEditView struct {
	Flow      *ivr.StoredFlow // nil for a new flow
	Text      string
	Format    string // yaml or json: how the stored flow is shown
	Version   int64
	Rows      int // textarea height
	Errors    []issueView
	Warnings  []issueView
	Outline   []outlineNode
	Checked   bool            // "check" found no errors
	Conflict  *ivr.StoredFlow // the version saved meanwhile by someone else
	Current   string          // its text
	Numbers   []string
	Refused   string
	ReadOnly  bool
	FormError string
}

func (h *handlers) flowRoutes(mux *http.ServeMux) {
	p := Base + "/flows"
	h.handle(mux, "GET "+p, telView, h.flowList)
	h.handle(mux, "GET "+p+"/new", telManage, h.flowNew)
	h.handle(mux, "POST "+p, telManage, h.flowCreate)
	h.handle(mux, "GET "+p+"/{id}", telView, h.flowShow)
	h.handle(mux, "POST "+p+"/{id}", telManage, h.flowUpdate)
	h.handle(mux, "POST "+p+"/{id}/delete", telManage, h.flowDelete)
}

func (h *handlers) flowList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	fs, err := h.Flows.List(r.Context())
	if err != nil {
		return err
	}
	routes, err := h.routedTo(r.Context(), pbx.RouteIVR)
	if err != nil {
		return err
	}
	var v flowListView
	for _, f := range fs {
		v.Rows = append(v.Rows, flowRow{StoredFlow: f, Nodes: len(f.Nodes), Numbers: routes[f.Name]})
	}
	h.ui.Render(w, r, "tel_flows", v)
	return nil
}

// flowTargets lists the flows, queues and extensions a flow may name.
func (h *handlers) flowTargets(ctx context.Context) (targets, error) {
	tg := targets{flows: map[string]string{}, queues: map[string]string{}, exts: map[string]string{}}
	fs, err := h.Flows.List(ctx)
	if err != nil {
		return tg, err
	}
	for _, f := range fs {
		tg.flows[f.Name] = Base + "/flows/" + itoa(f.ID)
	}
	qs, err := h.Queues.List(ctx)
	if err != nil {
		return tg, err
	}
	for _, q := range qs {
		tg.queues[q.Name] = Base + "/queues/" + itoa(q.ID)
	}
	es, err := h.PBX.Extensions(ctx)
	if err != nil {
		return tg, err
	}
	for _, e := range es {
		tg.exts[e.Number] = Base + "/extensions/" + itoa(e.ID)
	}
	return tg, nil
}

// newFlowText is the skeleton a new flow starts from.
func newFlowText() string {
	f := &ivr.Flow{Name: "new_flow", Start: "welcome", Nodes: map[string]*ivr.Node{
		"welcome": {Type: ivr.TypePlay, Prompt: ivr.Prompts{{Text: "欢迎致电。", Lang: "zh-CN"}, {Text: "Welcome.", Lang: "en"}}, Next: "bye"},
		"bye":     {Type: ivr.TypeHangup},
	}}
	s, _ := flowYAML(f)
	return s
}

func (h *handlers) flowNew(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return h.flowPage(w, r, flowEditView{Text: newFlowText(), Format: "yaml"}, nil, http.StatusOK)
}

func (h *handlers) flowByID(r *http.Request) (*ivr.StoredFlow, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Flows.Get(r.Context(), id)
}

// storedText is a stored flow as YAML, or JSON when asked.
func storedText(f *ivr.Flow, format string) (string, error) {
	if format == "json" {
		return flowJSON(f)
	}
	return flowYAML(f)
}

func (h *handlers) flowShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	sf, err := h.flowByID(r)
	if err != nil {
		return err
	}
	format := "yaml"
	if r.URL.Query().Get("format") == "json" {
		format = "json"
	}
	text, err := storedText(&sf.Flow, format)
	if err != nil {
		return err
	}
	v := flowEditView{Flow: sf, Text: text, Format: format, Version: sf.Version}
	return h.flowPage(w, r, v, nil, http.StatusOK)
}

// flowPage renders the editor. c is the check of the text shown; nil
// checks it here.
func (h *handlers) flowPage(w http.ResponseWriter, r *http.Request, v flowEditView, c *flowCheck, status int) error {
	tg, err := h.flowTargets(r.Context())
	if err != nil {
		return err
	}
	if c == nil {
		c = parseFlowText(v.Text)
	}
	if c.Flow != nil {
		targetWarnings(c, tg)
		v.Outline = outline(c.Flow, func(k string, args ...any) string { return h.ui.T(r, k, args...) }, tg)
	}
	for _, is := range c.Errors {
		v.Errors = append(v.Errors, h.issueView(r, is))
	}
	for _, is := range c.Warnings {
		v.Warnings = append(v.Warnings, h.issueView(r, is))
	}
	if v.Flow != nil {
		if v.Numbers, err = h.flowNumbers(r.Context(), v.Flow.Name); err != nil {
			return err
		}
	}
	v.ReadOnly = !web.Actor(r).Can(telManage)
	v.Rows = min(max(strings.Count(v.Text, "\n")+3, 18), 48)
	h.ui.RenderStatus(w, r, status, "tel_flow", v)
	return nil
}

func (h *handlers) issueView(r *http.Request, is issue) issueView {
	text := is.Msg
	if is.Key != "" {
		text = h.ui.T(r, is.Key, is.Args...)
	}
	return issueView{Line: is.Line, Col: is.Col, Path: is.Path, Text: text}
}

func (h *handlers) flowNumbers(ctx context.Context, name string) ([]string, error) {
	routes, err := h.routedTo(ctx, pbx.RouteIVR)
	if err != nil {
		return nil, err
	}
	return routes[name], nil
}

// flowPost is what an editor POST carries.
type flowPost struct {
	text    string
	format  string
	version int64
	check   bool // only check, do not save
}

func (h *handlers) readFlowPost(r *http.Request) flowPost {
	f := h.ui.ParseForm(r)
	p := flowPost{text: normalizeText(f.Values.Get("definition")), format: f.Get("format"), check: f.Get("action") == "check"}
	if p.format != "json" {
		p.format = "yaml"
	}
	p.version, _ = strconv.ParseInt(f.Get("version"), 10, 64)
	return p
}

// storeFailure turns a refused save into issues on the editor. It returns
// the status to render with, or 0 when err is not the user's to fix.
func (h *handlers) storeFailure(r *http.Request, c *flowCheck, err error) int {
	var ve *ivr.ValidationError
	if errors.As(err, &ve) { // references to flows or prompts that do not exist
		for _, is := range ve.Issues {
			c.Errors = append(c.Errors, c.at(is.Path, issue{Path: is.Path, Msg: is.Message}))
		}
		return http.StatusUnprocessableEntity
	}
	e := apperr.As(err)
	if e == nil {
		return 0
	}
	status := statusOf(e)
	if status == 0 {
		return 0
	}
	is := issue{Msg: h.errText(r, err)}
	if e.Field != "" && e.Field != "yaml" {
		is = c.at(e.Field, issue{Path: e.Field, Msg: is.Msg})
	}
	c.Errors = append(c.Errors, is)
	return status
}

func (h *handlers) recordFlow(r *http.Request, a *org.Actor, action string, id int64, before, after any) error {
	return audit.Record(r.Context(), h.DB, audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}, action, "ivr_flows", id, "", before, after)
}

func (h *handlers) flowCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	p := h.readFlowPost(r)
	v := flowEditView{Text: p.text, Format: p.format}
	c := parseFlowText(p.text)
	if c.Flow == nil || p.check {
		v.Checked = c.Flow != nil
		return h.flowPage(w, r, v, c, checkStatus(c))
	}
	sf, err := h.Flows.Create(r.Context(), c.Flow, a.Username)
	if err != nil {
		if s := h.storeFailure(r, c, err); s != 0 {
			return h.flowPage(w, r, v, c, s)
		}
		return err
	}
	if err := h.recordFlow(r, a, "create", sf.ID, nil, sf); err != nil {
		return err
	}
	h.back(w, r, Base+"/flows/"+itoa(sf.ID), "tel.flash.flow_created", sf.Name)
	return nil
}

func checkStatus(c *flowCheck) int {
	if c.Flow == nil {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

func (h *handlers) flowUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	before, err := h.flowByID(r)
	if err != nil {
		return err
	}
	p := h.readFlowPost(r)
	v := flowEditView{Flow: before, Text: p.text, Format: p.format, Version: p.version}
	c := parseFlowText(p.text)
	if c.Flow == nil || p.check {
		v.Checked = c.Flow != nil
		return h.flowPage(w, r, v, c, checkStatus(c))
	}
	if c.Flow.Name != before.Name {
		// Numbers and queue overflows name the flow: a rename would strand them.
		uses, err := h.flowUsers(r, before.Name)
		if err != nil {
			return err
		}
		if len(uses) > 0 {
			c.Errors = append(c.Errors, c.at("name", issue{Path: "name", Key: "tel.err.rename_used",
				Args: []any{before.Name, strings.Join(uses, ", ")}}))
			return h.flowPage(w, r, v, c, http.StatusConflict)
		}
	}
	sf, err := h.Flows.Update(r.Context(), before.ID, p.version, c.Flow, a.Username)
	if apperr.As(err) != nil && apperr.As(err).Code == "version_conflict" {
		return h.flowConflict(w, r, v, c)
	}
	if err != nil {
		if s := h.storeFailure(r, c, err); s != 0 {
			return h.flowPage(w, r, v, c, s)
		}
		return err
	}
	if err := h.recordFlow(r, a, "update", sf.ID, before, sf); err != nil {
		return err
	}
	h.back(w, r, Base+"/flows/"+itoa(sf.ID), "tel.flash.flow_saved", sf.Name)
	return nil
}

// flowConflict shows that someone saved the flow meanwhile: the user's
// text stays in the editor, the saved version is shown beside it, and the
// form now carries the saved version, so saving again is a deliberate
// overwrite.
func (h *handlers) flowConflict(w http.ResponseWriter, r *http.Request, v flowEditView, c *flowCheck) error {
	cur, err := h.Flows.Get(r.Context(), v.Flow.ID)
	if err != nil {
		return err
	}
	if v.Current, err = storedText(&cur.Flow, v.Format); err != nil {
		return err
	}
	v.Conflict, v.Flow, v.Version = cur, cur, cur.Version
	return h.flowPage(w, r, v, c, http.StatusConflict)
}

// flowUsers lists what routes calls into a flow from outside the IVR:
// inbound numbers and queue overflows (goto_flow is checked by the store).
func (h *handlers) flowUsers(r *http.Request, name string) ([]string, error) {
	ctx := r.Context()
	uses, err := h.flowNumbers(ctx, name)
	if err != nil {
		return nil, err
	}
	qs, err := h.Queues.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if q.Overflow.Action == acd.OverflowIVR && q.Overflow.Target == name {
			uses = append(uses, h.ui.T(r, "tel.queue.named", q.Name))
		}
	}
	return uses, nil
}

func (h *handlers) flowDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	sf, err := h.flowByID(r)
	if err != nil {
		return err
	}
	uses, err := h.flowUsers(r, sf.Name)
	if err != nil {
		return err
	}
	refused := ""
	if len(uses) > 0 {
		refused = h.ui.T(r, "tel.flow.delete_refused", sf.Name, strings.Join(uses, ", "))
	} else if err := h.Flows.Delete(r.Context(), sf.ID); err != nil {
		if apperr.KindOf(err) != apperr.KindConflict {
			return err
		}
		refused = h.errText(r, err)
	} else {
		if err := h.recordFlow(r, a, "delete", sf.ID, sf, nil); err != nil {
			return err
		}
		h.back(w, r, Base+"/flows", "tel.flash.flow_deleted", sf.Name)
		return nil
	}
	text, err := flowYAML(&sf.Flow)
	if err != nil {
		return err
	}
	v := flowEditView{Flow: sf, Text: text, Format: "yaml", Version: sf.Version, Refused: refused}
	return h.flowPage(w, r, v, nil, http.StatusConflict)
}
