package reportexport

import (
	"bytes"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/report"
)

// roundTrip computes reports with the engine on real data, writes them,
// reads the files back and finds every figure of every row, group and
// total — for the administrator, a team leader and a supervisor (whose
// scope the report applies), grouped and not, in both languages.
func roundTrip(t *testing.T, f *fixture) {
	eng := f.eng
	totals := map[string]float64{}
	for _, c := range []struct {
		who  string
		q    report.Query
		lang string
	}{
		{"admin2", f.month(report.GroupNone), LangEN},
		{"lead-a", f.month(report.GroupAgent), LangZH},
		{"lead-a", report.Query{From: f.day(2), To: f.day(4), Interval: report.Int60m, GroupBy: report.GroupQueue}, LangEN},
		{"sup", report.Query{From: f.day(2), To: f.day(4), Interval: report.IntHourOfDay}, LangZH},
	} {
		res, err := eng.Report(f.ctx, f.actors[c.who], c.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) == 0 || !res.Total.Values["total_calls"].OK {
			t.Fatalf("%s: an empty report: %+v", c.who, res.Total.Values["total_calls"])
		}
		if c.q.Interval == report.IntDay {
			totals[c.who] = res.Total.Values["total_calls"].V
		}
		if c.q.GroupBy == report.GroupNone && c.q.Interval == report.IntDay {
			// The figures the files are checked against are real ones.
			for _, k := range []string{"asa", "aht", "hold_time", "service_level", "abandon_rate", "csat", "occupancy", "calls_per_hour", "cost_per_call"} {
				if v := res.Total.Values[k]; !v.OK && k != "cost_per_call" || v.OK && k == "cost_per_call" {
					t.Errorf("%s: %s = %+v", c.who, k, v)
				}
			}
		}
		x := &Export{Result: res, Lang: c.lang, By: c.who, Scope: f.actors[c.who].Scope.Kind, At: time.Now()}
		var xb, cb bytes.Buffer
		if err := WriteXLSX(&xb, x); err != nil {
			t.Fatal(err)
		}
		if err := WriteCSV(&cb, x); err != nil {
			t.Fatal(err)
		}
		checkXLSX(t, xb.Bytes(), res, c.lang)
		checkCSV(t, cb.Bytes(), res, c.lang)
	}
	// 10 calls in the two days; the leader of 一组 sees agent-a's 4.
	if totals["admin2"] != 10 || totals["lead-a"] != 4 {
		t.Errorf("total calls: admin %v, leader %v", totals["admin2"], totals["lead-a"])
	}
}
