package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/store"
)

// Agent states as the ACD logs them (internal/acd).
const (
	stLoggedOut = "logged_out"
	stReady     = "ready"
	stNotReady  = "not_ready"
	stRinging   = "ringing"
	stOnCall    = "on_call"
	stOnHold    = "on_hold"
	stWrapUp    = "wrap_up"
)

// agentKey is one agent in one bucket.
type agentKey struct {
	bucket int64
	agent  int64
}

// agentRow is an agent's state time in one bucket, with the team and
// department the agent belongs to (their data scope).
type agentRow struct {
	team, dept int64
	sums       AgentSums
	reasons    map[string]int64 // not-ready time per reason
}

// span is a half-open millisecond interval.
type span struct{ from, to int64 }

// segment is an agent in one state for a span.
type segment struct {
	span
	state, reason string
}

// loadAgentTime returns every agent's state time per bucket in [from, to),
// measured up to until (now, for a bucket still running), with the
// scheduled phone time and what of it was worked.
func loadAgentTime(ctx context.Context, q store.Querier, from, to, until time.Time) (map[agentKey]*agentRow, error) {
	end := min(to.UnixMilli(), until.UnixMilli())
	rows := map[agentKey]*agentRow{}
	if end <= from.UnixMilli() {
		return rows, nil
	}
	segs, err := agentSegments(ctx, q, from.UnixMilli(), end)
	if err != nil {
		return nil, err
	}
	shifts, err := shift.Overlapping(ctx, q, from, time.UnixMilli(end))
	if err != nil {
		return nil, err
	}
	phone := map[int64][]span{}
	for _, sh := range shifts {
		for _, iv := range sh.PhoneTime() {
			if s := clip(span{iv.Start.UnixMilli(), iv.End.UnixMilli()}, from.UnixMilli(), end); s.to > s.from {
				phone[sh.AgentID] = append(phone[sh.AgentID], s)
			}
		}
	}
	for a, ph := range phone {
		phone[a] = sortedSpans(ph)
	}
	org, err := agentOrg(ctx, q)
	if err != nil {
		return nil, err
	}
	get := func(b, agent int64) *agentRow {
		k := agentKey{b, agent}
		r := rows[k]
		if r == nil {
			r = &agentRow{team: org[agent].team, dept: org[agent].dept}
			rows[k] = r
		}
		return r
	}
	for agent, ss := range segs {
		ph := phone[agent]
		for _, s := range ss {
			addSegment(get, agent, s, ph)
		}
	}
	for agent, ph := range phone {
		for _, s := range ph {
			forBuckets(s, func(b int64, part span) { get(b, agent).sums.ScheduledMS += part.to - part.from })
		}
	}
	for _, r := range rows {
		r.sums.unit()
	}
	return rows, nil
}

// addSegment adds one state segment, bucket by bucket.
func addSegment(get func(b, agent int64) *agentRow, agent int64, s segment, phone []span) {
	if s.state == stLoggedOut || s.state == "" {
		return
	}
	forBuckets(s.span, func(b int64, part span) {
		r := get(b, agent)
		d := part.to - part.from
		a := &r.sums
		a.LoggedInMS += d
		switch s.state {
		case stReady:
			a.ReadyMS += d
		case stRinging:
			a.RingingMS += d
		case stOnCall:
			a.OnCallMS += d
		case stOnHold:
			a.OnHoldMS += d
		case stWrapUp:
			a.WrapUpMS += d
		case stNotReady:
			a.NotReadyMS += d
			if r.reasons == nil {
				r.reasons = map[string]int64{}
			}
			r.reasons[s.reason] += d
		}
		in := overlap(part, phone)
		a.AttendedMS += in
		if s.state != stNotReady {
			a.AdheredMS += in
		}
	})
}

// forBuckets calls fn for each bucket s overlaps, with the part inside it.
func forBuckets(s span, fn func(bucket int64, part span)) {
	b := Bucket.Milliseconds()
	for at := BucketOf(time.UnixMilli(s.from)); at < s.to; at += b {
		if p := clip(s, at, at+b); p.to > p.from {
			fn(at, p)
		}
	}
}

