package sim

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
)

// QueueOf is the simulation's view of a stored queue; names maps queue
// IDs to names (for an overflow into another queue).
func QueueOf(q queues.Queue, names map[int64]string) Queue {
	sec := func(n, def int) time.Duration {
		if n <= 0 {
			n = def
		}
		return time.Duration(n) * time.Second
	}
	scale := q.SurveyScale
	if scale == 0 {
		scale = 5
	}
	return Queue{Name: q.Name, DepartmentID: q.DepartmentID, Priority: q.Priority,
		RingTimeout: sec(q.RingTimeoutSec, acd.DefaultRingTimeoutSec), NoAnswerNotReady: q.NoAnswer.NotReady,
		NoAnswerReason: string(q.NoAnswer.Reason), MaxWaiting: q.MaxWaiting, MaxWait: sec(q.MaxWaitSec, 0),
		Overflow:         Overflow{Action: string(q.Overflow.Action), Queue: names[q.Overflow.QueueID], Target: q.Overflow.Target},
		OverflowNoAgents: q.OverflowNoAgents, Announce: sec(q.AnnounceIntervalSec, 0), Survey: q.Survey, SurveyScale: scale}
}

// maxCustomerPhones bounds the customer numbers callers are drawn from.
const maxCustomerPhones = 100_000

// LoadWorld reads the configuration calls run against: queues, enabled
// inbound numbers routed to an IVR flow or a queue, the flows, the trunk
// (a carrier's when there is one) and customers' phone numbers. Agents
// and shifts are the caller's to add.
func LoadWorld(ctx context.Context, db *store.DB) (*World, error) {
	qs, err := queues.New(db).List(ctx)
	if err != nil {
		return nil, err
	}
	w := &World{Flows: map[string]*ivr.Flow{}}
	names := map[int64]string{}
	for _, q := range qs {
		names[q.ID] = q.Name
	}
	for _, q := range qs {
		w.Queues = append(w.Queues, QueueOf(q, names))
	}
	sort.Slice(w.Queues, func(i, j int) bool { return w.Queues[i].Name < w.Queues[j].Name })
	p := pbx.NewService(db)
	nums, err := p.Numbers(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range nums {
		if n.Enabled && (n.RouteKind == pbx.RouteIVR || n.RouteKind == pbx.RouteQueue) {
			w.Routes = append(w.Routes, Route{Number: n.Number, Kind: string(n.RouteKind), Target: n.RouteTarget, Priority: n.Priority})
		}
	}
	flows, err := ivr.NewFlowStore(db).List(ctx)
	if err != nil {
		return nil, err
	}
	for i := range flows {
		f := flows[i].Flow
		w.Flows[f.Name] = &f
	}
	trunks, err := p.Trunks(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range trunks { // by name: a carrier's trunk, else any
		if t.Host != "" {
			w.Trunk = t.Name
			break
		}
	}
	if w.Trunk == "" && len(trunks) > 0 {
		w.Trunk = trunks[0].Name
	}
	w.CustomerPhones, err = customerPhones(ctx, db)
	return w, err
}

// customerPhones lists customers' numbers as callers dial from them
// (national form), in a stable order.
func customerPhones(ctx context.Context, db *store.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT national FROM customer_phones ORDER BY national LIMIT $1`, maxCustomerPhones)
	if err != nil {
		return nil, fmt.Errorf("sim: customer phones: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
