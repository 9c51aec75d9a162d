package reportui

import (
	"net/http"
	"regexp"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// The report engine and the shift service describe errors in English for
// the API; these patterns give them, arguments kept, in the page's
// language. An error none matches goes to the web package's translation.
var reportErrors = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^between (\d+) and (\d+) seconds$`), "reports.err.between_sec"},
	{regexp.MustCompile(`^between (\d+) and (\d+)$`), "reports.err.between"},
	{regexp.MustCompile(`^between 1 hour and 31 days$`), "reports.err.fcr_window"},
	{regexp.MustCompile(`^one of ignored, against, for_within$`), "reports.err.abandon_mode"},
	{regexp.MustCompile(`^a currency code such as CNY$`), "reports.err.currency"},
	{regexp.MustCompile(`^an IANA time zone such as Asia/Shanghai$`), "reports.err.time_zone"},
	{regexp.MustCompile(`^(\w+): the low end is above the high end$`), "reports.err.band"},
	{regexp.MustCompile(`^give the period \(from and to\)$`), "reports.err.period"},
	{regexp.MustCompile(`^must be after from$`), "reports.err.to_after_from"},
	{regexp.MustCompile(`^a report covers at most (\d+) days$`), "reports.err.max_span"},
	{regexp.MustCompile(`^15/30/60-minute rows cover at most 31 days`), "reports.err.fine_span"},
	{regexp.MustCompile(`^(\d+) calls match the period; with customer filters`), "reports.err.too_many_calls"},
	{regexp.MustCompile(`^a date like 2026-03`), "reports.err.date"},
	{regexp.MustCompile(`^a month like 2026-03$`), "reports.err.month"},
	{regexp.MustCompile(`^a cost from 0 up$`), "reports.err.amount"},
	{regexp.MustCompile(`^only who sees the whole center enters its cost`), "reports.err.cost_center"},
	{regexp.MustCompile(`^not a department in your data scope$`), "reports.err.cost_scope"},
	{regexp.MustCompile(`^no such department$`), "reports.err.no_department"},
	{regexp.MustCompile(`^choose an agent$`), "reports.err.agent"},
	{regexp.MustCompile(`^no such agent in your scope$`), "reports.err.agent_scope"},
	{regexp.MustCompile(`^give the shift's start and end$`), "reports.err.time"},
	{regexp.MustCompile(`^must be after the start$`), "reports.err.end_after_start"},
	{regexp.MustCompile(`^a shift lasts at most (\d+) hours$`), "reports.err.shift_long"},
	{regexp.MustCompile(`^activity (\w+) must end after it starts$`), "reports.err.act_order"},
	{regexp.MustCompile(`^activity (\w+) must lie inside the shift$`), "reports.err.act_inside"},
	{regexp.MustCompile(`^activities (\w+) and (\w+) overlap$`), "reports.err.act_overlap"},
	{regexp.MustCompile(`overlaps another shift of the agent$`), "reports.err.overlap"},
}

// localize returns err with its message in the request's language when a
// pattern knows it (kind, code and field kept, so that forms put it on
// the right input).
func (u *UI) localize(r *http.Request, err error) error {
	e := apperr.As(err)
	if e == nil {
		return err
	}
	for _, p := range reportErrors {
		m := p.re.FindStringSubmatch(e.Message)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, s := range m[1:] {
			args[i] = s
		}
		c := *e
		c.Message = u.t(r, p.key, args...)
		return &c
	}
	return err
}
