package telui_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
)

// BenchmarkCallHistoryPage measures the call history page (50 rows, with
// names, filters and pager) over 5,000 calls, as an agent's supervisor
// opens it: go test -run XXX -bench CallHistory ./internal/telui/
func BenchmarkCallHistoryPage(b *testing.B) {
	e := start(b)
	ctx := context.Background()
	lg := e.app.CallLog
	agents := []int64{e.userID("agent1001"), e.userID("agent1002"), e.userID("agent1003")}
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.Local)
	for i := 0; i < 5000; i++ {
		id := fmt.Sprintf("bench-%05d", i)
		at := base.Add(time.Duration(i) * 7 * time.Second)
		ag := agents[i%len(agents)]
		for _, ev := range []calllog.Event{
			{CallID: id, At: at, Type: calllog.CallOffered, Data: calllog.Data{Direction: "inbound", From: fmt.Sprintf("138%08d", i), To: "8001"}},
			{CallID: id, At: at.Add(time.Second), Type: calllog.QueueEntered, Queue: "sales"},
			{CallID: id, At: at.Add(3 * time.Second), Type: calllog.QueueOffer, Queue: "sales", AgentID: ag},
			{CallID: id, At: at.Add(5 * time.Second), Type: calllog.AgentAnswered, Queue: "sales", AgentID: ag},
			{CallID: id, At: at.Add(95 * time.Second), Type: calllog.CallEnded, Data: calllog.Data{By: "caller"}},
		} {
			lg.Append(ctx, ev)
		}
	}
	if err := lg.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	admin := e.login("admin", adminPW)
	for _, q := range []string{"", "?queue=sales&outcome=answered&page=40"} {
		b.Run("query="+q, func(b *testing.B) {
			for b.Loop() {
				if p := admin.get("/telephony/calls" + q); p.status != http.StatusOK {
					b.Fatal(p.status)
				}
			}
		})
	}
}

// BenchmarkFlowEditorPage measures opening the demo IVR flow in the editor
// (YAML written, read back, validated, outlined).
func BenchmarkFlowEditorPage(b *testing.B) {
	e := start(b)
	admin := e.login("admin", adminPW)
	main, err := e.app.Flows.GetByName(context.Background(), "main")
	if err != nil {
		b.Fatal(err)
	}
	path := "/telephony/flows/" + itoa(main.ID)
	for b.Loop() {
		if p := admin.get(path); p.status != http.StatusOK {
			b.Fatal(p.status)
		}
	}
}
