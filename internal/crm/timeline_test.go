package crm

import (
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// The contact history finds calls by any form of the customer's numbers
// (as the exchange wrote caller or callee) and by customer ID.
func TestTimelineCalls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c, err := f.svc.Create(f.ctx, f.agentA1, CustomerInput{Name: "来电客户", Phones: []string{"13800138000", "021-12345678"}})
		if err != nil {
			t.Fatal(err)
		}
		other := f.customer(f.agentA1, "别人", "13900139000")
		at := f.clock.Now().Add(-time.Hour)
		calls := []struct {
			id, dir, caller, callee string
			customer                int64
		}{
			{"c1", "inbound", "13800138000", "8000", 0},
			{"c2", "inbound", "+8613800138000", "8001", 0},
			{"c3", "outbound", "1001", "013800138000", 0},
			{"c4", "outbound", "1001", "02112345678", 0},
			{"c5", "inbound", "anonymous", "8000", c.ID},
			{"c6", "inbound", "13900139000", "8000", 0},
		}
		for i, cl := range calls {
			_, err := db.ExecContext(f.ctx, `INSERT INTO cdrs (call_id, direction, caller, callee, started_at, answered_at, outcome, talk_ms, agent_id, customer_id)
				VALUES ($1, $2, $3, $4, $5, $5, 'answered', 65000, $6, $7)`, cl.id, cl.dir, cl.caller, cl.callee,
				at.Add(time.Duration(i)*time.Minute).UnixMilli(), f.agentA1.UserID, store.NullID(cl.customer))
			if err != nil {
				t.Fatal(err)
			}
		}
		items := must[[]TimelineItem](t)(f.svc.Timeline(f.ctx, f.agentA1, c.ID, 0))
		var got []string
		for _, it := range items {
			if it.Kind == KindCall {
				got = append(got, it.Ref)
			}
		}
		if len(got) != 5 || got[0] != "c5" || got[4] != "c1" {
			t.Fatalf("calls in the timeline: %v", got)
		}
		if items := must[[]TimelineItem](t)(f.svc.Timeline(f.ctx, f.agentA1, other.ID, 0)); len(items) != 2 || items[1].Ref != "c6" {
			t.Errorf("the other customer's timeline: %+v", items)
		}
		// A call's end marks the customer contacted.
		f.clock.Add(time.Minute)
		if n := must[int](t)(f.svc.RecordCallContact(f.ctx, "+86 21 1234 5678", f.clock.Now())); n != 1 {
			t.Fatalf("touched %d customers", n)
		}
		if got := must[*Customer](t)(f.svc.Customer(f.ctx, f.agentA1, c.ID)); !got.LastContactAt.Equal(f.clock.Now()) {
			t.Errorf("last contact %v", got.LastContactAt)
		}
		if n := must[int](t)(f.svc.RecordCallContact(f.ctx, "1001", f.clock.Now())); n != 0 {
			t.Errorf("an extension touched %d customers", n)
		}
	})
}
