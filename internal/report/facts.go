package report

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/store"
)

// loadFacts returns every call that started in [from, to) with what the
// metrics need beyond its CDR: its legs, its rating's scale, whether a
// repeat call followed it within the FCR window, its customer (by number)
// with source, level and custom fields, and its campaign. It reads only
// recorded facts; nothing here is stored.
func loadFacts(ctx context.Context, q store.Querier, from, to time.Time, fcrWindow time.Duration) ([]callFacts, error) {
	facts, err := loadCDRs(ctx, q, from, to)
	if err != nil || len(facts) == 0 {
		return facts, err
	}
	if err := loadLegs(ctx, q, facts); err != nil {
		return nil, err
	}
	cs := newCustomers(q)
	if err := cs.attach(ctx, facts); err != nil {
		return nil, err
	}
	if err := markRepeats(ctx, q, cs, facts, fcrWindow); err != nil {
		return nil, err
	}
	if err := loadCampaigns(ctx, q, facts); err != nil {
		return nil, err
	}
	return facts, nil
}

func loadCDRs(ctx context.Context, q store.Querier, from, to time.Time) ([]callFacts, error) {
	rows, err := q.QueryContext(ctx, `SELECT call_id, direction, caller, callee, number, started_at, answered_at, outcome, queue,
		wait_ms, ring_ms, talk_ms, hold_ms, holds, transfers, COALESCE(agent_id, 0), COALESCE(team_id, 0), COALESCE(department_id, 0),
		rating, COALESCE(customer_id, 0), unresolved, callback_requested,
		COALESCE((SELECT scale FROM call_ratings r WHERE r.call_id = cdrs.call_id), 0)
		FROM cdrs WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at, call_id`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("report: calls: %w", err)
	}
	defer rows.Close()
	var out []callFacts
	for rows.Next() {
		var f callFacts
		c := &f.cdr
		var started, answered int64
		var outcome string
		if err := rows.Scan(&c.CallID, &c.Direction, &c.Caller, &c.Callee, &c.Number, &started, &answered, &outcome, &c.Queue,
			&c.WaitMS, &c.RingMS, &c.TalkMS, &c.HoldMS, &c.Holds, &c.Transfers, &c.AgentID, &c.TeamID, &c.DepartmentID,
			&c.Rating, &c.CustomerID, &c.Unresolved, &c.CallbackRequested, &f.scale); err != nil {
			return nil, err
		}
		c.StartedAt, c.AnsweredAt, c.Outcome = store.Time(started), store.Time(answered), calllog.Outcome(outcome)
		out = append(out, f)
	}
	return out, rows.Err()
}

