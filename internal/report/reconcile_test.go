package report

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	cl "github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// Calls written while no worker ran (here by the bulk writer, which
// observes nothing) show in the reports after the next start, read window
// by window over several hours, and the mark of the last CDR seen moves to
// the last of them.
func TestStartReconcilesCallsNobodyObserved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := goldenDay(t, db)
		if err := s.eng.Sync(s.ctx); err != nil {
			t.Fatal(err)
		}
		day := Query{From: s.day, To: s.day.AddDate(0, 0, 1), Interval: IntDay}
		total := func(e *Engine) float64 {
			t.Helper()
			res, err := e.Report(s.ctx, s.actors["admin2"], day)
			if err != nil {
				t.Fatal(err)
			}
			return res.Total.Values["total_calls"].V
		}
		before := total(s.eng)

		// Five calls, 90 minutes apart from 17:00 (so in five reconcile
		// windows), each ending 2 s after it started.
		bulk := cl.NewBulk(db)
		var lastEnd time.Time
		for i := range 5 {
			at := s.at("17:00:00").Add(time.Duration(i) * 90 * time.Minute)
			lastEnd = at.Add(2 * time.Second)
			if _, err := bulk.AddCall(s.ctx, []cl.Event{
				{CallID: fmt.Sprintf("bulk-%d", i), At: at, Type: cl.CallOffered, Data: cl.Data{Direction: "inbound", From: "13900000000", To: "8000"}},
				{CallID: fmt.Sprintf("bulk-%d", i), At: lastEnd, Type: cl.CallEnded, Data: cl.Data{By: "caller"}},
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := bulk.Flush(s.ctx); err != nil {
			t.Fatal(err)
		}

		// A restart: a new engine on the same database.
		eng := New(db, s.org, queues.New(db), nil)
		if err := eng.Start(s.ctx); err != nil {
			t.Fatal(err)
		}
		if err := eng.Sync(s.ctx); err != nil {
			t.Fatal(err)
		}
		if got := total(eng); got != before+5 {
			t.Fatalf("total calls after the restart: %v, want %v", got, before+5)
		}
		seen, err := getState(s.ctx, db, stateCDRsSeen)
		if err != nil || seen != strconv.FormatInt(lastEnd.UnixMilli(), 10) {
			t.Fatalf("last CDR seen: %q %v, want %d", seen, err, lastEnd.UnixMilli())
		}
	})
}
