package app

import (
	"context"
	"path/filepath"
	"time"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/alertui"
	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/appraisalui"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/complaintui"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/reportexport"
	"github.com/hotline-cc/hotline/internal/reportui"
	"github.com/hotline-cc/hotline/internal/satisfaction"
	"github.com/hotline-cc/hotline/internal/satisfactionui"
	"github.com/hotline-cc/hotline/internal/shift"
)

// Management holds the services a manager runs the center with: the
// operating metrics and reports, early warning, appraisal, satisfaction
// review and complaints. Each reads calls from calllog and keeps no second
// truth about a call. Every module adds its service here, opens it in
// openManagement, its API in managementRoutes, its pages in managementUI
// and its background loops in runManagement.
type Management struct {
	Reports *report.Engine // the 23 metrics, interval reports, rollups
	// Exports writes reports to CSV and XLSX in the background.
	Exports *reportexport.Service
	Shifts  *shift.Service // the schedule adherence and attendance are measured against
	Alerts  *alert.Service // early warning (预警): rules, evaluation, alert history
	// Satisfaction reviews very-unsatisfied ratings (满意度管理).
	Satisfaction *satisfaction.Service
	// Complaints handles complaint tickets (投诉管理).
	Complaints *complaint.Service
	// Appraisal scores agents monthly by schemes as data (绩效考核).
	Appraisal *appraisal.Service
}

// openManagement builds the management services (after the call floor's,
// before the API and UI that serve them).
func (a *App) openManagement(ctx context.Context) error {
	if err := a.openReports(ctx); err != nil {
		return err
	}
	a.Mgmt.Exports = reportexport.New(reportexport.Deps{DB: a.DB, Org: a.Org, Reports: a.Mgmt.Reports,
		Dir: filepath.Join(a.Cfg.DataDir, "exports"), Node: a.Node, Log: a.Log})
	if err := a.Mgmt.Exports.Start(ctx); err != nil {
		return err
	}
	a.Mgmt.Alerts = alert.New(alert.Deps{DB: a.DB, Org: a.Org, Queues: a.Queues, ACD: a.ACD, Notify: a.notify, Log: a.Log})
	a.Mgmt.Satisfaction = satisfaction.New(a.DB, a.Log)
	a.Mgmt.Complaints = complaint.New(a.DB, a.CRM, a.Log)
	// Complaints items count the tickets (complaint.AgentMonth); QA items
	// need manual values until quality inspection exists.
	a.Mgmt.Appraisal = appraisal.New(appraisal.Deps{DB: a.DB, Org: a.Org, Reports: a.Mgmt.Reports,
		Complaints: appraisal.ComplaintTickets{DB: a.DB}, Log: a.Log})
	if err := a.Mgmt.Appraisal.Start(ctx); err != nil {
		return err
	}
	return nil
}

// managementRoutes are the management modules' API routes.
func (a *App) managementRoutes() []api.Module {
	return []api.Module{a.Mgmt.Reports, a.Mgmt.Exports, a.Mgmt.Shifts, alert.Routes{Svc: a.Mgmt.Alerts},
		satisfaction.Routes{Svc: a.Mgmt.Satisfaction}, complaint.Routes{Svc: a.Mgmt.Complaints},
		appraisal.Routes{Svc: a.Mgmt.Appraisal}}
}

// managementUI adds the management modules' pages.
func (a *App) managementUI() error {
	if err := a.UI.AddModule(appraisalui.New(a.UI, a.Mgmt.Appraisal)); err != nil {
		return err
	}
	if err := a.UI.AddModule(alertui.New(a.UI, a.Mgmt.Alerts)); err != nil {
		return err
	}
	if err := a.UI.AddModule(satisfactionui.New(satisfactionui.Deps{UI: a.UI, Svc: a.Mgmt.Satisfaction, Org: a.Org,
		Recordings: a.Recs})); err != nil {
		return err
	}
	if err := a.UI.AddModule(complaintui.New(complaintui.Deps{UI: a.UI, Svc: a.Mgmt.Complaints, Org: a.Org,
		Recordings: a.Recs})); err != nil {
		return err
	}
	if err := a.UI.AddModule(reportui.New(reportui.Deps{UI: a.UI, DB: a.DB, Org: a.Org, Reports: a.Mgmt.Reports,
		Shifts: a.Mgmt.Shifts, Queues: a.Queues, CRM: a.CRM, ACD: a.ACD, Log: a.Log})); err != nil {
		return err
	}
	return nil
}

// runManagement starts the management modules' background loops; they end
// with ctx.
func (a *App) runManagement(ctx context.Context) {
	go a.Mgmt.Reports.Run(ctx)
	go a.Mgmt.Exports.Run(ctx)
	go a.Mgmt.Alerts.Eval.Run(ctx)
	go a.Mgmt.Satisfaction.Run(ctx, time.Minute)
}

// openReports builds the metrics engine, feeds it the call log's writes
// and the shifts' changes, and brings its rollups in line with the records.
func (a *App) openReports(ctx context.Context) error {
	m := &a.Mgmt
	m.Reports = report.New(a.DB, a.Org, a.Queues, a.Log)
	m.Shifts = shift.New(a.DB, a.Org)
	m.Shifts.Log = a.Log
	m.Shifts.OnChange = m.Reports.ShiftChanged
	contacted := a.CallLog.OnCDR
	a.CallLog.OnCDR = func(c calllog.CDR, legs []calllog.Leg) {
		if contacted != nil {
			contacted(c, legs)
		}
		m.Reports.ObserveCDR(c, legs)
	}
	a.CallLog.OnAmend = m.Reports.ObserveAmend
	return m.Reports.Start(ctx)
}
