package reportui

import (
	"fmt"
	"math"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

func fl(x float64) *float64 { return &x }

// The ASA trend is the least-squares line: through y = 10 + 2x exactly,
// and through the middle of noisy points; gaps are skipped, the line is
// drawn from the first point to the last.
func TestTrend(t *testing.T) {
	line := trend([]*float64{nil, fl(12), fl(14), nil, fl(18), nil})
	want := []*float64{nil, fl(12), fl(14), fl(16), fl(18), nil}
	for i := range want {
		if (want[i] == nil) != (line[i] == nil) || (want[i] != nil && math.Abs(*want[i]-*line[i]) > 1e-9) {
			t.Fatalf("trend %d: %v, want %v", i, deref(line), deref(want))
		}
	}
	// (0,1) (1,3) (2,2): slope 0.5, intercept 1.5.
	if got := trend([]*float64{fl(1), fl(3), fl(2)}); *got[0] != 1.5 || *got[2] != 2.5 {
		t.Errorf("noisy trend %v", deref(got))
	}
	if trend([]*float64{nil, fl(5), nil}) != nil {
		t.Error("a trend through one point")
	}
}

func deref(xs []*float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		if x != nil {
			out[i] = *x
		}
	}
	return out
}

// The x axis cuts the period as the engine's rows do, up to now.
func TestSlots(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, loc) // a Monday
	q := func(from, to time.Time, iv report.Interval) report.Query {
		return report.Query{From: from.UTC(), To: to.UTC(), Interval: iv}
	}
	far := day.AddDate(1, 0, 0)
	cases := []struct {
		name  string
		q     report.Query
		now   time.Time
		n     int
		first string
		last  string
	}{
		{"half hours of a day", q(day, day.AddDate(0, 0, 1), report.Int30m), far, 48, "00:00", "23:30"},
		{"hours up to now", q(day, day.AddDate(0, 0, 1), report.Int60m), day.Add(10*time.Hour + 5*time.Minute), 11, "00:00", "10:00"},
		{"quarter hours", q(day, day.Add(2*time.Hour), report.Int15m), far, 8, "00:00", "01:45"},
		{"weeks from a Wednesday", q(day.AddDate(0, 0, 2), day.AddDate(0, 0, 16), report.IntWeek), far, 3, "03-04", "03-16"},
		{"months", q(day, day.AddDate(0, 2, 0), report.IntMonth), far, 3, "2026-03", "2026-05"},
		{"hours of the day", q(day, day.AddDate(0, 0, 7), report.IntHourOfDay), far, 24, "00:00", "23:00"},
	}
	for _, c := range cases {
		ss := slots(c.q, loc, c.now)
		if len(ss) != c.n {
			t.Errorf("%s: %d slots, want %d", c.name, len(ss), c.n)
			continue
		}
		first, last := ss[0].Start.In(loc), ss[len(ss)-1].Start.In(loc)
		f, l := first.Format("15:04"), last.Format("15:04")
		switch c.q.Interval {
		case report.IntWeek:
			f, l = first.Format("01-02"), last.Format("01-02")
		case report.IntMonth:
			f, l = first.Format("2006-01"), last.Format("2006-01")
		case report.IntHourOfDay:
			f, l = (time.Duration(ss[0].Hour) * time.Hour).String(), (time.Duration(ss[23].Hour) * time.Hour).String()
			if f != "0s" || l != "23h0m0s" {
				t.Errorf("%s: hours %s … %s", c.name, f, l)
			}
			continue
		}
		if f != c.first || l != c.last {
			t.Errorf("%s: %s … %s, want %s … %s", c.name, f, l, c.first, c.last)
		}
	}
	// A week row starting mid-week is clamped to the period, as the engine's.
	ss := slots(q(day.AddDate(0, 0, 2), day.AddDate(0, 0, 16), report.IntWeek), loc, far)
	if !ss[0].Start.Equal(day.AddDate(0, 0, 2)) || !ss[1].Start.Equal(day.AddDate(0, 0, 7)) || !ss[2].End.Equal(day.AddDate(0, 0, 16)) {
		t.Errorf("week slots %v", ss)
	}
}

