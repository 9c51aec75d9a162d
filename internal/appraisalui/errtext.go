package appraisalui

import (
	"net/http"
	"regexp"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// The appraisal service refuses in English (for the API); these patterns
// put its refusals into the page's language, keeping what they name.
// Other errors go to the UI's own translation.
var errPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^must be between 1 and 1000$`), "appraisal.err.max"},
	{regexp.MustCompile(`^must be 0 to (\d+)$`), "appraisal.err.zero_to"},
	{regexp.MustCompile(`^give 1 to (\d+) items$`), "appraisal.err.items"},
	{regexp.MustCompile(`^give 1 to (\d+) tiers$`), "appraisal.err.tiers"},
	{regexp.MustCompile(`^give 1 to (\d+) conditions$`), "appraisal.err.conditions"},
	{regexp.MustCompile(`^use 1–32 lower-case letters`), "appraisal.err.key"},
	{regexp.MustCompile(`^another item has the key (\S+)$`), "appraisal.err.key_taken"},
	{regexp.MustCompile(`^must be more than 0 and at most 100$`), "appraisal.err.weight"},
	{regexp.MustCompile(`^the weights add up to (\S+)%; they must add up to 100%$`), "appraisal.err.weights"},
	{regexp.MustCompile(`^choose a report metric$`), "appraisal.err.metric"},
	{regexp.MustCompile(`^metric (\S+) has no figure per agent$`), "appraisal.err.metric_center"},
	{regexp.MustCompile(`^is empty: its lower edge (\S+) is not below its upper edge (\S+)$`), "appraisal.err.tier_empty"},
	{regexp.MustCompile(`^the tiers must start at 0 or below \(the first starts at (\S+)\)$`), "appraisal.err.tier_start"},
	{regexp.MustCompile(`^the last tier must have no upper edge$`), "appraisal.err.tier_open"},
	{regexp.MustCompile(`^the last tier must reach the maximum (\S+)$`), "appraisal.err.tier_max"},
	{regexp.MustCompile(`^overlaps the tier before`), "appraisal.err.tier_overlap"},
	{regexp.MustCompile(`^leaves (\S+) in no tier$`), "appraisal.err.tier_point"},
	{regexp.MustCompile(`^leaves a gap between (\S+) and (\S+)$`), "appraisal.err.tier_gap"},
	{regexp.MustCompile(`^must be between 0 and the maximum (\S+)$`), "appraisal.err.points"},
	{regexp.MustCompile(`^must be 0 or more$`), "appraisal.err.non_negative"},
	{regexp.MustCompile(`^the rule (\S+) is given twice$`), "appraisal.err.rule_twice"},
	{regexp.MustCompile(`^must be 2 to (\d+)$`), "appraisal.err.months_avg"},
	{regexp.MustCompile(`^must be 1 to (\d+)$`), "appraisal.err.months_window"},
	{regexp.MustCompile(`^must be 1 to the window \((\d+) months\)$`), "appraisal.err.count"},
	{regexp.MustCompile(`^the probation average applies to probation rules only$`), "appraisal.err.probation_measure"},
	{regexp.MustCompile(`^another tier starts at (\S+)$`), "appraisal.err.ctier_twice"},
	{regexp.MustCompile(`^choose whom the scheme appraises`), "appraisal.err.targets"},
	{regexp.MustCompile(`^another scheme \("(.*)"\) already appraises all agents$`), "appraisal.err.all_taken"},
	{regexp.MustCompile(`^department "(.*)" is already appraised by scheme "(.*)"$`), "appraisal.err.dept_taken"},
	{regexp.MustCompile(`^team "(.*)" is already appraised by scheme "(.*)"$`), "appraisal.err.team_taken"},
	{regexp.MustCompile(`^a scheme for all agents needs the all-departments data scope$`), "appraisal.err.all_scope"},
	{regexp.MustCompile(`^(?:department|team) "(.*)" is outside your data scope$`), "appraisal.err.target_scope"},
	{regexp.MustCompile(`^another scheme has this name$`), "appraisal.err.name_taken"},
	{regexp.MustCompile(`^the scheme changed meanwhile \(it is at version (\d+)\)`), "appraisal.err.changed"},
	{regexp.MustCompile(`^the scheme has closed months`), "appraisal.err.has_closed"},
	{regexp.MustCompile(`^keep at least one scheme`), "appraisal.err.last_scheme"},
	{regexp.MustCompile(`^the scheme has no item (\S+)$`), "appraisal.err.no_item"},
	{regexp.MustCompile(`^must be a number$`), "appraisal.err.number"},
	{regexp.MustCompile(`^is in no tier of the item$`), "appraisal.err.value_tier"},
	{regexp.MustCompile(`^is in the future$`), "appraisal.err.future"},
	{regexp.MustCompile(`^you cannot enter values for your own appraisal$`), "appraisal.err.self"},
	{regexp.MustCompile(`^(\d{4}-\d{2}) is closed; reopen it to change its values$`), "appraisal.err.closed"},
	{regexp.MustCompile(`^(\d{4}-\d{2}) is already closed$`), "appraisal.err.already_closed"},
	{regexp.MustCompile(`^(\d{4}-\d{2}) is not over yet$`), "appraisal.err.not_over"},
	{regexp.MustCompile(`^(\d{4}-\d{2}) is not closed$`), "appraisal.err.not_closed"},
	{regexp.MustCompile(`^must be a month YYYY-MM$`), "appraisal.err.month"},
	{regexp.MustCompile(`^appraisal scheme for the agent not found$`), "appraisal.err.no_scheme"},
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
				return u.web.T(r, p.key, args...)
			}
		}
	}
	return u.web.ErrorText(r, err)
}
