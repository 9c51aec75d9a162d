package report

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// ParseQuery reads a report query from URL parameters: from and to (a
// local date YYYY-MM-DD — to is inclusive — or an RFC 3339 time, to
// exclusive), interval, group_by, queue, agent_id, team_id, department_id
// (each repeatable), direction, source, level (repeatable) and custom.KEY.
func ParseQuery(r *http.Request, loc *time.Location) (Query, error) {
	v := r.URL.Query()
	var q Query
	var err error
	if q.From, err = parseWhen(v.Get("from"), loc, false); err != nil {
		return q, apperr.Invalid("from", "a date like 2026-03-01 or a time like 2026-03-01T08:00:00+08:00")
	}
	if q.To, err = parseWhen(v.Get("to"), loc, true); err != nil {
		return q, apperr.Invalid("to", "a date like 2026-03-31 or a time like 2026-03-31T20:00:00+08:00")
	}
	q.Interval = Interval(v.Get("interval"))
	q.GroupBy = GroupBy(v.Get("group_by"))
	q.Direction = v.Get("direction")
	q.Queues = nonEmpty(v["queue"])
	q.Sources = nonEmpty(v["source"])
	q.Levels = nonEmpty(v["level"])
	for _, p := range []struct {
		name string
		dst  *[]int64
	}{{"agent_id", &q.AgentIDs}, {"team_id", &q.TeamIDs}, {"department_id", &q.DepartmentIDs}} {
		for _, s := range nonEmpty(v[p.name]) {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				return q, apperr.Invalid(p.name, "must be a positive number")
			}
			*p.dst = append(*p.dst, id)
		}
	}
	for k, vals := range v {
		if key, ok := strings.CutPrefix(k, "custom."); ok && len(vals) > 0 && vals[0] != "" {
			if q.Custom == nil {
				q.Custom = map[string]string{}
			}
			q.Custom[key] = vals[0]
		}
	}
	return q, nil
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, s := range vs {
		for _, part := range strings.Split(s, ",") {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// parseWhen reads a date (local midnight; the next one when end is set, so
// that a date range includes its last day) or an RFC 3339 time.
func parseWhen(s string, loc *time.Location, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	return time.Parse(time.RFC3339, s)
}
