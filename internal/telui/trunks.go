package telui

import (
	"net/http"
	"strings"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/web"
)

var trunkInputs = newInputs("name", "host", "transport", "trusted_sources", "register", "username", "password",
	"caller_id", "dial_prefix", "enabled")

type trunkListView struct{ Rows []pbx.Trunk }

type trunkFormView struct {
	Trunk       *pbx.Trunk // nil for a new one
	HasPassword bool       // a password is stored (it is never shown)
	Form        *web.Form
	Transports  []opt
}

func (h *handlers) trunkRoutes(mux *http.ServeMux) {
	p := Base + "/trunks"
	h.handle(mux, "GET "+p, telView, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		ts, err := h.PBX.Trunks(r.Context())
		if err != nil {
			return err
		}
		h.ui.Render(w, r, "tel_trunks", trunkListView{Rows: ts})
		return nil
	})
	h.handle(mux, "GET "+p+"/new", telManage, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		f := h.ui.NewForm(r, trunkInputs.list()...)
		f.Set("transport", "udp")
		f.Set("enabled", "1")
		return h.trunkForm(w, r, nil, f, http.StatusOK)
	})
	h.handle(mux, "POST "+p, telManage, h.trunkCreate)
	h.handle(mux, "GET "+p+"/{id}", telView, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		t, err := h.trunkByID(r)
		if err != nil {
			return err
		}
		f := h.ui.NewForm(r, trunkInputs.list()...)
		trunkValues(f, t)
		return h.trunkForm(w, r, t, f, http.StatusOK)
	})
	h.handle(mux, "POST "+p+"/{id}", telManage, h.trunkUpdate)
	h.handle(mux, "POST "+p+"/{id}/delete", telManage, h.trunkDelete)
}

func (h *handlers) trunkByID(r *http.Request) (*pbx.Trunk, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.PBX.Trunk(r.Context(), id)
}

func (h *handlers) trunkForm(w http.ResponseWriter, r *http.Request, t *pbx.Trunk, f *web.Form, status int) error {
	f.Set("password", "") // the stored password never reaches the browser
	v := trunkFormView{Trunk: t, Form: f, HasPassword: t != nil && t.Password() != "",
		Transports: []opt{{Value: "udp", Label: "UDP"}, {Value: "tcp", Label: "TCP"}, {Value: "tls", Label: "TLS"}}}
	h.ui.RenderStatus(w, r, status, "tel_trunk", v)
	return nil
}

func trunkValues(f *web.Form, t *pbx.Trunk) {
	set := map[string]string{"name": t.Name, "host": t.Host, "transport": t.Transport,
		"trusted_sources": strings.Join(t.TrustedSources, "\n"), "register": boolValue(t.Register),
		"username": t.Username, "caller_id": t.CallerID, "dial_prefix": t.DialPrefix, "enabled": boolValue(t.Enabled)}
	for k, v := range set {
		f.Set(k, v)
	}
}

func trunkInput(f *web.Form) pbx.TrunkInput {
	enabled := checked(f, "enabled")
	return pbx.TrunkInput{Name: f.Get("name"), Host: f.Get("host"), Transport: f.Get("transport"),
		TrustedSources: lines(f.Values.Get("trusted_sources")), Register: checked(f, "register"),
		Username: f.Get("username"), Password: f.Values.Get("password"), CallerID: f.Get("caller_id"),
		DialPrefix: f.Get("dial_prefix"), Enabled: &enabled}
}

func (h *handlers) trunkCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := h.ui.ParseForm(r, trunkInputs.list()...)
	var t *pbx.Trunk
	status, err := h.save(r, f, trunkInputs, func() (err error) {
		t, err = h.PBX.CreateTrunk(r.Context(), a, trunkInput(f))
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.trunkForm(w, r, nil, f, status)
	}
	h.back(w, r, Base+"/trunks/"+itoa(t.ID), "tel.flash.trunk_created", t.Name)
	return nil
}

func (h *handlers) trunkUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	t, err := h.trunkByID(r)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r, trunkInputs.list()...)
	status, err := h.save(r, f, trunkInputs, func() error {
		_, err := h.PBX.UpdateTrunk(r.Context(), a, t.ID, trunkInput(f))
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.trunkForm(w, r, t, f, status)
	}
	h.back(w, r, Base+"/trunks/"+itoa(t.ID), "tel.flash.trunk_saved", f.Get("name"))
	return nil
}

func (h *handlers) trunkDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	t, err := h.trunkByID(r)
	if err != nil {
		return err
	}
	if err := h.PBX.DeleteTrunk(r.Context(), a, t.ID); err != nil {
		f := h.ui.NewForm(r, trunkInputs.list()...)
		trunkValues(f, t)
		if s := h.fail(r, f, inputs{}, err); s != 0 {
			return h.trunkForm(w, r, t, f, s)
		}
		return err
	}
	h.back(w, r, Base+"/trunks", "tel.flash.trunk_deleted", t.Name)
	return nil
}
