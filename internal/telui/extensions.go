package telui

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/web"
)

var extInputs = newInputs("number", "display_name", "password", "enabled")

// extRow is an extension in the list: who uses it and what routes to it.
type extRow struct {
	pbx.Extension
	Agent   string   // display name of the user with this extension
	Numbers []string // inbound numbers routed to it
}

type extListView struct{ Rows []extRow }

type extFormView struct {
	Ext     *pbx.Extension // nil for a new one
	Agent   string
	Numbers []string
	Form    *web.Form
	Delete  string // why the last delete was refused
}

func (h *handlers) extensionRoutes(mux *http.ServeMux) {
	p := Base + "/extensions"
	h.handle(mux, "GET "+p, telView, h.extList)
	h.handle(mux, "GET "+p+"/new", telManage, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		f := h.ui.NewForm(r, extInputs.list()...)
		f.Set("enabled", "1")
		return h.extForm(w, r, nil, f, "", http.StatusOK)
	})
	h.handle(mux, "POST "+p, telManage, h.extCreate)
	h.handle(mux, "GET "+p+"/{id}", telView, h.extShow)
	h.handle(mux, "POST "+p+"/{id}", telManage, h.extUpdate)
	h.handle(mux, "POST "+p+"/{id}/delete", telManage, h.extDelete)
}

// routedTo maps a route target of kind to the numbers routed to it.
func (h *handlers) routedTo(ctx context.Context, kind pbx.RouteKind) (map[string][]string, error) {
	ns, err := h.PBX.Numbers(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, n := range ns {
		if n.RouteKind == kind {
			out[n.RouteTarget] = append(out[n.RouteTarget], n.Number)
		}
	}
	return out, nil
}

// agentsByExtension maps extension numbers to the display names of the
// users who have them.
func (h *handlers) agentsByExtension(ctx context.Context) (map[string]string, error) {
	us, err := h.allUsers(ctx, org.System(), org.UserQuery{})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, u := range us {
		if u.Extension != "" {
			out[u.Extension] = u.DisplayName
		}
	}
	return out, nil
}

func (h *handlers) extList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	exts, err := h.PBX.Extensions(r.Context())
	if err != nil {
		return err
	}
	routes, err := h.routedTo(r.Context(), pbx.RouteExtension)
	if err != nil {
		return err
	}
	agents, err := h.agentsByExtension(r.Context())
	if err != nil {
		return err
	}
	var v extListView
	for _, e := range exts {
		v.Rows = append(v.Rows, extRow{Extension: e, Agent: agents[e.Number], Numbers: routes[e.Number]})
	}
	h.ui.Render(w, r, "tel_extensions", v)
	return nil
}

func (h *handlers) extForm(w http.ResponseWriter, r *http.Request, e *pbx.Extension, f *web.Form, refused string, status int) error {
	v := extFormView{Ext: e, Form: f, Delete: refused}
	if e != nil {
		routes, err := h.routedTo(r.Context(), pbx.RouteExtension)
		if err != nil {
			return err
		}
		agents, err := h.agentsByExtension(r.Context())
		if err != nil {
			return err
		}
		v.Numbers, v.Agent = routes[e.Number], agents[e.Number]
	}
	f.Set("password", "") // never echo a password back into the page
	h.ui.RenderStatus(w, r, status, "tel_extension", v)
	return nil
}

func extValues(f *web.Form, e *pbx.Extension) {
	f.Set("number", e.Number)
	f.Set("display_name", e.DisplayName)
	f.Set("enabled", boolValue(e.Enabled))
}

func (h *handlers) extByID(r *http.Request) (*pbx.Extension, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.PBX.Extension(r.Context(), id)
}

func (h *handlers) extShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	e, err := h.extByID(r)
	if err != nil {
		return err
	}
	f := h.ui.NewForm(r, extInputs.list()...)
	extValues(f, e)
	return h.extForm(w, r, e, f, "", http.StatusOK)
}

func (h *handlers) extCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := h.ui.ParseForm(r, extInputs.list()...)
	enabled := checked(f, "enabled")
	in := pbx.ExtensionInput{Number: f.Get("number"), DisplayName: f.Get("display_name"),
		Password: f.Values.Get("password"), Enabled: &enabled}
	var e *pbx.Extension
	status, err := h.save(r, f, extInputs, func() (err error) {
		e, err = h.PBX.CreateExtension(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.extForm(w, r, nil, f, "", status)
	}
	h.back(w, r, Base+"/extensions", "tel.flash.ext_created", e.Number)
	return nil
}

func (h *handlers) extUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	e, err := h.extByID(r)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r, extInputs.list()...)
	f.Set("number", e.Number) // the number is fixed: its SIP credentials hash it
	enabled := checked(f, "enabled")
	in := pbx.ExtensionInput{Number: e.Number, DisplayName: f.Get("display_name"),
		Password: f.Values.Get("password"), Enabled: &enabled}
	status, err := h.save(r, f, extInputs, func() error {
		_, err := h.PBX.UpdateExtension(r.Context(), a, e.ID, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.extForm(w, r, e, f, "", status)
	}
	h.back(w, r, Base+"/extensions/"+itoa(e.ID), "tel.flash.ext_saved", e.Number)
	return nil
}

// extDelete removes an extension; while numbers route to it the page says
// which ones, so the operator knows what to change first.
func (h *handlers) extDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	e, err := h.extByID(r)
	if err != nil {
		return err
	}
	routes, err := h.routedTo(r.Context(), pbx.RouteExtension)
	if err != nil {
		return err
	}
	refused := ""
	if ns := routes[e.Number]; len(ns) > 0 {
		sort.Strings(ns)
		refused = h.ui.T(r, "tel.ext.delete_refused", e.Number, strings.Join(ns, ", "))
	} else if err := h.PBX.DeleteExtension(r.Context(), a, e.ID); err != nil {
		if apperr.KindOf(err) != apperr.KindConflict {
			return err
		}
		refused = h.errText(r, err)
	}
	if refused != "" {
		f := h.ui.NewForm(r, extInputs.list()...)
		extValues(f, e)
		return h.extForm(w, r, e, f, refused, http.StatusConflict)
	}
	h.back(w, r, Base+"/extensions", "tel.flash.ext_deleted", e.Number)
	return nil
}
