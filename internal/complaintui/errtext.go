package complaintui

import (
	"net/http"
	"regexp"
	"slices"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/web"
)

// The complaint service refuses in English (for the API); these patterns
// put the refusals people meet into the page's language, keeping what they
// name. Other errors go to the UI's own translation.
var errPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^the complaint is (\S+); this needs it`), "complaints.err.wrong_status"},
	{regexp.MustCompile(`^the complaint waits for the responsible department's reply$`), "complaints.err.waiting"},
	{regexp.MustCompile(`^the complaint is closed; reopen it first$`), "complaints.err.closed"},
	{regexp.MustCompile(`^the complaint changed meanwhile`), "complaints.err.changed"},
	{regexp.MustCompile(`^step (\S+) is already ticked$`), "complaints.err.ticked"},
	{regexp.MustCompile(`^step (\S+) is already not ticked$`), "complaints.err.not_ticked"},
	{regexp.MustCompile(`^only those whose scope holds the ticket's agent`), "complaints.err.managers_only"},
	{regexp.MustCompile(`^only who handles the complaint may tick`), "complaints.err.handlers_only"},
	{regexp.MustCompile(`^only the department the complaint is forwarded to may reply$`), "complaints.err.responsible_only"},
	{regexp.MustCompile(`^judging the liability needs`), "complaints.err.judge_perm"},
	{regexp.MustCompile(`^no call (\S+) in your scope$`), "complaints.err.no_call"},
	{regexp.MustCompile(`^no customer \d+ in your scope$`), "complaints.err.no_customer"},
	{regexp.MustCompile(`^say who complained`), "complaints.err.no_contact"},
	{regexp.MustCompile(`^the ticket names no agent to hold liable$`), "complaints.err.no_agent"},
	{regexp.MustCompile(`^choose the liable department$`), "complaints.err.liable_dept"},
	{regexp.MustCompile(`^only with liability department$`), "complaints.err.liable_dept_only"},
	{regexp.MustCompile(`^user \d+ is outside your data scope$`), "complaints.err.agent_scope"},
	{regexp.MustCompile(`^choose the responsible department$`), "complaints.err.forward_dept"},
	{regexp.MustCompile(`^say by when the department replies$`), "complaints.err.deadline"},
	{regexp.MustCompile(`^is in the past$`), "complaints.err.past"},
	{regexp.MustCompile(`^an unreachable customer gave none$`), "complaints.err.unreachable_satisfaction"},
	{regexp.MustCompile(`^ask the customer:`), "complaints.err.satisfaction"},
	{regexp.MustCompile(`^must be between 0 and \d+ fen$`), "complaints.err.penalty"},
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
				switch p.key {
				case "complaints.err.wrong_status":
					args[0] = u.UI.T(r, "complaints.status."+m[1])
				case "complaints.err.ticked", "complaints.err.not_ticked":
					args[0] = u.UI.T(r, "complaints.step."+m[1])
				}
				return u.UI.T(r, p.key, args...)
			}
		}
	}
	return u.UI.ErrorText(r, err)
}

// save runs fn unless the form already has errors (or fn finds one), and
// puts a refusal on the field it names (one of fields) or on the whole
// form. It returns the status to render the form again with, 0 on success,
// or the error when it is not the user's to fix.
func (u *UI) save(r *http.Request, f *web.Form, fields []string, fn func() error) (int, error) {
	if !f.OK() {
		return http.StatusUnprocessableEntity, nil
	}
	err := fn()
	if err == nil {
		if !f.OK() {
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
		status = http.StatusConflict
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
