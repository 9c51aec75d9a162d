package alert

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
)

// QueueLister lists the configured queues (queues.Service).
type QueueLister interface {
	List(ctx context.Context) ([]queues.Queue, error)
}

// LiveSource is where the live figures come from (acd.Engine).
type LiveSource interface {
	Snapshot() acd.Snapshot
}

// Deps are what the service needs. DB, Org, Queues and ACD are required.
type Deps struct {
	DB     *store.DB
	Org    *org.Service
	Queues QueueLister
	ACD    LiveSource
	Notify org.Notifier // publishes alert events (the app's event bus); nil: none
	Log    *slog.Logger
}

// Service keeps the rules and the alert history and runs the Evaluator.
type Service struct {
	DB   *store.DB
	Org  *org.Service
	Eval *Evaluator
	Log  *slog.Logger
}

// New returns the service with its evaluator (not yet running).
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	ev := &Evaluator{DB: d.DB, Queues: d.Queues, ACD: d.ACD, Notify: d.Notify, Log: d.Log,
		Interval: DefaultInterval, ResumeWithin: DefaultResumeWithin, Now: time.Now}
	return &Service{DB: d.DB, Org: d.Org, Eval: ev, Log: d.Log}
}

// Columns are the data-scope columns of alerts: the queue's department.
var Columns = org.Columns{Department: "department_id"}

// scope returns the scope alerts are filtered with: the actor's own, except
// that a team-scope actor (a team leader) sees the queues of their own
// department — the queues their team answers — and not only rows they
// own, which alerts have none of. Own-scope actors see nothing.
func (s *Service) scope(ctx context.Context, a *org.Actor) (org.Scope, error) {
	if a.System {
		return org.Scope{Kind: org.ScopeAll}, nil
	}
	sc := a.Scope
	if sc.Kind != org.ScopeTeam {
		return sc, nil
	}
	u, err := s.Org.User(ctx, a, a.UserID)
	if err != nil {
		return org.Scope{}, fmt.Errorf("alert: scope of %s: %w", a.Username, err)
	}
	dept := u.DepartmentID
	if dept == 0 && u.TeamID != 0 {
		tm, err := s.Org.Team(ctx, u.TeamID)
		if err != nil {
			return org.Scope{}, fmt.Errorf("alert: scope of %s: %w", a.Username, err)
		}
		dept = tm.DepartmentID
	}
	out := org.Scope{Kind: org.ScopeDepartment, UserID: a.UserID}
	if dept != 0 {
		out.DeptIDs = []int64{dept}
	}
	return out, nil
}

// where is the SQL condition restricting rows with a department_id column
// (alert_episodes, queues) to the actor's scope.
func (s *Service) where(ctx context.Context, a *org.Actor, args *store.Args) (string, error) {
	sc, err := s.scope(ctx, a)
	if err != nil {
		return "", err
	}
	return sc.Filter(Columns, args), nil
}

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }

// Status returns the figures and alert levels of the queues in the actor's
// scope at the last evaluation.
func (s *Service) Status(ctx context.Context, a *org.Actor) ([]QueueStatus, error) {
	qs, err := s.scopedQueues(ctx, a, 0)
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	for _, q := range qs {
		in[q.ID] = true
	}
	out := []QueueStatus{}
	for _, st := range s.Eval.Status() {
		if in[st.QueueID] {
			out = append(out, st)
		}
	}
	return out, nil
}

// Levels are a rule's levels, for pages that colour figures by them.
type Levels struct {
	Enabled  bool    `json:"enabled"`
	Warning  float64 `json:"warning"`
	Critical float64 `json:"critical"`
}

// Levels returns the levels of every rule by queue ID ("0": the defaults)
// and metric: a queue without its own rule for a metric takes the
// default's. Thresholds are configuration, not data in a scope: the
// wallboard, which shows every queue, colours its figures with them.
func (rs Rules) Levels() map[int64]map[Metric]Levels {
	out := map[int64]map[Metric]Levels{}
	for qid, byMetric := range rs {
		out[qid] = map[Metric]Levels{}
		for m, r := range byMetric {
			out[qid][m] = Levels{Enabled: r.Enabled, Warning: r.Warning, Critical: r.Critical}
		}
	}
	return out
}
