package telui

import (
	"net/http"
	"regexp"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// The telephony services describe refusals in English. These patterns turn
// the ones operators meet into the page's language, keeping what the
// message names (a number, a flow...). Anything else goes to the UI's own
// translation (required, too long, taken...), which falls back to English.
var errPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	// pbx
	{regexp.MustCompile(`^extension (\S+) is the target of (\d+) inbound numbers$`), "tel.err.ext_in_use"},
	{regexp.MustCompile(`^extension (\S+) already exists$`), "tel.err.ext_taken"},
	{regexp.MustCompile(`^extension (\S+) does not exist$`), "tel.err.ext_missing"},
	{regexp.MustCompile(`^must be 8 to 128 characters$`), "tel.err.sip_password"},
	{regexp.MustCompile(`^is required when the number changes$`), "tel.err.password_renumber"},
	{regexp.MustCompile(`^a trunk named (.*) already exists$`), "tel.err.trunk_taken"},
	{regexp.MustCompile(`^must be host or host:port`), "tel.err.host"},
	{regexp.MustCompile(`^"(.*)" is not an IP address or CIDR prefix$`), "tel.err.source"},
	{regexp.MustCompile(`^registering to a carrier needs host and username$`), "tel.err.register"},
	{regexp.MustCompile(`^a trunk needs a host`), "tel.err.trunk_empty"},
	{regexp.MustCompile(`^number (\S+) already exists$`), "tel.err.number_taken"},
	{regexp.MustCompile(`^must be 2 to 20 digits, optionally starting with \+$`), "tel.err.number"},
	{regexp.MustCompile(`^must be 0 to 9$`), "tel.err.priority"},
	{regexp.MustCompile(`^ivr "(.*)" does not exist$`), "tel.err.flow_missing"},
	{regexp.MustCompile(`^queue "(.*)" does not exist$`), "tel.err.queue_missing"},
	{regexp.MustCompile(`^must be ivr, queue or extension$`), "tel.err.route_kind"},
	// queues and acd
	{regexp.MustCompile(`^a queue named "(.*)" already exists$`), "tel.err.queue_taken"},
	{regexp.MustCompile(`^queue "(.*)" has calls waiting$`), "tel.err.queue_busy"},
	{regexp.MustCompile(`^must be (\d+)–(\d+)$`), "tel.err.range"},
	{regexp.MustCompile(`^must be (\d+) to (\d+)$`), "tel.err.range"},
	{regexp.MustCompile(`^level must be (\d+)–(\d+)$`), "tel.err.range"},
	{regexp.MustCompile(`^must be 1–(\d+) and not decrease$`), "tel.err.widening_after"},
	{regexp.MustCompile(`^must lower levels or drop a skill$`), "tel.err.widening_empty"},
	{regexp.MustCompile(`^duplicate skill "(.*)"$`), "tel.err.skill_dup"},
	{regexp.MustCompile(`^unknown strategy`), "tel.err.strategy"},
	{regexp.MustCompile(`^unknown action`), "tel.err.overflow_action"},
	{regexp.MustCompile(`^must name another queue$`), "tel.err.overflow_queue"},
	{regexp.MustCompile(`^is required when max_wait_sec is set$`), "tel.err.overflow_needed"},
	{regexp.MustCompile(`^must be positive and unique$`), "tel.err.membership"},
	{regexp.MustCompile(`^must be valid UTF-8 of at most (\d+) bytes$`), "tel.err.text_bytes"},
	{regexp.MustCompile(`^queue (\d+) does not exist$`), "tel.err.queue_gone"},
	{regexp.MustCompile(`^user (\d+) does not exist$`), "tel.err.user_gone"},
	// ivr
	{regexp.MustCompile(`^a flow named "(.*)" already exists$`), "tel.err.flow_taken"},
	{regexp.MustCompile(`^flow "(.*)" cannot be deleted: goto_flow in (.*) refers to it$`), "tel.err.flow_used"},
	{regexp.MustCompile(`^flow "(.*)" cannot be renamed: goto_flow in (.*) refers to it$`), "tel.err.flow_rename_used"},
	{regexp.MustCompile(`^flow "(.*)" is used by goto_flow in another flow$`), "tel.err.flow_used_any"},
	{regexp.MustCompile(`^flow "(.*)" was changed by someone else`), "tel.err.flow_conflict"},
	{regexp.MustCompile(`^a prompt named "(.*)" already exists$`), "tel.err.prompt_taken"},
	{regexp.MustCompile(`^prompt "(.*)" cannot be deleted: flows (.*) use it$`), "tel.err.prompt_used"},
	{regexp.MustCompile(`^prompt "(.*)" cannot be renamed: flows (.*) use it$`), "tel.err.prompt_rename_used"},
	{regexp.MustCompile(`^prompt "(.*)" is used by a flow$`), "tel.err.prompt_used_any"},
	{regexp.MustCompile(`^prompt name "(.*)" must be 1-64 letters`), "tel.err.prompt_name"},
	{regexp.MustCompile(`^"(.*)" is not a language tag`), "tel.err.language"},
	{regexp.MustCompile(`^is required for a tts prompt$`), "err.required"},
}

// errText is err for a person, in the request's language.
func (h *handlers) errText(r *http.Request, err error) string {
	e := apperr.As(err)
	if e != nil && e.Kind != apperr.KindInternal {
		for _, p := range errPatterns {
			if m := p.re.FindStringSubmatch(e.Message); m != nil {
				args := make([]any, len(m)-1)
				for i, s := range m[1:] {
					args[i] = s
				}
				return h.ui.T(r, p.key, args...)
			}
		}
	}
	return h.ui.ErrorText(r, err)
}