// Figures read in their units: seconds as m:ss, percents, money in the
// currency, counts with separators; bands as the documents write them.
func TestFormat(t *testing.T) {
	f := fmtr{lang: web.LangEN, currency: "CNY", t: func(k string, args ...any) string {
		m := map[string]string{"reports.unit.s": "s", "reports.unit.min": "min", "reports.unit.rings": "rings",
			"reports.unit.per_hour": "%s/h", "reports.note.no_schedule": "no schedule"}
		s, ok := m[k]
		if !ok {
			return k
		}
		if len(args) > 0 {
			return fmt.Sprintf(s, args...)
		}
		return s
	}}
	m := func(k string) report.Metric { x, _ := report.MetricByKey(k); return x }
	for _, c := range []struct {
		key  string
		v    report.Value
		want string
	}{
		{"asa", report.Value{V: 27.71, OK: true}, "0:28"},
		{"aht", report.Value{V: 3725, OK: true}, "1:02:05"},
		{"service_level", report.Value{V: 80, OK: true}, "80.0%"},
		{"cost_per_call", report.Value{V: 4.256, OK: true}, "¥4.26"},
		{"total_calls", report.Value{V: 1234567, OK: true}, "1,234,567"},
		{"traffic_erlangs", report.Value{V: 0.456, OK: true}, "0.46 Erl"},
		{"calls_per_hour", report.Value{V: 5.25, OK: true}, "5.2/h"},
		{"adherence", report.Value{Note: report.NoteNoSchedule}, "no schedule"},
	} {
		if got := f.value(m(c.key), c.v); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.key, c.v, got, c.want)
		}
	}
	for _, c := range []struct {
		key  string
		b    report.Band
		want string
	}{
		{"adherence", report.Band{Lo: fl(92)}, "≥ 92%"},
		{"asa", report.Band{Hi: fl(20)}, "≤ 20 s"},
		{"acw", report.Band{Lo: fl(30), Hi: fl(60)}, "30–60 s"},
		{"aht", report.Band{Lo: fl(180), Hi: fl(600)}, "3–10 min"},
		{"cost_per_call", report.Band{Lo: fl(2), Hi: fl(5)}, "¥2–5"},
		{"rings", report.Band{Lo: fl(2), Hi: fl(4)}, "2–4 rings"},
		{"total_calls", report.Band{}, "—"},
	} {
		if got := f.band(m(c.key), c.b); got != c.want {
			t.Errorf("band %s: %q, want %q", c.key, got, c.want)
		}
	}
}

// The filter's presets give the dates of the report's time zone, and the
// page's parameters become the API's (custom fields included).
func TestFilter(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, loc) // a Wednesday
	for p, want := range map[string][2]string{
		PeriodToday: {"2026-03-04", "2026-03-04"}, PeriodYesterday: {"2026-03-03", "2026-03-03"},
		PeriodThisWeek: {"2026-03-02", "2026-03-04"}, PeriodLast7: {"2026-02-26", "2026-03-04"},
		PeriodThisMonth: {"2026-03-01", "2026-03-04"}, PeriodLastMonth: {"2026-02-01", "2026-02-28"},
	} {
		f := readFilter(httptest.NewRequest("GET", "/reports?period="+p, nil), loc, now)
		if f.From != want[0] || f.To != want[1] {
			t.Errorf("%s: %s – %s, want %s – %s", p, f.From, f.To, want[0], want[1])
		}
	}
	f := readFilter(httptest.NewRequest("GET", "/reports?from=2026-01-05&to=2026-01-11&group_by=agent&cf_key=industry&cf_value=教育&team_id=3", nil), loc, now)
	if f.Period != PeriodCustom || f.Interval != "day" {
		t.Fatalf("dates without a period: %+v", f)
	}
	q, err := f.query(loc)
	if err != nil {
		t.Fatal(err)
	}
	if !q.From.Equal(time.Date(2026, 1, 5, 0, 0, 0, 0, loc)) || !q.To.Equal(time.Date(2026, 1, 12, 0, 0, 0, 0, loc)) ||
		q.GroupBy != report.GroupAgent || q.Custom["industry"] != "教育" || len(q.TeamIDs) != 1 || q.TeamIDs[0] != 3 {
		t.Errorf("query %+v", q)
	}
	// A link in the API's form (custom.KEY) is read too, and today's page
	// keeps its preset in links.
	g := readFilter(httptest.NewRequest("GET", "/reports?custom.industry=金融", nil), loc, now)
	if g.CFKey != "industry" || g.CFValue != "金融" || g.Period != PeriodToday || g.Interval != "60m" {
		t.Errorf("API-form filter %+v", g)
	}
	if got := g.with("interval", "30m"); got != "/reports?cf_key=industry&cf_value=%E9%87%91%E8%9E%8D&interval=30m&period=today" {
		t.Errorf("link %s", got)
	}
}
