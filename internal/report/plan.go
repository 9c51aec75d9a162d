package report

import (
	"context"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
)

// maxRaw bounds the buckets a report computes from the records when their
// rollups are behind (two days); beyond it the report reads the rollups as
// they are and says it is stale.
const maxRaw = 192

// plan is where each part of a report's period is read from: whole local
// days from the day rollups, other buckets from the 15-minute rollups, and
// buckets whose rollups are behind straight from the records.
type plan struct {
	callDays  []int64 // local days read from rep_calls_day / rep_dims_day
	agentDays []int64 // ... from rep_agents_day
	callRaw   []int64 // buckets computed from the records
	agentRaw  []int64
	stale     bool
}

func dirtySet(ctx context.Context, q store.Querier, kind string, from, to int64) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT bucket FROM rep_dirty WHERE kind = $1 AND bucket >= $2 AND bucket < $3`, kind, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var b int64
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out[b] = true
	}
	return out, rows.Err()
}

// makePlan decides where each part of [from, to) is read from.
func makePlan(ctx context.Context, q store.Querier, qu Query, loc *time.Location, now time.Time) (plan, error) {
	var p plan
	from, to := qu.From.UnixMilli(), qu.To.UnixMilli()
	dayFrom := dayStart(from, loc)
	dc, err := dirtySet(ctx, q, DirtyCalls, from, to)
	if err != nil {
		return p, err
	}
	da, err := dirtySet(ctx, q, DirtyAgents, from, to)
	if err != nil {
		return p, err
	}
	dcd, err := dirtySet(ctx, q, dirtyCallsDay, dayFrom, to)
	if err != nil {
		return p, err
	}
	dad, err := dirtySet(ctx, q, dirtyAgentsDay, dayFrom, to)
	if err != nil {
		return p, err
	}
	until, _, err := stateInt(ctx, q, stateAgentsUntil)
	if err != nil {
		return p, err
	}
	b := Bucket.Milliseconds()
	nowMS := now.UnixMilli()
	callDay, agentDay := map[int64]bool{}, map[int64]bool{}
	if qu.Interval.daily() {
		for d := dayFrom; d < to; d = nextDay(d, loc) {
			end := nextDay(d, loc)
			if d < from || end > to || end > nowMS {
				continue
			}
			if !dcd[d] && !anyIn(dc, d, end) {
				callDay[d] = true
				p.callDays = append(p.callDays, d)
			}
			if end <= until && !dad[d] && !anyIn(da, d, end) {
				agentDay[d] = true
				p.agentDays = append(p.agentDays, d)
			}
		}
	}
	for at := from; at < to; at += b {
		day := dayStart(at, loc)
		if !callDay[day] && dc[at] {
			p.callRaw = append(p.callRaw, at)
		}
		if !agentDay[day] && at < nowMS && (at >= until || da[at]) {
			p.agentRaw = append(p.agentRaw, at)
		}
	}
	p.callRaw, p.stale = newest(p.callRaw)
	var staleAgents bool
	p.agentRaw, staleAgents = newest(p.agentRaw)
	p.stale = p.stale || staleAgents
	return p, nil
}

func anyIn(set map[int64]bool, from, to int64) bool {
	for b := range set {
		if b >= from && b < to {
			return true
		}
	}
	return false
}

// newest keeps the maxRaw newest buckets.
func newest(bs []int64) ([]int64, bool) {
	if len(bs) <= maxRaw {
		return bs, false
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i] < bs[j] })
	return bs[len(bs)-maxRaw:], true
}

// bucketRuns groups ascending buckets into contiguous spans.
func bucketRuns(bs []int64) []span {
	b := Bucket.Milliseconds()
	var out []span
	for _, at := range bs {
		if n := len(out); n > 0 && out[n-1].to == at && at-out[n-1].from < 24*4*b {
			out[n-1].to = at + b
			continue
		}
		out = append(out, span{at, at + b})
	}
	return out
}
