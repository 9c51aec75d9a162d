package report

import (
	"context"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// maxRawCalls bounds a report computed straight from the records.
const maxRawCalls = 1_000_000

// recordsOnly reports whether only the records can answer the query: it
// filters by the calls' customers, or groups by a dimension the rollups
// keep per team and department only, for an actor who sees only their own
// calls or a filter by queue or agent.
func (qu Query) recordsOnly(sc org.Scope) bool {
	if qu.needsCustomers() {
		return true
	}
	return qu.GroupBy.isDim() && (sc.Kind == org.ScopeOwn || len(qu.Queues) > 0 || len(qu.AgentIDs) > 0)
}

// matchesCustomer applies the customer filters to a call.
func (qu Query) matchesCustomer(f callFacts) bool {
	if len(qu.Sources) > 0 && !known(qu.Sources, f.source) {
		return false
	}
	if len(qu.Levels) > 0 && !known(qu.Levels, f.level) {
		return false
	}
	for k, v := range qu.Custom {
		if f.custom[k] != v {
			return false
		}
	}
	return true
}

func factGroup(g GroupBy, f callFacts, k callKey) string {
	if g.isDim() {
		return dimValue(f, g)
	}
	return keyGroup(g, k)
}

// recordCalls computes the query from the records, a day at a time.
func (e *Engine) recordCalls(ctx context.Context, q store.Querier, qu Query, sc org.Scope, s Settings, lim map[string]limits) ([]crow, error) {
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM cdrs WHERE started_at >= $1 AND started_at < $2`,
		qu.From.UnixMilli(), qu.To.UnixMilli()).Scan(&n); err != nil {
		return nil, err
	}
	if n > maxRawCalls {
		return nil, apperr.Invalid("from", "%d calls match the period; with customer filters a report reads them one by one — "+
			"narrow the period to at most %d calls", n, maxRawCalls)
	}
	lf := limitsFor(s, lim)
	var out []crow
	for at := qu.From; at.Before(qu.To); at = at.Add(24 * time.Hour) {
		end := min(at.Add(24*time.Hour).UnixMilli(), qu.To.UnixMilli())
		facts, err := loadFacts(ctx, q, at, time.UnixMilli(end), s.fcrWindow())
		if err != nil {
			return nil, err
		}
		for _, f := range facts {
			if !qu.matchesCustomer(f) {
				continue
			}
			c := f.cdr
			b := BucketOf(c.StartedAt)
			if k := (callKey{b, lvlAgent, c.Queue, c.Direction, c.AgentID, c.TeamID, c.DepartmentID}); qu.keep(k, sc) {
				out = append(out, crow{b, factGroup(qu.GroupBy, f, k), classifyCall(c, f.repeated, f.scale, lf(c.Queue))})
			}
			for _, l := range f.legs {
				if k := (callKey{b, lvlAgent, l.Queue, c.Direction, l.AgentID, l.TeamID, l.DepartmentID}); qu.keep(k, sc) {
					out = append(out, crow{b, factGroup(qu.GroupBy, f, k), classifyLeg(l)})
				}
			}
		}
	}
	return out, nil
}
