package ivr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // business hours need IANA zones (Asia/Shanghai) even on hosts without zoneinfo
)

// weekdayKeys are the keys of Node.Weekly, indexed by time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// span is a half-open range of minutes since midnight, [from, to).
type span struct{ from, to int }

// schedule is an hours node compiled for evaluation.
type schedule struct {
	loc      *time.Location
	weekly   [7][]span
	holidays map[string][]span // nil slice: closed all day
	workdays map[string][]span
}

// parseRange reads "HH:MM-HH:MM" with 00:00 <= from < to <= 24:00.
func parseRange(s string) (span, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return span{}, fmt.Errorf("time range %q must look like \"09:00-18:00\"", s)
	}
	from, err1 := parseClock(a)
	to, err2 := parseClock(b)
	switch {
	case err1 != nil || err2 != nil:
		return span{}, fmt.Errorf("time range %q must look like \"09:00-18:00\"", s)
	case from >= to:
		return span{}, fmt.Errorf("time range %q must end after it starts (split ranges that cross midnight)", s)
	}
	return span{from, to}, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("bad time")
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, fmt.Errorf("bad time")
	}
	return hh*60 + mm, nil
}

func parseRanges(list []string) ([]span, error) {
	out := make([]span, 0, len(list))
	for _, s := range list {
		sp, err := parseRange(s)
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

// compileHours builds the schedule of an hours node (validated or not; errors
// carry no path, Validate adds it).
func compileHours(n *Node) (*schedule, error) {
	loc, err := time.LoadLocation(n.Timezone)
	if err != nil || n.Timezone == "" {
		return nil, fmt.Errorf("unknown timezone %q (want an IANA name like Asia/Shanghai)", n.Timezone)
	}
	s := &schedule{loc: loc, holidays: map[string][]span{}, workdays: map[string][]span{}}
	for i, key := range weekdayKeys {
		if s.weekly[i], err = parseRanges(n.Weekly[key]); err != nil {
			return nil, err
		}
	}
	for _, d := range n.Holidays {
		if s.holidays[d.Date], err = parseRanges(d.Hours); err != nil {
			return nil, err
		}
	}
	for _, d := range n.Workdays {
		sp := s.weekly[time.Monday]
		if len(d.Hours) > 0 {
			if sp, err = parseRanges(d.Hours); err != nil {
				return nil, err
			}
		}
		s.workdays[d.Date] = sp
	}
	return s, nil
}

// openAt reports whether t falls in opening hours. A holiday wins over a
// make-up workday on the same date (Validate refuses both anyway).
func (s *schedule) openAt(t time.Time) bool {
	lt := t.In(s.loc)
	date := lt.Format(time.DateOnly)
	minute := lt.Hour()*60 + lt.Minute()
	spans, ok := s.holidays[date]
	if !ok {
		spans, ok = s.workdays[date]
	}
	if !ok {
		spans = s.weekly[lt.Weekday()]
	}
	for _, sp := range spans {
		if minute >= sp.from && minute < sp.to {
			return true
		}
	}
	return false
}

// OpenAt reports whether an hours node is open at t: holidays close the day
// (or use their own hours), make-up workdays (调休) open a weekend date with
// Monday's hours (or their own), and other dates follow the weekly schedule,
// all in the node's timezone.
func (n *Node) OpenAt(t time.Time) (bool, error) {
	if n.Type != TypeHours {
		return false, fmt.Errorf("ivr: OpenAt on a %s node", n.Type)
	}
	s, err := compileHours(n)
	if err != nil {
		return false, err
	}
	return s.openAt(t), nil
}
