package report

import (
	"sort"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Interval is the length of a report's rows.
type Interval string

const (
	Int15m       Interval = "15m"
	Int30m       Interval = "30m"
	Int60m       Interval = "60m"
	IntDay       Interval = "day"
	IntWeek      Interval = "week"        // Monday to Sunday
	IntMonth     Interval = "month"       // calendar month
	IntTotal     Interval = "total"       // the whole period in one row
	IntHourOfDay Interval = "hour_of_day" // 小时话务量: each hour of the day over the period
)

// Intervals lists them in the order the UI offers them.
var Intervals = []Interval{Int15m, Int30m, Int60m, IntDay, IntWeek, IntMonth, IntTotal, IntHourOfDay}

// GroupBy is what a report's rows are per.
type GroupBy string

const (
	GroupNone       GroupBy = ""
	GroupQueue      GroupBy = "queue"
	GroupAgent      GroupBy = "agent"
	GroupTeam       GroupBy = "team"
	GroupDepartment GroupBy = "department"
	GroupDirection  GroupBy = "direction" // call type
	GroupNumber     GroupBy = "number"    // the number dialled (DID)
	GroupCampaign   GroupBy = "campaign"
	GroupSource     GroupBy = "source" // customer source
	GroupLevel      GroupBy = "level"  // customer level
)

// Groupings lists them in the order the UI offers them.
var Groupings = []GroupBy{GroupNone, GroupQueue, GroupAgent, GroupTeam, GroupDepartment, GroupDirection, GroupNumber,
	GroupCampaign, GroupSource, GroupLevel}

func (g GroupBy) isDim() bool {
	return g == GroupNumber || g == GroupCampaign || g == GroupSource || g == GroupLevel
}

// hasAgents reports whether agents' state time can be split by g.
func (g GroupBy) hasAgents() bool {
	return g == GroupNone || g == GroupAgent || g == GroupTeam || g == GroupDepartment
}

// Query asks for a report: a period, its rows' interval and grouping, and
// filters. The actor's data scope always applies on top.
type Query struct {
	From          time.Time         `json:"from"`
	To            time.Time         `json:"to"`
	Interval      Interval          `json:"interval"`
	GroupBy       GroupBy           `json:"group_by,omitempty"`
	Queues        []string          `json:"queues,omitempty"`
	AgentIDs      []int64           `json:"agent_ids,omitempty"`
	TeamIDs       []int64           `json:"team_ids,omitempty"`
	DepartmentIDs []int64           `json:"department_ids,omitempty"`
	Direction     string            `json:"direction,omitempty"` // inbound, outbound, internal, callback
	Sources       []string          `json:"sources,omitempty"`   // customer source
	Levels        []string          `json:"levels,omitempty"`    // customer level
	Custom        map[string]string `json:"custom,omitempty"`    // customer custom field = value
}

// Limits on one report.
const (
	MaxSpan     = 400 * 24 * time.Hour
	MaxFineSpan = 31 * 24 * time.Hour // for 15/30/60-minute rows
)

// normalize checks q and snaps its period to whole buckets.
func (q *Query) normalize() error {
	if q.From.IsZero() || q.To.IsZero() {
		return apperr.Invalid("from", "give the period (from and to)")
	}
	b := Bucket.Milliseconds()
	q.From = time.UnixMilli(bucketOfMS(q.From.UnixMilli())).UTC()
	if to := q.To.UnixMilli(); to%b != 0 {
		q.To = time.UnixMilli(bucketOfMS(to) + b).UTC()
	} else {
		q.To = q.To.UTC()
	}
	if !q.To.After(q.From) {
		return apperr.Invalid("to", "must be after from")
	}
	if q.To.Sub(q.From) > MaxSpan {
		return apperr.Invalid("to", "a report covers at most %d days", int(MaxSpan.Hours()/24))
	}
	if q.Interval == "" {
		q.Interval = IntDay
	}
	if !known(Intervals, q.Interval) {
		return apperr.Invalid("interval", "one of 15m, 30m, 60m, day, week, month, total, hour_of_day")
	}
	if q.Interval.fine() && q.To.Sub(q.From) > MaxFineSpan {
		return apperr.Invalid("interval", "15/30/60-minute rows cover at most 31 days; choose day or longer")
	}
	if !known(Groupings, q.GroupBy) {
		return apperr.Invalid("group_by", "one of queue, agent, team, department, direction, number, campaign, source, level")
	}
	switch q.Direction {
	case "", "inbound", "outbound", "internal", "callback":
	default:
		return apperr.Invalid("direction", "one of inbound, outbound, internal, callback")
	}
	for k := range q.Custom {
		if strings.TrimSpace(k) == "" {
			return apperr.Invalid("custom", "a custom field filter needs the field's key")
		}
	}
	sort.Strings(q.Queues)
	return nil
}

func known[T comparable](all []T, v T) bool {
	for _, x := range all {
		if x == v {
			return true
		}
	}
	return false
}

func (i Interval) fine() bool { return i == Int15m || i == Int30m || i == Int60m }

// daily reports whether the interval's rows are whole days or longer.
func (i Interval) daily() bool { return i == IntDay || i == IntWeek || i == IntMonth || i == IntTotal }

// needsCustomers reports whether a filter asks about the calls' customers,
// which only the records (not the rollups) can answer.
func (q Query) needsCustomers() bool {
	return len(q.Sources) > 0 || len(q.Levels) > 0 || len(q.Custom) > 0
}

// intervalOf returns the start of the row holding the bucket at ms, and
// the row's end.
func (q Query) intervalOf(ms int64, loc *time.Location) (int64, int64) {
	t := time.UnixMilli(ms).In(loc)
	switch q.Interval {
	case Int15m:
		return ms, ms + Bucket.Milliseconds()
	case Int30m, Int60m:
		step := 30 * time.Minute
		if q.Interval == Int60m {
			step = time.Hour
		}
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		n := t.Sub(day) / step
		s := day.Add(n * step)
		return s.UnixMilli(), s.Add(step).UnixMilli()
	case IntDay:
		s := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		return s.UnixMilli(), s.AddDate(0, 0, 1).UnixMilli()
	case IntWeek:
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		s := time.Date(t.Year(), t.Month(), t.Day()-wd, 0, 0, 0, 0, loc)
		return s.UnixMilli(), s.AddDate(0, 0, 7).UnixMilli()
	case IntMonth:
		s := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		return s.UnixMilli(), s.AddDate(0, 1, 0).UnixMilli()
	case IntHourOfDay:
		return int64(t.Hour()), int64(t.Hour()) + 1
	}
	return q.From.UnixMilli(), q.To.UnixMilli()
}