// loadLegs reads the calls' legs by call ID, a few hundred calls at a
// time: joined to the calls by start time, PostgreSQL chose to scan every
// leg of the table for each bucket run (1.3 s a run with 7 million legs).
func loadLegs(ctx context.Context, q store.Querier, facts []callFacts) error {
	index := make(map[string]int, len(facts))
	ids := make([]string, len(facts))
	for i, f := range facts {
		index[f.cdr.CallID], ids[i] = i, f.cdr.CallID
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		if err := legsOf(ctx, q, ids[:n], index, facts); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// legsOf appends the legs of the calls ids, in the order they were written.
func legsOf(ctx context.Context, q store.Querier, ids []string, index map[string]int, facts []callFacts) error {
	var args store.Args
	rows, err := q.QueryContext(ctx, `SELECT call_id, agent_id, COALESCE(team_id, 0), COALESCE(department_id, 0), queue,
		ring_ms, talk_ms, hold_ms, wrapup_ms, outcome, transferred_to
		FROM cdr_legs WHERE call_id IN `+args.InText(ids...)+` ORDER BY id`, args.Values()...)
	if err != nil {
		return fmt.Errorf("report: legs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l calllog.Leg
		if err := rows.Scan(&l.CallID, &l.AgentID, &l.TeamID, &l.DepartmentID, &l.Queue, &l.RingMS, &l.TalkMS, &l.HoldMS,
			&l.WrapUpMS, &l.Outcome, &l.TransferredTo); err != nil {
			return err
		}
		if i, ok := index[l.CallID]; ok {
			facts[i].legs = append(facts[i].legs, l)
		}
	}
	return rows.Err()
}

// number is the customer's side of a call: the caller of an inbound call,
// the dialled number otherwise.
func number(c calllog.CDR) string {
	if c.Direction == "inbound" {
		return c.Caller
	}
	return c.Callee
}

// customers resolves numbers to customers (as the CRM's screen pop does:
// by the E.164 form of the number) and loads their attributes.
type customers struct {
	q       store.Querier
	byE164  map[string]int64   // E.164 → customer (0: none)
	attrs   map[int64]custAttr // customer → source, level, custom fields
	numbers map[int64][]string // customer → every form of every phone
}

type custAttr struct {
	source, level string
	custom        map[string]string
}

func newCustomers(q store.Querier) *customers {
	return &customers{q: q, byE164: map[string]int64{}, attrs: map[int64]custAttr{}, numbers: map[int64][]string{}}
}

func e164(n string) string {
	p, err := crm.NormalizePhone(n)
	if err != nil {
		return ""
	}
	return p.E164
}

// attach sets each call's customer and attributes.
func (cs *customers) attach(ctx context.Context, facts []callFacts) error {
	var want []string
	for _, f := range facts {
		if f.cdr.CustomerID == 0 {
			if e := e164(number(f.cdr)); e != "" {
				if _, known := cs.byE164[e]; !known {
					cs.byE164[e] = 0
					want = append(want, e)
				}
			}
		}
	}
	if err := cs.resolve(ctx, want); err != nil {
		return err
	}
	var ids []int64
	for i := range facts {
		f := &facts[i]
		f.customer = f.cdr.CustomerID
		if f.customer == 0 {
			f.customer = cs.byE164[e164(number(f.cdr))]
		}
		if f.customer != 0 {
			if _, ok := cs.attrs[f.customer]; !ok {
				cs.attrs[f.customer] = custAttr{}
				ids = append(ids, f.customer)
			}
		}
	}
	if err := cs.load(ctx, ids); err != nil {
		return err
	}
	for i := range facts {
		if a, ok := cs.attrs[facts[i].customer]; ok && facts[i].customer != 0 {
			facts[i].source, facts[i].level, facts[i].custom = a.source, a.level, a.custom
		}
	}
	return nil
}

func (cs *customers) resolve(ctx context.Context, e164s []string) error {
	for len(e164s) > 0 {
		n := min(len(e164s), 500)
		var args store.Args
		rows, err := cs.q.QueryContext(ctx, `SELECT e164, customer_id FROM customer_phones WHERE e164 IN `+args.InText(e164s[:n]...),
			args.Values()...)
		if err != nil {
			return fmt.Errorf("report: customer phones: %w", err)
		}
		for rows.Next() {
			var e string
			var id int64
			if err := rows.Scan(&e, &id); err != nil {
				rows.Close()
				return err
			}
			cs.byE164[e] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		e164s = e164s[n:]
	}
	return nil
}

func (cs *customers) load(ctx context.Context, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var args store.Args
		rows, err := cs.q.QueryContext(ctx, `SELECT id, source, level, custom FROM customers WHERE id IN `+args.In(ids[:n]...),
			args.Values()...)
		if err != nil {
			return fmt.Errorf("report: customers: %w", err)
		}
		for rows.Next() {
			var id int64
			var a custAttr
			var custom string
			if err := rows.Scan(&id, &a.source, &a.level, &custom); err != nil {
				rows.Close()
				return err
			}
			a.custom = customStrings(custom)
			cs.attrs[id] = a
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// customStrings reads a customer's custom fields as text, the way reports
// filter them.
func customStrings(raw string) map[string]string {
	var m map[string]any
	if json.Unmarshal([]byte(raw), &m) != nil || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case nil:
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}

// phones returns every form of every phone of the customers given.
func (cs *customers) phones(ctx context.Context, ids []int64) error {
	var want []int64
	for _, id := range ids {
		if _, ok := cs.numbers[id]; !ok && id != 0 {
			cs.numbers[id] = nil
			want = append(want, id)
		}
	}
	for len(want) > 0 {
		n := min(len(want), 500)
		var args store.Args
		rows, err := cs.q.QueryContext(ctx, `SELECT customer_id, e164 FROM customer_phones WHERE customer_id IN `+args.In(want[:n]...),
			args.Values()...)
		if err != nil {
			return fmt.Errorf("report: customer phones: %w", err)
		}
		for rows.Next() {
			var id int64
			var e string
			if err := rows.Scan(&id, &e); err != nil {
				rows.Close()
				return err
			}
			cs.numbers[id] = append(cs.numbers[id], crm.PhoneFromE164(e).Variants()...)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		want = want[n:]
	}
	return nil
}

// keys returns the numbers a repeat call of f could come from: its own
// number, and every form of its customer's phones.
func (cs *customers) keys(f callFacts) []string {
	out := []string{number(f.cdr)}
	if f.customer != 0 {
		out = append(out, cs.numbers[f.customer]...)
	}
	return out
}

// markRepeats sets repeated on every answered inbound call followed, within
// the window, by an inbound call from the same number or customer, or by a
// call-back to them.
func markRepeats(ctx context.Context, q store.Querier, cs *customers, facts []callFacts, window time.Duration) error {
	var base []int
	var custs []int64
	for i, f := range facts {
		if f.cdr.Direction == "inbound" && f.cdr.Outcome == calllog.OutcomeAnswered && number(f.cdr) != "" {
			base = append(base, i)
			custs = append(custs, f.customer)
		}
	}
	if len(base) == 0 {
		return nil
	}
	if err := cs.phones(ctx, custs); err != nil {
		return err
	}
	seen := map[string]bool{}
	var nums []string
	for _, i := range base {
		for _, k := range cs.keys(facts[i]) {
			if k != "" && !seen[k] {
				seen[k] = true
				nums = append(nums, k)
			}
		}
	}
	first, last := facts[base[0]].cdr.StartedAt, facts[base[len(base)-1]].cdr.StartedAt
	later, err := laterCalls(ctx, q, nums, first, last.Add(window))
	if err != nil {
		return err
	}
	for _, i := range base {
		f := &facts[i]
		start := f.cdr.StartedAt.UnixMilli()
		for _, k := range cs.keys(*f) {
			ts := later[k]
			j := sort.Search(len(ts), func(j int) bool { return ts[j] > start })
			if j < len(ts) && ts[j] <= start+window.Milliseconds() {
				f.repeated = true
				break
			}
		}
	}
	return nil
}

// laterCalls returns, per number, the sorted start times of inbound calls
// from it and call-backs to it in (from, to].
func laterCalls(ctx context.Context, q store.Querier, nums []string, from, to time.Time) (map[string][]int64, error) {
	out := map[string][]int64{}
	for len(nums) > 0 {
		n := min(len(nums), 400)
		var args store.Args
		in := args.InText(nums[:n]...)
		f, t := args.Add(from.UnixMilli()), args.Add(to.UnixMilli())
		rows, err := q.QueryContext(ctx, `SELECT caller, started_at FROM cdrs WHERE direction = 'inbound' AND caller IN `+in+
			` AND started_at > `+f+` AND started_at <= `+t+
			` UNION ALL SELECT callee, started_at FROM cdrs WHERE direction = 'callback' AND callee IN `+in+
			` AND started_at > `+f+` AND started_at <= `+t, args.Values()...)
		if err != nil {
			return nil, fmt.Errorf("report: repeat calls: %w", err)
		}
		for rows.Next() {
			var num string
			var at int64
			if err := rows.Scan(&num, &at); err != nil {
				rows.Close()
				return nil, err
			}
			out[num] = append(out[num], at)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		nums = nums[n:]
	}
	for k := range out {
		sort.Slice(out[k], func(i, j int) bool { return out[k][i] < out[k][j] })
	}
	return out, nil
}

func loadCampaigns(ctx context.Context, q store.Querier, facts []callFacts) error {
	index := map[string]int{}
	var ids []string
	for i, f := range facts {
		if f.cdr.Direction == "outbound" {
			index[f.cdr.CallID] = i
			ids = append(ids, f.cdr.CallID)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var args store.Args
		rows, err := q.QueryContext(ctx, `SELECT call_id, campaign_id FROM campaign_attempts WHERE call_id IN `+args.InText(ids[:n]...),
			args.Values()...)
		if err != nil {
			return fmt.Errorf("report: campaign calls: %w", err)
		}
		for rows.Next() {
			var id string
			var camp int64
			if err := rows.Scan(&id, &camp); err != nil {
				rows.Close()
				return err
			}
			facts[index[id]].campaign = camp
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
