package appraisal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Month statuses: a month is open (computed live, a preview) until it is
// closed (frozen); a reopened month is open again.
const (
	statusOpen   = "open"
	statusClosed = "closed"
)

// MonthState is whether a scheme's month is closed, and who closed or
// reopened it.
type MonthState struct {
	Status       string    `json:"status"` // open or closed
	Version      int       `json:"version,omitempty"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	ClosedBy     string    `json:"closed_by,omitempty"`
	ReopenedAt   time.Time `json:"reopened_at,omitzero"`
	ReopenedBy   string    `json:"reopened_by,omitempty"`
	ReopenReason string    `json:"reopen_reason,omitempty"`
}

type monthRow struct {
	id int64
	MonthState
}

func getMonth(ctx context.Context, q store.Querier, scheme int64, m Month) (*monthRow, error) {
	var r monthRow
	var c, o int64
	err := q.QueryRowContext(ctx, `SELECT id, status, version, closed_at, closed_by, reopened_at, reopened_by, reopen_reason
		FROM appraisal_months WHERE scheme_id = $1 AND month = $2`, scheme, string(m)).
		Scan(&r.id, &r.Status, &r.Version, &c, &r.ClosedBy, &o, &r.ReopenedBy, &r.ReopenReason)
	if errors.Is(err, sql.ErrNoRows) {
		return &monthRow{MonthState: MonthState{Status: statusOpen}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("appraisal: month: %w", err)
	}
	r.ClosedAt, r.ReopenedAt = store.Time(c), store.Time(o)
	return &r, nil
}

// frozenTotals returns the totals of closed months in [from, to], per
// agent and month.
func frozenTotals(ctx context.Context, q store.Querier, from, to Month) (map[int64]map[Month]MonthTotal, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.agent_id, r.month, r.total FROM appraisal_results r
		JOIN appraisal_months am ON am.id = r.month_id WHERE am.status = $1 AND r.month >= $2 AND r.month <= $3`,
		statusClosed, string(from), string(to))
	if err != nil {
		return nil, fmt.Errorf("appraisal: closed totals: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[Month]MonthTotal{}
	for rows.Next() {
		var id int64
		var m Month
		var total sql.NullFloat64
		if err := rows.Scan(&id, &m, &total); err != nil {
			return nil, err
		}
		t := MonthTotal{Month: m, Closed: true}
		if total.Valid {
			t.Total = &total.Float64
		}
		if out[id] == nil {
			out[id] = map[Month]MonthTotal{}
		}
		out[id][m] = t
	}
	return out, rows.Err()
}

// frozenOf returns the agent's frozen appraisal of month m, nil when no
// closed month holds it.
func frozenOf(ctx context.Context, q store.Querier, agentID int64, m Month) (*Appraisal, error) {
	var detail string
	err := q.QueryRowContext(ctx, `SELECT r.detail FROM appraisal_results r JOIN appraisal_months am ON am.id = r.month_id
		WHERE am.status = $1 AND r.month = $2 AND r.agent_id = $3 ORDER BY am.closed_at DESC`, statusClosed, string(m), agentID).Scan(&detail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("appraisal: closed appraisal: %w", err)
	}
	var ap Appraisal
	if err := json.Unmarshal([]byte(detail), &ap); err != nil {
		return nil, fmt.Errorf("appraisal: closed appraisal of %d in %s: %w", agentID, m, err)
	}
	return &ap, nil
}

// MonthView is a scheme's appraisal of a month for the agents in the
// viewer's scope: live (computed now) while the month is open, as frozen
// when it is closed, with the definition of the version it uses.
type MonthView struct {
	SchemeID   int64       `json:"scheme_id"`
	SchemeName string      `json:"scheme_name"`
	Version    int         `json:"version"`
	Definition Definition  `json:"definition"`
	Month      Month       `json:"month"`
	State      MonthState  `json:"state"`
	Over       bool        `json:"over"` // the month has ended: it may be closed
	Currency   string      `json:"currency"`
	Agents     []Appraisal `json:"agents"`
}

// Month returns a scheme's appraisal of month m for the agents in a's scope.
func (s *Service) Month(ctx context.Context, a *org.Actor, schemeID int64, m Month) (*MonthView, error) {
	if err := a.Require(PermView); err != nil {
		return nil, err
	}
	sc, err := s.Scheme(ctx, schemeID)
	if err != nil {
		return nil, err
	}
	loc, st, err := s.location(ctx)
	if err != nil {
		return nil, err
	}
	row, err := getMonth(ctx, s.DB, schemeID, m)
	if err != nil {
		return nil, err
	}
	v := &MonthView{SchemeID: sc.ID, SchemeName: sc.Name, Version: sc.Version, Definition: sc.Definition, Month: m,
		State: row.MonthState, Over: !m.End(loc).After(s.Now()), Currency: st.Currency}
	if row.Status == statusClosed {
		ver, err := s.VersionOf(ctx, sc.ID, row.Version)
		if err != nil {
			return nil, err
		}
		v.Version, v.Definition = ver.Version, ver.Definition
		v.Agents, err = closedResults(ctx, s.DB, a, row.id)
		return v, err
	}
	members, err := s.members(ctx, a, sc.ID, m, loc)
	if err != nil {
		return nil, err
	}
	v.Agents, err = s.compute(ctx, sc, m, members, loc)
	return v, err
}

// members are the agents the scheme appraises in month m, in a's scope:
// employed in the month, and not frozen in another scheme's closed month.
func (s *Service) members(ctx context.Context, a *org.Actor, schemeID int64, m Month, loc *time.Location) ([]agent, error) {
	all, err := loadAgents(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	as, err := loadAssignment(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	frozen, err := frozenTotals(ctx, s.DB, m, m)
	if err != nil {
		return nil, err
	}
	var out []agent
	for _, x := range all {
		if _, done := frozen[x.ID][m]; done || as.schemeOf(x) != schemeID || !x.employed(m, loc) || !allows(a, x) {
			continue
		}
		out = append(out, x)
	}
	return out, nil
}

// resultColumns are the data-scope columns of frozen results.
var resultColumns = org.Columns{Owner: "r.agent_id", Team: "r.team_id", Department: "r.department_id"}

func closedResults(ctx context.Context, q store.Querier, a *org.Actor, monthID int64) ([]Appraisal, error) {
	var args store.Args
	where := "1=1"
	if !a.System {
		where = a.Scope.Filter(resultColumns, &args)
	}
	rows, err := q.QueryContext(ctx, `SELECT r.detail FROM appraisal_results r WHERE r.month_id = `+args.Add(monthID)+
		` AND `+where+` ORDER BY r.agent_id`, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("appraisal: closed results: %w", err)
	}
	defer rows.Close()
	out := []Appraisal{}
	for rows.Next() {
		var detail string
		if err := rows.Scan(&detail); err != nil {
			return nil, err
		}
		var ap Appraisal
		if err := json.Unmarshal([]byte(detail), &ap); err != nil {
			return nil, fmt.Errorf("appraisal: closed result: %w", err)
		}
		out = append(out, ap)
	}
	return out, rows.Err()
}

// AgentView is one agent's appraisal of a month with the manual entries
// of the month and their history.
type AgentView struct {
	Appraisal  Appraisal     `json:"appraisal"`
	Definition Definition    `json:"definition"`
	State      MonthState    `json:"state"`
	Currency   string        `json:"currency"`
	Entries    []Entry       `json:"entries"`
	Changes    []EntryChange `json:"changes"`
}

// Agent returns an agent's appraisal of month m: frozen when a closed
// month holds it, else computed live under the scheme that appraises the
// agent now.
func (s *Service) Agent(ctx context.Context, a *org.Actor, agentID int64, m Month) (*AgentView, error) {
	if err := a.Require(PermView); err != nil {
		return nil, err
	}
	tg, err := s.targetFor(ctx, a, agentID, m)
	if err != nil {
		return nil, err
	}
	loc, st, err := s.location(ctx)
	if err != nil {
		return nil, err
	}
	row, err := getMonth(ctx, s.DB, tg.scheme.ID, m)
	if err != nil {
		return nil, err
	}
	v := &AgentView{Definition: tg.scheme.Definition, State: row.MonthState, Currency: st.Currency}
	if tg.closed {
		fr, err := frozenOf(ctx, s.DB, agentID, m)
		if err != nil {
			return nil, err
		}
		ver, err := s.VersionOf(ctx, fr.SchemeID, fr.Version)
		if err != nil {
			return nil, err
		}
		v.Appraisal, v.Definition, v.State.Status = *fr, ver.Definition, statusClosed
	} else {
		aps, err := s.compute(ctx, tg.scheme, m, []agent{tg.agent}, loc)
		if err != nil {
			return nil, err
		}
		v.Appraisal, v.State.Status = aps[0], statusOpen
	}
	v.Entries, v.Changes, err = agentEntries(ctx, s.DB, v.Appraisal.SchemeID, agentID, m)
	return v, err
}
