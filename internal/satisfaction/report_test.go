package satisfaction

import (
	"fmt"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The report's figures from hand-made cases: counts by status, reason and
// agent, overdue call-backs, mean and median time to close, per day and
// per week (weeks start on Monday).
func TestAggregate(t *testing.T) {
	t.Parallel()
	rows := []row{
		{ratedAt: at("2026-05-01 10:00"), closedAt: at("2026-05-01 12:00"), status: StatusClosed, reasonID: 1, agentID: 7, teamID: 3},
		{ratedAt: at("2026-05-01 11:00"), closedAt: at("2026-05-02 11:00"), status: StatusClosed, reasonID: 1, agentID: 7, teamID: 3},
		{ratedAt: at("2026-05-03 09:00"), closedAt: at("2026-05-03 13:00"), status: StatusClosed, reasonID: 2, agentID: 8, teamID: 4},
		{ratedAt: at("2026-05-03 10:00"), dueAt: at("2026-05-03 12:00"), status: StatusAssigned, reasonID: 2, agentID: 8, teamID: 4},
		{ratedAt: at("2026-05-04 08:00"), status: StatusNew},
	}
	now := at("2026-05-04 09:00")
	f := ReportFilter{Since: at("2026-05-01 00:00"), Until: at("2026-05-05 00:00"), Period: PeriodDay}
	rep := aggregate(rows, f, now, time.UTC)
	if rep.Total != 5 || rep.Open != 2 || rep.Overdue != 1 {
		t.Errorf("total %d open %d overdue %d", rep.Total, rep.Open, rep.Overdue)
	}
	if got := fmt.Sprint(rep.ByStatus); got != "[{new 1} {reviewed 0} {assigned 1} {called_back 0} {closed 3}]" {
		t.Errorf("by status %s", got)
	}
	if got := fmt.Sprint(rep.ByReason); got != "[{1 2} {2 2} { 1}]" {
		t.Errorf("by reason %s", got)
	}
	if got := fmt.Sprint(rep.ByAgent); got != "[{7 2 0 2 0} {8 2 1 1 1} {0 1 1 0 0}]" {
		t.Errorf("by agent %s", got)
	}
	if got := fmt.Sprint(rep.ByTeam); got != "[{3 2 0 2 0} {4 2 1 1 1} {0 1 1 0 0}]" {
		t.Errorf("by team %s", got)
	}
	h := time.Hour.Milliseconds()
	if rep.ToClose != (Durations{Closed: 3, MeanMS: 10 * h, MedianMS: 4 * h}) {
		t.Errorf("to close %+v", rep.ToClose)
	}
	want := []PeriodRow{
		{Start: at("2026-05-01 00:00"), Opened: 2, Durations: Durations{Closed: 2, MeanMS: 13 * h, MedianMS: 13 * h}},
		{Start: at("2026-05-02 00:00")},
		{Start: at("2026-05-03 00:00"), Opened: 2, Durations: Durations{Closed: 1, MeanMS: 4 * h, MedianMS: 4 * h}},
		{Start: at("2026-05-04 00:00"), Opened: 1},
	}
	if fmt.Sprint(rep.Periods) != fmt.Sprint(want) {
		t.Errorf("periods\n%v\nwant\n%v", rep.Periods, want)
	}
	f.Period = PeriodWeek
	weeks := aggregate(rows, f, now, time.UTC).Periods
	if len(weeks) != 2 || !weeks[0].Start.Equal(at("2026-04-27 00:00")) || weeks[0].Opened != 4 || weeks[1].Opened != 1 ||
		weeks[0].Closed != 3 {
		t.Errorf("weeks %+v", weeks)
	}
	f.Period = PeriodMonth
	if months := aggregate(rows, f, now, time.UTC).Periods; len(months) != 1 || months[0].Opened != 5 {
		t.Errorf("months %+v", months)
	}
}

// The report over the database counts what the workflow did, in the
// reader's scope.
func TestReportFromCases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		start := f.now
		sup := f.actor("sup-a")
		for i, call := range []string{"r1", "r2", "r3"} {
			f.rate(call, "agent-a1", 1, start.Add(time.Duration(i)*time.Minute))
		}
		f.rate("rb", "agent-b", 1, start)
		f.rate("ok", "agent-a1", 5, start)
		reason := f.reason("knowledge")
		closeAfter := func(call string, d time.Duration) {
			id := f.caseOf(call)
			_, err := f.svc.Review(f.ctx, sup, id, ReviewInput{ReasonID: reason, Finding: "不熟悉套餐"})
			must(t, err)
			_, err = f.svc.Assign(f.ctx, sup, id, AssignInput{TeamID: f.AS, DueAt: f.now.Add(time.Hour)})
			must(t, err)
			_, err = f.svc.CallBack(f.ctx, sup, id, CallbackInput{Result: ResultResolved, Note: "已解释"})
			must(t, err)
			f.now = f.now.Add(d)
			_, err = f.svc.Close(f.ctx, sup, id, CloseInput{Outcome: "已培训"})
			must(t, err)
		}
		closeAfter("r1", time.Hour)
		closeAfter("r2", 3*time.Hour)
		id := f.caseOf("r3")
		_, err := f.svc.Review(f.ctx, sup, id, ReviewInput{ReasonID: reason, Finding: "同上"})
		must(t, err)
		_, err = f.svc.Assign(f.ctx, sup, id, AssignInput{TeamID: f.AS, DueAt: f.now.Add(time.Minute)})
		must(t, err)
		f.now = f.now.Add(time.Hour) // the call-back is now overdue

		rep, err := f.svc.Report(f.ctx, sup, ReportFilter{Since: start.Add(-time.Hour), Until: start.Add(24 * time.Hour), Period: PeriodDay})
		must(t, err)
		if rep.Total != 3 || rep.Open != 1 || rep.Overdue != 1 || len(rep.OverdueCases) != 1 || rep.OverdueCases[0].CallID != "r3" {
			t.Errorf("report %+v", rep)
		}
		// r1 closed 1 h after the start (its rating), r2 4 h after its
		// rating a minute later: mean and median of the two.
		if rep.ToClose.Closed != 2 || rep.ToClose.MedianMS != rep.ToClose.MeanMS {
			t.Errorf("to close %+v", rep.ToClose)
		}
		r1, r2 := time.Hour, 4*time.Hour-time.Minute
		if want := ((r1 + r2) / 2).Milliseconds(); rep.ToClose.MeanMS != want {
			t.Errorf("mean %d, want %d", rep.ToClose.MeanMS, want)
		}
		if len(rep.ByReason) != 1 || rep.ByReason[0].N != 3 || len(rep.ByAgent) != 1 || rep.ByAgent[0].ID != f.ids["agent-a1"] {
			t.Errorf("by reason %+v by agent %+v", rep.ByReason, rep.ByAgent)
		}
		other, err := f.svc.Report(f.ctx, f.actor("sup-b"), ReportFilter{Since: start.Add(-time.Hour), Until: start.Add(24 * time.Hour)})
		must(t, err)
		if other.Total != 1 || other.Overdue != 0 || len(other.OverdueCases) != 0 {
			t.Errorf("sup-b's report %+v", other)
		}
		if _, err := f.svc.Report(f.ctx, sup, ReportFilter{Period: "year"}); err == nil {
			t.Error("a bad period is accepted")
		}
	})
}
