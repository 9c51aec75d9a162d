package web

import (
	"net/http"
	"regexp"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// The domain packages describe errors in English for the API. The UI shows
// them in the page's language: by code where the code says it all, else by
// recognising the domain's message (arguments captured), else — for a
// message no pattern knows yet — the English text itself, which is still
// better than nothing.
var errCodeKeys = map[string]string{
	"duplicate":       "err.duplicate",
	"in_use":          "err.in_use",
	"last_admin":      "err.last_admin",
	"self":            "err.self",
	"builtin":         "err.builtin",
	"not_found":       "err.not_found",
	"bad_credentials": "login.err.bad_credentials",
	"inactive":        "login.err.inactive",
	"session_expired": "login.expired",
}

var errPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^is required$`), "err.required"},
	{regexp.MustCompile(`^must be at most (\d+) characters`), "err.too_long"},
	{regexp.MustCompile(`^must be at least (\d+) characters$`), "err.too_short"},
	{regexp.MustCompile(`^must be at most (\d+) bytes$`), "err.too_long"},
	{regexp.MustCompile(`^contains control characters$`), "err.control_chars"},
	{regexp.MustCompile(`^is not valid UTF-8$`), "err.control_chars"},
	{regexp.MustCompile(`^must be a date YYYY-MM-DD$`), "err.date"},
	{regexp.MustCompile(`^is not an e-mail address$`), "err.email"},
	{regexp.MustCompile(`^must be (\d+) to (\d+) digits$`), "err.digits"},
	{regexp.MustCompile(`^is not a phone number$`), "err.phone"},
	{regexp.MustCompile(`^must be one of `), "err.one_of"},
	{regexp.MustCompile(`^is before hire_date$`), "err.leave_before_hire"},
	{regexp.MustCompile(`^is not your current password$`), "err.old_password"},
	{regexp.MustCompile(`^must differ from the current password$`), "err.same_password"},
	{regexp.MustCompile(`^must be in the future$`), "err.future"},
	{regexp.MustCompile(`^(?:department|team|user|role) \d+ does not exist$`), "err.not_exist"},
	{regexp.MustCompile(`^a department cannot be moved under itself`), "err.dept_cycle"},
	{regexp.MustCompile(`^must be 2–64 letters`), "err.username"},
	{regexp.MustCompile(`^team ".*" belongs to another department$`), "err.team_other_dept"},
	{regexp.MustCompile(`^unknown permission`), "err.unknown_perm"},
	{regexp.MustCompile(`^you cannot grant permissions you do not hold$`), "err.grant_perms"},
	{regexp.MustCompile(`^you cannot grant a data scope wider than your own`), "err.grant_scope"},
	{regexp.MustCompile(`^you cannot assign role "(.*)": it grants more than your own role$`), "err.assign_role"},
	{regexp.MustCompile(`^the user would be outside your data scope$`), "err.out_of_scope"},
	{regexp.MustCompile(`^your role does not allow (\S+)$`), "err.forbidden_generic"},
	{regexp.MustCompile(`^too many wrong passwords`), "login.err.locked_generic"},
}

// errText is err in lang, for a person.
func (c catalog) errText(lang string, err error) string {
	e := apperr.As(err)
	if e == nil || e.Kind == apperr.KindInternal {
		return c.T(lang, "err.internal")
	}
	if k, ok := errCodeKeys[e.Code]; ok {
		return c.T(lang, k)
	}
	for _, p := range errPatterns {
		if m := p.re.FindStringSubmatch(e.Message); m != nil {
			args := make([]any, len(m)-1)
			for i, s := range m[1:] {
				args[i] = s
			}
			return c.T(lang, p.key, args...)
		}
	}
	return e.Message
}

// ErrorText is err described for a person in the request's language.
func (u *UI) ErrorText(r *http.Request, err error) string { return u.cat.errText(Lang(r), err) }

// renameField moves a domain error from the service's field name to the
// form's, where a page names an input differently.
func renameField(err error, from, to string) error {
	if e := apperr.As(err); e != nil && e.Field == from {
		c := *e
		c.Field = to
		return &c
	}
	return err
}
