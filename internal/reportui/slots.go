package reportui

import (
	"time"

	"github.com/hotline-cc/hotline/internal/report"
)

// slot is one interval of a chart's x axis.
type slot struct {
	Start, End time.Time
	Hour       int // hour_of_day slots: 0–23
}

// intervalOf returns the start and end of the row holding the instant t,
// the way the engine cuts a period into rows (report.Query's intervals):
// 15-minute buckets, half hours and hours of the local day, local days,
// weeks from Monday, calendar months.
func intervalOf(t time.Time, iv report.Interval, loc *time.Location) (time.Time, time.Time) {
	lt := t.In(loc)
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	switch iv {
	case report.Int15m:
		s := t.Truncate(report.Bucket)
		return s, s.Add(report.Bucket)
	case report.Int30m, report.Int60m:
		step := 30 * time.Minute
		if iv == report.Int60m {
			step = time.Hour
		}
		s := day.Add(lt.Sub(day) / step * step)
		return s, s.Add(step)
	case report.IntWeek:
		s := day.AddDate(0, 0, -((int(lt.Weekday()) + 6) % 7))
		return s, s.AddDate(0, 0, 7)
	case report.IntMonth:
		s := time.Date(lt.Year(), lt.Month(), 1, 0, 0, 0, 0, loc)
		return s, s.AddDate(0, 1, 0)
	}
	return day, day.AddDate(0, 0, 1)
}

// slots lists the intervals of the query's period up to now (a chart does
// not draw the empty future), the first and last clamped to the period as
// the engine's rows are. hour_of_day has the 24 hours.
func slots(q report.Query, loc *time.Location, now time.Time) []slot {
	if q.Interval == report.IntHourOfDay {
		out := make([]slot, 24)
		for h := range out {
			out[h] = slot{Start: q.From, End: q.To, Hour: h}
		}
		return out
	}
	if q.Interval == report.IntTotal {
		return []slot{{Start: q.From, End: q.To}}
	}
	end := q.To
	if now.Before(end) {
		end = now
	}
	var out []slot
	for at := q.From; at.Before(end); {
		s, e := intervalOf(at, q.Interval, loc)
		if s.Before(q.From) {
			s = q.From
		}
		if e.After(q.To) {
			e = q.To
		}
		out = append(out, slot{Start: s.UTC(), End: e.UTC()})
		at = e
	}
	return out
}

// index maps the rows of an ungrouped report to their slots.
func index(ss []slot, rows []report.Row) []*report.Row {
	out := make([]*report.Row, len(ss))
	byStart := map[int64]int{}
	for i, s := range ss {
		byStart[s.Start.UnixMilli()] = i
	}
	for i := range rows {
		r := &rows[i]
		if r.Hour != nil {
			if *r.Hour >= 0 && *r.Hour < len(out) && len(out) == 24 {
				out[*r.Hour] = r
			}
			continue
		}
		if len(ss) == 1 && ss[0].Start.Equal(r.Start) {
			out[0] = r
			continue
		}
		if j, ok := byStart[r.Start.UnixMilli()]; ok {
			out[j] = r
		}
	}
	return out
}

// chartInterval is the interval the line charts are drawn at: the
// report's, except that a report of one row draws hours (a day or two)
// or days.
func chartInterval(q report.Query) report.Interval {
	if q.Interval != report.IntTotal {
		return q.Interval
	}
	if q.To.Sub(q.From) <= 48*time.Hour {
		return report.Int60m
	}
	return report.IntDay
}

// slotLabel names a slot on an axis or in a table: times for intervals
// under a day (with the date when the period has several days), dates for
// days and weeks, the month for months.
func (f fmtr) slotLabel(s slot, iv report.Interval, loc *time.Location, multiDay bool) string {
	st, en := s.Start.In(loc), s.End.In(loc)
	switch iv {
	case report.IntHourOfDay:
		return time.Date(2000, 1, 1, s.Hour, 0, 0, 0, time.UTC).Format("15:04")
	case report.Int15m, report.Int30m, report.Int60m:
		if multiDay {
			return st.Format("01-02 15:04")
		}
		return st.Format("15:04")
	case report.IntDay:
		return st.Format("01-02") + " " + f.t("reports.wd."+st.Weekday().String()[:3])
	case report.IntWeek:
		return st.Format("01-02") + "–" + en.Add(-time.Millisecond).Format("01-02")
	case report.IntMonth:
		return st.Format("2006-01")
	}
	last := en.Add(-time.Millisecond)
	if last.Format(dateLayout) == st.Format(dateLayout) {
		return st.Format(dateLayout)
	}
	return st.Format(dateLayout) + " – " + last.Format(dateLayout)
}

// rowSlot is a report row as a slot.
func rowSlot(r report.Row) slot {
	s := slot{Start: r.Start, End: r.End}
	if r.Hour != nil {
		s.Hour = *r.Hour
	}
	return s
}