func clip(s span, from, to int64) span { return span{max(s.from, from), min(s.to, to)} }

// overlap is the time s shares with the sorted, disjoint spans ivs.
func overlap(s span, ivs []span) int64 {
	var n int64
	for _, iv := range ivs {
		if c := clip(s, iv.from, iv.to); c.to > c.from {
			n += c.to - c.from
		}
	}
	return n
}

// agentSegments returns each agent's states over [from, end): the state
// each was in at from, then every change.
func agentSegments(ctx context.Context, q store.Querier, from, end int64) (map[int64][]segment, error) {
	open, err := statesAt(ctx, q, from)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT agent_id, at, to_state, reason FROM agent_events WHERE at >= $1 AND at < $2
		ORDER BY agent_id, at, id`, from, end)
	if err != nil {
		return nil, fmt.Errorf("report: agent events: %w", err)
	}
	defer rows.Close()
	out := map[int64][]segment{}
	for rows.Next() {
		var agent, at int64
		var st, reason string
		if err := rows.Scan(&agent, &at, &st, &reason); err != nil {
			return nil, err
		}
		cur, ok := open[agent]
		if !ok {
			cur = segment{span: span{from: from}, state: stLoggedOut}
		}
		if at > cur.from {
			cur.to = at
			out[agent] = append(out[agent], cur)
		}
		open[agent] = segment{span: span{from: at}, state: st, reason: reason}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for agent, cur := range open {
		if end > cur.from {
			cur.to = end
			out[agent] = append(out[agent], cur)
		}
	}
	return out, nil
}

// statesAt returns the state every agent was in at t: that of their last
// change before t (agents never logged are absent). The last changes are
// found first, each through the (agent_id, at) index, then read by ID: in
// one statement, PostgreSQL hashed the whole event table against them
// (10 s a call with 30 million agent events).
func statesAt(ctx context.Context, q store.Querier, t int64) (map[int64]segment, error) {
	ids, err := lastChanges(ctx, q, t)
	if err != nil {
		return nil, err
	}
	out := map[int64]segment{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var args store.Args
		rows, err := q.QueryContext(ctx, `SELECT agent_id, to_state, reason FROM agent_events WHERE id IN `+args.In(ids[:n]...),
			args.Values()...)
		if err != nil {
			return nil, fmt.Errorf("report: agent states: %w", err)
		}
		for rows.Next() {
			var agent int64
			var st, reason string
			if err := rows.Scan(&agent, &st, &reason); err != nil {
				rows.Close()
				return nil, err
			}
			if st != stLoggedOut {
				out[agent] = segment{span: span{from: t}, state: st, reason: reason}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// lastChanges returns the ID of every agent's last change before t.
func lastChanges(ctx context.Context, q store.Querier, t int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM (SELECT (SELECT x.id FROM agent_events x WHERE x.agent_id = u.id AND x.at < $1
		ORDER BY x.at DESC, x.id DESC LIMIT 1) AS id FROM users u) l WHERE id IS NOT NULL`, t)
	if err != nil {
		return nil, fmt.Errorf("report: agent states: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

type orgOf struct{ team, dept int64 }

// agentOrg returns every user's team and department.
func agentOrg(ctx context.Context, q store.Querier) (map[int64]orgOf, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(team_id, 0), COALESCE(department_id, 0) FROM users`)
	if err != nil {
		return nil, fmt.Errorf("report: users: %w", err)
	}
	defer rows.Close()
	out := map[int64]orgOf{}
	for rows.Next() {
		var id int64
		var o orgOf
		if err := rows.Scan(&id, &o.team, &o.dept); err != nil {
			return nil, err
		}
		out[id] = o
	}
	return out, rows.Err()
}

// sortedSpans sorts and merges spans (shifts of one agent never overlap,
// but their phone time is merged defensively).
func sortedSpans(ss []span) []span {
	sort.Slice(ss, func(i, j int) bool { return ss[i].from < ss[j].from })
	var out []span
	for _, s := range ss {
		if n := len(out); n > 0 && s.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}
