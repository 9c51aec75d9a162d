package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Form is a form's values and, after a failed save, its errors: one per
// field (shown under the input) and one for the form as a whole. A form that
// fails is rendered again from the same Form, so nothing typed is lost.
type Form struct {
	Values url.Values
	Errors map[string]string
	Error  string
	fields map[string]bool
	cat    catalog
	lang   string
}

// NewForm returns an empty form (for a new record, or to fill with Set)
// whose errors will be in the request's language. fields names the inputs the
// page shows; an error on any other field is shown for the whole form.
func (u *UI) NewForm(r *http.Request, fields ...string) *Form {
	f := &Form{Values: url.Values{}, Errors: map[string]string{}, fields: map[string]bool{}, cat: u.cat, lang: Lang(r)}
	for _, n := range fields {
		f.fields[n] = true
	}
	return f
}

// ParseForm returns the posted form. An unreadable body is a form error.
func (u *UI) ParseForm(r *http.Request, fields ...string) *Form {
	f := u.NewForm(r, fields...)
	if err := r.ParseForm(); err != nil {
		f.Error = f.cat.T(f.lang, "err.bad_form")
		return f
	}
	for k, vs := range r.PostForm {
		if k != "csrf_token" {
			f.Values[k] = vs
		}
	}
	return f
}

// Get returns the trimmed value of an input.
func (f *Form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Set sets an input's value.
func (f *Form) Set(name, value string) { f.Values.Set(name, value) }

// Has reports whether value is among the input's values (checkboxes, selects).
func (f *Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err returns the error of an input, "" when none.
func (f *Form) Err(name string) string { return f.Errors[name] }

// OK reports whether the form has no error.
func (f *Form) OK() bool { return len(f.Errors) == 0 && f.Error == "" }

// Invalid records an error, a catalog key with its arguments, on an input.
func (f *Form) Invalid(name, key string, args ...any) {
	f.put(name, f.cat.T(f.lang, key, args...))
}

func (f *Form) put(name, msg string) {
	if name != "" && f.fields[name] {
		if _, dup := f.Errors[name]; !dup {
			f.Errors[name] = msg
		}
		return
	}
	if f.Error == "" {
		f.Error = msg
	}
}

// ID reads an optional positive integer input (a select of IDs): "" is 0;
// anything else that is not a number is recorded as the input's error.
func (f *Form) ID(name string) int64 {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		f.Invalid(name, "err.number")
		return 0
	}
	return n
}

// Fail records a domain error (an *apperr.Error) on its field, or on the
// whole form, translated, and returns the status to render the form again
// with: 422 for bad input (taken values included), 409 for a state
// conflict (still in use, last admin), 403 when the actor may not do it.
// It returns 0 for an error that is not the user's to fix (internal, not
// found): the handler returns that error instead.
func (f *Form) Fail(err error) int {
	e := apperr.As(err)
	if e == nil {
		return 0
	}
	status := http.StatusUnprocessableEntity
	switch e.Kind {
	case apperr.KindInvalid:
	case apperr.KindConflict:
		if e.Code != "duplicate" { // a taken value is bad input; the rest is a state conflict
			status = http.StatusConflict
		}
	case apperr.KindForbidden:
		status = http.StatusForbidden
	case apperr.KindLocked:
		status = http.StatusLocked
	default:
		return 0
	}
	field := e.Field
	if i := strings.IndexByte(field, '['); i > 0 {
		field = field[:i] // "permissions[3]" → "permissions"
	}
	f.put(field, f.cat.errText(f.lang, err))
	return status
}

// Save runs fn when the form has no error yet and sorts out what happened:
// status 0 and no error when fn succeeded; a status to render the form again
// with when the input was refused (the error is on the form); or the error
// itself when it is not the user's to fix.
func (f *Form) Save(fn func() error) (status int, err error) {
	if !f.OK() {
		return http.StatusUnprocessableEntity, nil
	}
	if err := fn(); err != nil {
		if s := f.Fail(err); s != 0 {
			return s, nil
		}
		return 0, err
	}
	return 0, nil
}

// queryID reads an optional positive integer query parameter (a filter);
// anything else means no filter.
func queryID(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
