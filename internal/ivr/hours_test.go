package ivr

import (
	"testing"
	"time"
)

// hoursNode: Monday to Friday 09:00-12:00 and 13:00-18:00 Beijing time,
// closed on National Day, a make-up workday (调休) on Sunday 2025-09-28 and a
// short day on 2025-09-30.
func hoursNode() *Node {
	day := []string{"09:00-12:00", "13:00-18:00"}
	return &Node{Type: TypeHours, Timezone: "Asia/Shanghai",
		Weekly: map[string][]string{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
		Holidays: []SpecialDay{
			{Date: "2025-10-01", Name: "国庆节"},
			{Date: "2025-09-30", Name: "节前", Hours: []string{"09:00-15:00"}},
		},
		Workdays: []SpecialDay{{Date: "2025-09-28", Name: "国庆调休"}},
		Open:     "open", Closed: "closed"}
}

func TestOpenAt(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, shanghai) }
	for _, c := range []struct {
		name string
		t    time.Time
		open bool
	}{
		{"Wednesday morning", at(2025, 6, 4, 10, 0), true},
		{"opening minute", at(2025, 6, 4, 9, 0), true},
		{"a minute before opening", at(2025, 6, 4, 8, 59), false},
		{"lunch break", at(2025, 6, 4, 12, 30), false},
		{"closing minute is closed (ranges are half-open)", at(2025, 6, 4, 18, 0), false},
		{"last open minute", at(2025, 6, 4, 17, 59), true},
		{"Saturday", at(2025, 6, 7, 10, 0), false},
		{"ordinary Sunday", at(2025, 9, 21, 10, 0), false},
		{"make-up Sunday uses Monday's hours", at(2025, 9, 28, 10, 0), true},
		{"make-up Sunday lunch break", at(2025, 9, 28, 12, 30), false},
		{"holiday on a Wednesday", at(2025, 10, 1, 10, 0), false},
		{"holiday with own hours, open", at(2025, 9, 30, 14, 0), true},
		{"holiday with own hours, closed", at(2025, 9, 30, 16, 0), false},
		{"UTC 01:30 is 09:30 in Shanghai", time.Date(2025, 6, 4, 1, 30, 0, 0, time.UTC), true},
		{"UTC Tuesday 23:30 is Wednesday 07:30 in Shanghai", time.Date(2025, 6, 3, 23, 30, 0, 0, time.UTC), false},
		{"New York Tuesday 22:00 is Wednesday 10:00 in Shanghai", time.Date(2025, 6, 3, 22, 0, 0, 0, ny), true},
		{"the holiday date is the Shanghai date", time.Date(2025, 9, 30, 17, 0, 0, 0, time.UTC), false},
	} {
		got, err := hoursNode().OpenAt(c.t)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.open {
			t.Errorf("%s (%s): open = %v, want %v", c.name, c.t, got, c.open)
		}
	}
}

func TestOpenAllDay(t *testing.T) {
	n := DemoFlow().Nodes["hours"]
	for h := 0; h < 24*7; h += 5 {
		tm := time.Date(2025, 1, 1, 0, 30, 0, 0, shanghai).Add(time.Duration(h) * time.Hour)
		if open, err := n.OpenAt(tm); err != nil || !open {
			t.Fatalf("demo hours closed at %s (%v)", tm, err)
		}
	}
}

func TestParseRange(t *testing.T) {
	for _, s := range []string{"09:00-18:00", "00:00-24:00", " 8:00-9:00"} {
		_, err := parseRange(s)
		if (err == nil) != (s != " 8:00-9:00") {
			t.Errorf("parseRange(%q): %v", s, err)
		}
	}
	for _, s := range []string{"18:00-09:00", "09:00-09:00", "24:01-24:30", "9-18", "09:60-10:00", "", "-", "22:00-06:00"} {
		if _, err := parseRange(s); err == nil {
			t.Errorf("parseRange(%q) accepted", s)
		}
	}
}
