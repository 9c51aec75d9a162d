package deskui

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/web"
)

// invalid records a catalog message on an input (the first one stays).
func (h *handlers) invalid(r *http.Request, f *web.Form, name, key string, args ...any) {
	if _, dup := f.Errors[name]; !dup {
		f.Errors[name] = h.ui.T(r, key, args...)
	}
}

// save runs fn unless the form has errors already, and puts a refusal on
// its input (or the whole form) in the page's language. It returns the
// status to re-render the form with, or the error when it is not the
// user's to fix.
func (h *handlers) save(r *http.Request, f *web.Form, fieldOf func(string) string, fn func() error) (int, error) {
	if !f.OK() {
		return http.StatusUnprocessableEntity, nil
	}
	err := fn()
	if err == nil {
		return 0, nil
	}
	e := apperr.As(err)
	if e == nil {
		return 0, err
	}
	status := http.StatusUnprocessableEntity
	switch {
	case e.Kind == apperr.KindInvalid, e.Code == "duplicate":
	case e.Kind == apperr.KindConflict:
		status = http.StatusConflict
	case e.Kind == apperr.KindForbidden:
		status = http.StatusForbidden
	default:
		return 0, err
	}
	msg := h.errText(r, err)
	if n := fieldOf(e.Field); n != "" {
		f.Errors[n] = msg
	} else {
		f.Error = msg
	}
	return status, nil
}
