package satisfactionui

import (
	"net/http"
	"regexp"
	"slices"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/web"
)

// The satisfaction service refuses in English (for the API); these
// patterns put the refusals a supervisor meets into the page's language,
// keeping what they name. Other errors go to the UI's own translation.
var errPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^the case is (\S+);`), "satisfaction.err.wrong_status"},
	{regexp.MustCompile(`^the case changed meanwhile`), "satisfaction.err.changed"},
	{regexp.MustCompile(`^the customer was reached`), "satisfaction.err.reached"},
	{regexp.MustCompile(`^the after-sales team may only record the call-back`), "satisfaction.err.after_sales_only"},
	{regexp.MustCompile(`^choose a reason$`), "satisfaction.err.choose_reason"},
	{regexp.MustCompile(`^reason \d+ does not exist or is inactive$`), "satisfaction.err.choose_reason"},
	{regexp.MustCompile(`^choose the after-sales team`), "satisfaction.err.choose_team"},
	{regexp.MustCompile(`^say by when the customer is called back$`), "satisfaction.err.due_required"},
	{regexp.MustCompile(`^is in the past$`), "satisfaction.err.past"},
	{regexp.MustCompile(`^user \d+ is not an active member of that team$`), "satisfaction.err.not_member"},
	{regexp.MustCompile(`^say what the customer said`), "satisfaction.err.callback_note"},
	{regexp.MustCompile(`^reason "(.*)" is used by (\d+) cases`), "satisfaction.err.reason_in_use"},
	{regexp.MustCompile(`^use 2–32 lower-case letters`), "satisfaction.err.code"},
	{regexp.MustCompile(`^another reason has this code$`), "satisfaction.err.code_taken"},
}

// errText is err for a person, in the request's language.
func (u *UI) errText(r *http.Request, err error) string {
	if e := apperr.As(err); e != nil && e.Kind != apperr.KindInternal {
		for _, p := range errPatterns {
			if m := p.re.FindStringSubmatch(e.Message); m != nil {
				args := make([]any, len(m)-1)
				for i, s := range m[1:] {
					args[i] = s
				}
				if p.key == "satisfaction.err.wrong_status" {
					args[0] = u.UI.T(r, "satisfaction.status."+m[1])
				}
				return u.UI.T(r, p.key, args...)
			}
		}
	}
	return u.UI.ErrorText(r, err)
}

// save runs fn unless the form already has errors, and puts a refusal on
// the field it names (one of fields) or on the whole form. It returns the
// status to render the form again with, 0 on success, or the error when it
// is not the user's to fix (a missing case, an internal failure).
func (u *UI) save(r *http.Request, f *web.Form, fields []string, fn func() error) (int, error) {
	if !f.OK() {
		return http.StatusUnprocessableEntity, nil
	}
	err := fn()
	if err == nil {
		if !f.OK() { // fn found a malformed input and sent nothing
			return http.StatusUnprocessableEntity, nil
		}
		return 0, nil
	}
	e := apperr.As(err)
	if e == nil {
		return 0, err
	}
	status := http.StatusUnprocessableEntity
	switch e.Kind {
	case apperr.KindInvalid:
	case apperr.KindConflict:
		if e.Code != "duplicate" {
			status = http.StatusConflict
		}
	case apperr.KindForbidden:
		status = http.StatusForbidden
	default:
		return 0, err
	}
	msg := u.errText(r, err)
	if slices.Contains(fields, e.Field) {
		f.Errors[e.Field] = msg
	} else {
		f.Error = msg
	}
	return status, nil
}
