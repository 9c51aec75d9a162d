package deskui

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// dncView is the do-not-call list (拒绝再打) with the form to add a number.
type dncView struct {
	Rows []dialer.DNCEntry
	Form *web.Form
}

func (h *handlers) dncRoutes(mux *http.ServeMux) {
	p := Base + "/campaigns/dnc"
	h.page(mux, "GET "+p, campaignsView, h.dncList)
	h.page(mux, "POST "+p, campaignsManage, h.dncAdd)
	h.page(mux, "POST "+p+"/remove", campaignsManage, h.dncRemove)
}

func (h *handlers) dncPage(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	rows, err := h.Dialer.DNC(r.Context())
	if err != nil {
		return err
	}
	h.ui.RenderStatus(w, r, status, "desk_dnc", dncView{Rows: rows, Form: f})
	return nil
}

func (h *handlers) dncList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return h.dncPage(w, r, h.ui.NewForm(r, "phone", "reason"), http.StatusOK)
}

func (h *handlers) dncAdd(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := h.ui.ParseForm(r, "phone", "reason")
	var e *dialer.DNCEntry
	status, err := h.save(r, f, func(field string) string {
		if field == "phone" || field == "reason" {
			return field
		}
		return ""
	}, func() error {
		var err error
		e, err = h.Dialer.AddDNC(r.Context(), a, f.Get("phone"), f.Get("reason"))
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.dncPage(w, r, f, status)
	}
	h.ui.Flash(w, web.FlashOK, "desk.flash.dnc_added", e.Phone)
	web.Redirect(w, r, Base+"/campaigns/dnc")
	return nil
}

func (h *handlers) dncRemove(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := h.ui.ParseForm(r)
	phone := f.Get("phone")
	if err := h.Dialer.RemoveDNC(r.Context(), a, phone); err != nil {
		if !userFixable(err) && apperr.KindOf(err) != apperr.KindNotFound {
			return err
		}
		h.ui.Flash(w, web.FlashError, "desk.flash.refused", h.errText(r, err))
	} else {
		h.ui.Flash(w, web.FlashOK, "desk.flash.dnc_removed", phone)
	}
	web.Redirect(w, r, Base+"/campaigns/dnc")
	return nil
}
