package deskui

import (
	"net/http"
	"regexp"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// The dialer and the CRM describe refusals in English for the API. These
// patterns give the ones the campaign pages and the desktop meet in the
// page's language, keeping what they name. Anything else goes to the UI's
// own translation (required, too long, taken...), which falls back to the
// English text.
var errPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^must be preview, progressive or predictive$`), "desk.err.mode"},
	{regexp.MustCompile(`^is required: the queue`), "desk.err.queue"},
	{regexp.MustCompile(`^must be (\d+) to (\d+)$`), "desk.err.range"},
	{regexp.MustCompile(`^must be set and unique$`), "desk.err.disp_key"},
	{regexp.MustCompile(`^a campaign named "(.*)" already exists$`), "desk.err.campaign_taken"},
	{regexp.MustCompile(`^pause the campaign before deleting it$`), "desk.err.running"},
	{regexp.MustCompile(`^campaign "(.*)" is not a running preview campaign$`), "desk.err.not_preview"},
	{regexp.MustCompile(`^is not one of this campaign's dispositions$`), "desk.err.disposition"},
	{regexp.MustCompile(`^must be A or B$`), "desk.err.callback_class"},
	{regexp.MustCompile(`^(?:phones: )?a phone number is empty$`), "desk.err.phone_empty"},
	{regexp.MustCompile(`^(?:phones: )?"((?:[^"\\]|\\.)*)" is too short`), "desk.err.phone_short"},
	{regexp.MustCompile(`^(?:phones: )?"((?:[^"\\]|\\.)*)"`), "desk.err.phone_bad"},
	{regexp.MustCompile(`^do-not-call number not found$`), "desk.err.dnc_missing"},
	{regexp.MustCompile(`^campaign not found$`), "desk.err.campaign_missing"},
}

// localize returns err with its message in the request's language when a
// pattern knows it.
func (h *handlers) localize(r *http.Request, err error) error {
	e := apperr.As(err)
	if e == nil {
		return err
	}
	for _, p := range errPatterns {
		if m := p.re.FindStringSubmatch(e.Message); m != nil {
			args := make([]any, len(m)-1)
			for i, s := range m[1:] {
				args[i] = s
			}
			c := *e
			c.Message = h.ui.T(r, p.key, args...)
			c.Code = "" // the UI's code table must not replace the translated message
			return &c
		}
	}
	return err
}

// errText is an error in the page's language.
func (h *handlers) errText(r *http.Request, err error) string {
	return h.ui.ErrorText(r, h.localize(r, err))
}

// userFixable reports whether err is a refusal the user can act on (shown
// on the page), not a failure (the error page).
func userFixable(err error) bool {
	switch apperr.KindOf(err) {
	case apperr.KindInvalid, apperr.KindConflict, apperr.KindForbidden, apperr.KindLocked:
		return true
	}
	return false
}
