package appraisal

import (
	"context"
	"log/slog"
	"time"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store"
)

// Permissions of the appraisal endpoints and pages.
var (
	PermView   = org.P("appraisal", "view")   // see appraisals in scope, and the schemes
	PermScore  = org.P("appraisal", "score")  // enter manual values
	PermManage = org.P("appraisal", "manage") // edit schemes, close and reopen months
)

// Reporter computes the reports metric items read (report.Engine).
type Reporter interface {
	Report(ctx context.Context, a *org.Actor, q report.Query) (*report.Result, error)
	Settings(ctx context.Context) (report.Settings, error)
}

// QASource gives quality-inspection figures (QAFigures) per agent for a
// month. Quality inspection is not built yet: NoQA answers that there is
// no QA data, and QA items then need a manual value.
type QASource interface {
	// Figures returns figure for those of agents who were inspected in
	// month; ok is false when QA has no results for the month at all.
	Figures(ctx context.Context, month Month, figure string, agents []int64) (map[int64]float64, bool, error)
}

// NoQA is the QA source while quality inspection does not exist.
type NoQA struct{}

// Figures implements QASource: no data.
func (NoQA) Figures(context.Context, Month, string, []int64) (map[int64]float64, bool, error) {
	return nil, false, nil
}

// ComplaintFigures are an agent's complaints registered in a month.
type ComplaintFigures struct {
	All     int     // tickets about the agent
	Liable  int     // of which the agent was held liable for
	Serious int     // liable and serious (already external)
	Penalty float64 // the liable ones' penalties, in the currency
}

// ComplaintSource counts complaints per agent for the month that starts
// at start (its location is the month's).
type ComplaintSource interface {
	AgentMonth(ctx context.Context, start time.Time) (map[int64]ComplaintFigures, error)
}

// Deps are what the service needs. DB, Org and Reports are required; QA
// defaults to NoQA, Complaints to the complaint tickets in DB.
type Deps struct {
	DB         *store.DB
	Org        *org.Service
	Reports    Reporter
	QA         QASource
	Complaints ComplaintSource
	Log        *slog.Logger
}

// Service keeps the schemes, the manual entries and the closed months,
// and computes appraisals.
type Service struct {
	Deps
	Now func() time.Time
}

// New returns the service; Start creates the default scheme.
func New(d Deps) *Service {
	if d.QA == nil {
		d.QA = NoQA{}
	}
	if d.Complaints == nil {
		d.Complaints = ComplaintTickets{DB: d.DB}
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{Deps: d, Now: time.Now}
}

// Start creates the default scheme (DefaultDefinition) when there is no
// scheme at all: on first start, since the last scheme cannot be deleted.
func (s *Service) Start(ctx context.Context) error {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM appraisal_schemes`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := s.CreateScheme(ctx, org.System(), SchemeInput{Name: DefaultName,
		Description: "DOMAIN.md §4: the seed's online-service model (docs/appraisal.md)", Definition: DefaultDefinition()})
	if isDuplicate(err) {
		return nil // another node created it first
	}
	return err
}

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }

// location is the reports' time zone: months are calendar months there.
func (s *Service) location(ctx context.Context) (*time.Location, report.Settings, error) {
	st, err := s.Reports.Settings(ctx)
	if err != nil {
		return nil, st, err
	}
	return st.Location(), st, nil
}
