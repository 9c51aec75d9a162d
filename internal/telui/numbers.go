package telui

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/web"
)

var numberInputs = newInputs("number", "description", "route_kind", "target_ivr", "target_queue",
	"target_extension", "priority", "enabled")

// targetInput is the select holding the target of each route kind.
var targetInput = map[pbx.RouteKind]string{
	pbx.RouteIVR: "target_ivr", pbx.RouteQueue: "target_queue", pbx.RouteExtension: "target_extension",
}

type numberRow struct {
	pbx.Number
	TargetURL string // link to the flow, queue or extension; "" when it no longer exists
}

type numberListView struct{ Rows []numberRow }

type numberFormView struct {
	Number     *pbx.Number // nil for a new one
	Form       *web.Form
	Kinds      []opt
	Flows      []opt
	Queues     []opt
	Extensions []opt
	Priorities []opt
}

func (h *handlers) numberRoutes(mux *http.ServeMux) {
	p := Base + "/numbers"
	h.handle(mux, "GET "+p, telView, h.numberList)
	h.handle(mux, "GET "+p+"/new", telManage, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		f := h.ui.NewForm(r, numberInputs.list()...)
		f.Set("route_kind", string(pbx.RouteIVR))
		f.Set("priority", "0")
		f.Set("enabled", "1")
		return h.numberForm(w, r, nil, f, http.StatusOK)
	})
	h.handle(mux, "POST "+p, telManage, h.numberCreate)
	h.handle(mux, "GET "+p+"/{id}", telView, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		n, err := h.numberByID(r)
		if err != nil {
			return err
		}
		f := h.ui.NewForm(r, numberInputs.list()...)
		numberValues(f, n)
		return h.numberForm(w, r, n, f, http.StatusOK)
	})
	h.handle(mux, "POST "+p+"/{id}", telManage, h.numberUpdate)
	h.handle(mux, "POST "+p+"/{id}/delete", telManage, h.numberDelete)
}

func (h *handlers) numberByID(r *http.Request) (*pbx.Number, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.PBX.Number(r.Context(), id)
}

func (h *handlers) numberList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ns, err := h.PBX.Numbers(r.Context())
	if err != nil {
		return err
	}
	links, err := h.targetLinks(r)
	if err != nil {
		return err
	}
	var v numberListView
	for _, n := range ns {
		v.Rows = append(v.Rows, numberRow{Number: n, TargetURL: links[string(n.RouteKind)+":"+n.RouteTarget]})
	}
	h.ui.Render(w, r, "tel_numbers", v)
	return nil
}

// targetLinks maps "kind:target" to the page of each possible route target.
func (h *handlers) targetLinks(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	fs, err := h.Flows.List(r.Context())
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		out["ivr:"+f.Name] = Base + "/flows/" + itoa(f.ID)
	}
	qs, err := h.Queues.List(r.Context())
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		out["queue:"+q.Name] = Base + "/queues/" + itoa(q.ID)
	}
	es, err := h.PBX.Extensions(r.Context())
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		out["extension:"+e.Number] = Base + "/extensions/" + itoa(e.ID)
	}
	return out, nil
}

func (h *handlers) numberForm(w http.ResponseWriter, r *http.Request, n *pbx.Number, f *web.Form, status int) error {
	v := numberFormView{Number: n, Form: f, Kinds: []opt{
		{Value: string(pbx.RouteIVR), Label: h.ui.T(r, "tel.route.ivr")},
		{Value: string(pbx.RouteQueue), Label: h.ui.T(r, "tel.route.queue")},
		{Value: string(pbx.RouteExtension), Label: h.ui.T(r, "tel.route.extension")},
	}}
	for i := 0; i <= 9; i++ {
		v.Priorities = append(v.Priorities, opt{Value: itoa(int64(i)), Label: h.ui.T(r, "tel.number.priority_n", i)})
	}
	fs, err := h.Flows.List(r.Context())
	if err != nil {
		return err
	}
	for _, x := range fs {
		v.Flows = append(v.Flows, opt{Value: x.Name, Label: x.Name})
	}
	qs, err := h.Queues.List(r.Context())
	if err != nil {
		return err
	}
	for _, x := range qs {
		v.Queues = append(v.Queues, opt{Value: x.Name, Label: x.Name})
	}
	es, err := h.PBX.Extensions(r.Context())
	if err != nil {
		return err
	}
	for _, x := range es {
		label := x.Number
		if x.DisplayName != "" {
			label += " · " + x.DisplayName
		}
		v.Extensions = append(v.Extensions, opt{Value: x.Number, Label: label})
	}
	h.ui.RenderStatus(w, r, status, "tel_number", v)
	return nil
}

func numberValues(f *web.Form, n *pbx.Number) {
	f.Set("number", n.Number)
	f.Set("description", n.Description)
	f.Set("route_kind", string(n.RouteKind))
	if in := targetInput[n.RouteKind]; in != "" {
		f.Set(in, n.RouteTarget)
	}
	f.Set("priority", itoa(int64(n.Priority)))
	f.Set("enabled", boolValue(n.Enabled))
}

// numberInput reads the form; the target comes from the select of the
// chosen route kind, and its errors go back there.
func (h *handlers) numberInput(r *http.Request, f *web.Form) pbx.NumberInput {
	kind := pbx.RouteKind(f.Get("route_kind"))
	enabled := checked(f, "enabled")
	in := pbx.NumberInput{Number: f.Get("number"), Description: f.Get("description"), RouteKind: kind,
		Priority: h.intField(r, f, "priority", 0), Enabled: &enabled}
	if name := targetInput[kind]; name != "" {
		in.RouteTarget = f.Get(name)
	}
	return in
}

func (h *handlers) numberSave(r *http.Request, f *web.Form, fn func(pbx.NumberInput) error) (int, error) {
	in := h.numberInput(r, f)
	return h.save(r, f, numberInputs, func() error {
		err := fn(in)
		if name := targetInput[in.RouteKind]; name != "" {
			err = rename(err, "route_target", name)
		}
		return err
	})
}

func (h *handlers) numberCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := h.ui.ParseForm(r, numberInputs.list()...)
	var n *pbx.Number
	status, err := h.numberSave(r, f, func(in pbx.NumberInput) (err error) {
		n, err = h.PBX.CreateNumber(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.numberForm(w, r, nil, f, status)
	}
	h.back(w, r, Base+"/numbers", "tel.flash.number_created", n.Number)
	return nil
}

func (h *handlers) numberUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	n, err := h.numberByID(r)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r, numberInputs.list()...)
	status, err := h.numberSave(r, f, func(in pbx.NumberInput) error {
		_, err := h.PBX.UpdateNumber(r.Context(), a, n.ID, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.numberForm(w, r, n, f, status)
	}
	h.back(w, r, Base+"/numbers", "tel.flash.number_saved", f.Get("number"))
	return nil
}

func (h *handlers) numberDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	n, err := h.numberByID(r)
	if err != nil {
		return err
	}
	if err := h.PBX.DeleteNumber(r.Context(), a, n.ID); err != nil {
		return err
	}
	h.back(w, r, Base+"/numbers", "tel.flash.number_deleted", n.Number)
	return nil
}
