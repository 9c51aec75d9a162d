package reportui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/report"
)

// Period presets of the filter form.
const (
	PeriodToday     = "today"
	PeriodYesterday = "yesterday"
	PeriodThisWeek  = "this_week"
	PeriodLast7     = "last_7_days"
	PeriodThisMonth = "this_month"
	PeriodLastMonth = "last_month"
	PeriodCustom    = "custom"
)

var periods = []string{PeriodToday, PeriodYesterday, PeriodThisWeek, PeriodLast7, PeriodThisMonth, PeriodLastMonth, PeriodCustom}

// filter is the report form as given in the page's URL. The page's own
// parameters (period, cf_key, cf_value) turn into the API's (those of
// report.ParseQuery) in apiValues.
type filter struct {
	Period       string
	From, To     string // local dates YYYY-MM-DD, To inclusive
	Interval     string
	GroupBy      string
	Queue        string
	TeamID       int64
	DepartmentID int64
	AgentID      int64
	Direction    string
	Source       string
	Level        string
	CFKey        string // a customer custom field's key
	CFValue      string
}

const dateLayout = "2006-01-02"

// readFilter reads the form. A preset period sets the dates (in the
// report's time zone, as of now); "custom" or dates without a period keep
// the dates given; nothing at all is today.
func readFilter(r *http.Request, loc *time.Location, now time.Time) filter {
	q := r.URL.Query()
	f := filter{Period: q.Get("period"), From: q.Get("from"), To: q.Get("to"), Interval: q.Get("interval"),
		GroupBy: q.Get("group_by"), Queue: strings.TrimSpace(q.Get("queue")), Direction: q.Get("direction"),
		Source: q.Get("source"), Level: q.Get("level"), CFKey: strings.TrimSpace(q.Get("cf_key")),
		CFValue: strings.TrimSpace(q.Get("cf_value"))}
	f.TeamID, f.DepartmentID, f.AgentID = qID(q, "team_id"), qID(q, "department_id"), qID(q, "agent_id")
	if f.CFKey == "" {
		for k, vs := range q { // a link in the API's own form: custom.KEY=value
			if key, ok := strings.CutPrefix(k, "custom."); ok && key != "" && len(vs) > 0 && vs[0] != "" {
				f.CFKey, f.CFValue = key, vs[0]
				break
			}
		}
	}
	if f.CFValue == "" {
		f.CFKey = ""
	}
	if f.Period == "" && f.From == "" && f.To == "" {
		f.Period = PeriodToday
	}
	if f.Period == "" {
		f.Period = PeriodCustom
	}
	if f.Period != PeriodCustom {
		from, to, ok := presetDates(f.Period, now.In(loc))
		if !ok {
			f.Period, from, to = PeriodToday, now.In(loc), now.In(loc)
		}
		f.From, f.To = from.Format(dateLayout), to.Format(dateLayout)
	} else {
		if f.From == "" {
			f.From = f.To
		}
		if f.To == "" {
			f.To = f.From
		}
	}
	if f.Interval == "" {
		f.Interval = string(report.IntDay)
		if f.From == f.To {
			f.Interval = string(report.Int60m)
		}
	}
	return f
}

func qID(q url.Values, name string) int64 {
	n, err := strconv.ParseInt(q.Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// presetDates returns the first and last day (inclusive) of a preset
// period around now (local).
func presetDates(p string, now time.Time) (time.Time, time.Time, bool) {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch p {
	case PeriodToday:
		return day, day, true
	case PeriodYesterday:
		y := day.AddDate(0, 0, -1)
		return y, y, true
	case PeriodThisWeek:
		mon := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		return mon, day, true
	case PeriodLast7:
		return day.AddDate(0, 0, -6), day, true
	case PeriodThisMonth:
		return time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, day.Location()), day, true
	case PeriodLastMonth:
		first := time.Date(day.Year(), day.Month()-1, 1, 0, 0, 0, 0, day.Location())
		return first, first.AddDate(0, 1, -1), true
	}
	return time.Time{}, time.Time{}, false
}

// apiValues are the filter as the API's parameters (report.ParseQuery, the
// export jobs).
func (f filter) apiValues() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	id := func(k string, n int64) {
		if n > 0 {
			v.Set(k, strconv.FormatInt(n, 10))
		}
	}
	set("from", f.From)
	set("to", f.To)
	set("interval", f.Interval)
	set("group_by", f.GroupBy)
	set("queue", f.Queue)
	id("team_id", f.TeamID)
	id("department_id", f.DepartmentID)
	id("agent_id", f.AgentID)
	set("direction", f.Direction)
	set("source", f.Source)
	set("level", f.Level)
	if f.CFKey != "" && f.CFValue != "" {
		v.Set("custom."+f.CFKey, f.CFValue)
	}
	return v
}

// pageValues are the filter as this page's parameters (links that keep
// the period preset, so that "today" stays today).
func (f filter) pageValues() url.Values {
	v := f.apiValues()
	v.Del("custom." + f.CFKey)
	if f.CFKey != "" {
		v.Set("cf_key", f.CFKey)
		v.Set("cf_value", f.CFValue)
	}
	if f.Period != PeriodCustom {
		v.Del("from")
		v.Del("to")
		v.Set("period", f.Period)
	}
	return v
}

// query turns the filter into the engine's query, through the API's own
// parser so that the page and the API read the same parameters alike.
func (f filter) query(loc *time.Location) (report.Query, error) {
	r := &http.Request{URL: &url.URL{RawQuery: f.apiValues().Encode()}}
	return report.ParseQuery(r, loc)
}

// with returns the page's URL for the filter with one parameter changed.
func (f filter) with(k, val string) string {
	v := f.pageValues()
	if val == "" {
		v.Del(k)
	} else {
		v.Set(k, val)
	}
	return Base + "?" + v.Encode()
}
