package complaint

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

// The report's figures from hand-made tickets.
func TestAggregate(t *testing.T) {
	t.Parallel()
	rows := []row{
		{createdAt: at("2026-04-30 09:00"), closedAt: at("2026-04-30 11:00"), status: StatusClosed, severity: SeverityMinor,
			liability: LiabilityAgent, penalty: 100000, agent: 7, dept: 1},
		{createdAt: at("2026-05-02 09:00"), closedAt: at("2026-05-03 09:00"), status: StatusClosed, severity: SeverityGeneral,
			liability: LiabilityAgent, penalty: 500000, agent: 7, dept: 1, resp: 9},
		{createdAt: at("2026-05-02 10:00"), deadline: at("2026-05-03 10:00"), status: StatusForwarded, severity: SeveritySerious,
			liability: LiabilityDepartment, penalty: 1000000, agent: 8, dept: 2, resp: 9},
		{createdAt: at("2026-05-03 10:00"), closedAt: at("2026-05-03 14:00"), status: StatusClosed, severity: SeverityMinor,
			liability: LiabilityNone, agent: 8, dept: 2},
		{createdAt: at("2026-05-04 08:00"), status: StatusOpen, severity: SeverityMinor, dept: 1},
	}
	f := ReportFilter{Since: at("2026-04-01 00:00"), Until: at("2026-06-01 00:00")}
	rep := aggregate(rows, f, at("2026-05-04 09:00"), time.UTC)
	if rep.Total != 5 || rep.Open != 2 || rep.Overdue != 1 || rep.PenaltyFen != 1600000 {
		t.Errorf("total %d open %d overdue %d penalty %d", rep.Total, rep.Open, rep.Overdue, rep.PenaltyFen)
	}
	checks := map[string]string{
		"severity":    "[{minor 3 100000} {general 1 500000} {serious 1 1000000}]",
		"status":      "[{open 1 0} {forwarded 1 1000000} {replied 0 0} {called_back 0 0} {closed 3 600000}]",
		"liability":   "[{pending 1 0} {agent 2 600000} {department 1 1000000} {none 1 0}]",
		"department":  "[{1 3 600000} {2 2 1000000}]",
		"responsible": "[{ 3 100000} {9 2 1500000}]",
		"agent":       "[{7 2 2 600000} {8 2 0 0} {0 1 0 0}]",
	}
	got := map[string]any{"severity": rep.BySeverity, "status": rep.ByStatus, "liability": rep.ByLiability,
		"department": rep.ByDepartment, "responsible": rep.ByResponsible, "agent": rep.ByAgent}
	for k, want := range checks {
		if s := fmt.Sprint(got[k]); s != want {
			t.Errorf("by %s: %s, want %s", k, s, want)
		}
	}
	if len(rep.Months) != 2 || rep.Months[0].Total != 1 || rep.Months[1].Total != 4 || rep.Months[1].Liable != 2 ||
		rep.Months[1].PenaltyFen != 1500000 {
		t.Errorf("months %+v", rep.Months)
	}
	if len(rep.AgentMonths) != 2 || rep.AgentMonths[0].AgentID != 7 || rep.AgentMonths[0].PenaltyFen != 100000 ||
		rep.AgentMonths[1].AgentID != 7 || rep.AgentMonths[1].PenaltyFen != 500000 || !rep.AgentMonths[1].Month.Equal(at("2026-05-01 00:00")) {
		t.Errorf("agent months %+v", rep.AgentMonths)
	}
	h := time.Hour.Milliseconds()
	if rep.ToClose != (Durations{Closed: 3, MeanMS: 10 * h, MedianMS: 4 * h}) {
		t.Errorf("to close %+v", rep.ToClose)
	}
}

// AgentMonth counts an agent's tickets of one month and the penalties of
// those they were held liable for; the report over the database agrees
// and follows the reader's scope.
func TestAgentMonthAndReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		sup := f.actor("sup-a")
		judge := func(severity, liability string) {
			c := f.ticket(severity)
			_, err := f.svc.Assess(f.ctx, sup, c.ID, AssessInput{Severity: severity, Liability: liability})
			must(t, err)
		}
		f.now = time.Date(2026, 4, 30, 23, 0, 0, 0, time.UTC)
		judge(SeveritySerious, LiabilityAgent) // April: not May's
		f.now = time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)
		judge(SeverityMinor, LiabilityAgent)
		judge(SeverityGeneral, LiabilityAgent)
		judge(SeverityGeneral, LiabilityNone)
		f.ticket(SeverityMinor) // pending
		fb, err := f.svc.Create(f.ctx, f.actor("sup-b"), Input{Content: "x", ContactPhone: "1", Severity: SeveritySerious,
			AgentID: f.ids["agent-b"], Liability: LiabilityAgent})
		must(t, err)

		got, err := AgentMonth(f.ctx, db, time.Date(2026, 5, 17, 0, 0, 0, 0, time.UTC))
		must(t, err)
		a1 := got[f.ids["agent-a1"]]
		if a1 != (AgentFigures{Complaints: 4, Liable: 2, Minor: 1, General: 1, PenaltyFen: 600000}) {
			t.Errorf("agent-a1 in May %+v", a1)
		}
		if b := got[f.ids["agent-b"]]; b.Serious != 1 || b.PenaltyFen != fb.PenaltyFen || len(got) != 2 {
			t.Errorf("May %+v", got)
		}
		april, err := AgentMonth(f.ctx, db, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		must(t, err)
		if april[f.ids["agent-a1"]].PenaltyFen != 1000000 {
			t.Errorf("April %+v", april)
		}

		rep, err := f.svc.Report(f.ctx, sup, ReportFilter{Since: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC),
			Until: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
		must(t, err)
		if rep.Total != 4 || rep.PenaltyFen != 600000 || len(rep.AgentMonths) != 1 || rep.AgentMonths[0].PenaltyFen != 600000 {
			t.Errorf("sup-a's May report %+v", rep)
		}
		other, err := f.svc.Report(f.ctx, f.actor("sup-b"), ReportFilter{Since: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC),
			Until: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
		must(t, err)
		if other.Total != 1 || other.ByAgent[0].AgentID != f.ids["agent-b"] {
			t.Errorf("sup-b's May report %+v", other)
		}
	})
}
