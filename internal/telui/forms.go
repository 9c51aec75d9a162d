package telui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/web"
)

// inputs is the set of input names a form shows.
type inputs map[string]bool

func newInputs(names ...string) inputs {
	in := inputs{}
	for _, n := range names {
		in[n] = true
	}
	return in
}

func (in inputs) list() []string {
	out := make([]string, 0, len(in))
	for n := range in {
		out = append(out, n)
	}
	return out
}

// inputName is the form input of a domain error's field: the validators
// name fields like "skills[0].min_level" or "overflow.action"; the forms
// call those inputs "skills_0_min_level" and "overflow_action".
func inputName(field string) string {
	r := strings.NewReplacer("].", "_", "[", "_", "]", "", ".", "_")
	return r.Replace(field)
}

// place finds the input for a field: the exact input, else the list the
// field is an element of ("trusted_sources[2]" → "trusted_sources").
func (in inputs) place(field string) string {
	if field == "" {
		return ""
	}
	if n := inputName(field); in[n] {
		return n
	}
	if i := strings.IndexByte(field, '['); i > 0 && in[field[:i]] {
		return field[:i]
	}
	if i := strings.IndexByte(field, '.'); i > 0 && in[field[:i]] {
		return field[:i]
	}
	return ""
}

// statusOf is the status a form is re-rendered with after err, or 0 when
// err is not the user's to fix (the handler returns it instead).
func statusOf(e *apperr.Error) int {
	switch e.Kind {
	case apperr.KindInvalid:
		return http.StatusUnprocessableEntity
	case apperr.KindConflict:
		if e.Code == "duplicate" {
			return http.StatusUnprocessableEntity
		}
		return http.StatusConflict
	case apperr.KindForbidden:
		return http.StatusForbidden
	case apperr.KindLocked:
		return http.StatusLocked
	}
	return 0
}

// fail puts a domain error on its input (or on the whole form) in the
// page's language and returns the status to re-render with; 0 means the
// handler should return err.
func (h *handlers) fail(r *http.Request, f *web.Form, in inputs, err error) int {
	e := apperr.As(err)
	if e == nil {
		return 0
	}
	status := statusOf(e)
	if status == 0 {
		return 0
	}
	msg := h.errText(r, err)
	if n := in.place(e.Field); n != "" {
		if _, dup := f.Errors[n]; !dup {
			f.Errors[n] = msg
		}
	} else if f.Error == "" {
		f.Error = msg
	}
	return status
}

// save runs fn unless the form already has errors, and sorts out what
// happened like web.Form.Save does, with the module's error texts.
func (h *handlers) save(r *http.Request, f *web.Form, in inputs, fn func() error) (int, error) {
	if !f.OK() {
		return http.StatusUnprocessableEntity, nil
	}
	if err := fn(); err != nil {
		if s := h.fail(r, f, in, err); s != 0 {
			return s, nil
		}
		return 0, err
	}
	return 0, nil
}

// invalid records a catalog message on an input.
func (h *handlers) invalid(r *http.Request, f *web.Form, name, key string, args ...any) {
	if _, dup := f.Errors[name]; !dup {
		f.Errors[name] = h.ui.T(r, key, args...)
	}
}

// intField reads an integer input; empty is def. Anything else that is not
// a whole number is recorded as the input's error.
func (h *handlers) intField(r *http.Request, f *web.Form, name string, def int) int {
	v := f.Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		h.invalid(r, f, name, "tel.err.integer")
		return def
	}
	return n
}

// checked reports whether a checkbox was ticked.
func checked(f *web.Form, name string) bool { return f.Get(name) != "" }

// boolValue is a checkbox's form value.
func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// rename moves a domain error from the service's field name to the form's.
func rename(err error, from, to string) error {
	if e := apperr.As(err); e != nil && e.Field == from {
		c := *e
		c.Field = to
		return &c
	}
	return err
}

// lines splits a textarea into its non-empty trimmed lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// opt is an entry of a select; the "select" partial reads Value, Label and
// Group.
type opt struct {
	Value string
	Label string
	Group string
}

// back answers a successful POST: the message for the next page, then the
// redirect.
func (h *handlers) back(w http.ResponseWriter, r *http.Request, to, key string, args ...string) {
	h.ui.Flash(w, web.FlashOK, key, args...)
	web.Redirect(w, r, to)
}
