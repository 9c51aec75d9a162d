package app_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
)

// campaignRun is what one dialling mode achieved on the same list.
type campaignRun struct {
	stats       *dialer.Stats
	idlePerCall time.Duration // agents' ready time ÷ connected calls
}

// runCampaign dials 40 customers (those whose number ends in 0, 4 or 8 —
// 12 of them — answer after 600 ms and talk 1.5 s; the others are busy)
// with three registered agents in the given mode.
func runCampaign(t *testing.T, mode string) campaignRun {
	n := startNode(t)
	dir := scenarioDir(t)
	ctx := context.Background()
	sys := org.System()
	// Agents: one sipp answers for three registered extensions; calls end
	// when the customer hangs up.
	uas := freePort(t)
	n.startSipp(dir, "agent_answer_many.xml", "-p", strconv.Itoa(uas), "-mp", strconv.Itoa(freePort(t)), "-aa", "-m", "100")
	var agents []int64
	for _, ext := range []string{"1001", "1002", "1003"} {
		n.startSipp(dir, "agent_register.xml", "-s", ext, "-au", ext, "-ap", demoPassword, "-key", "uasport", strconv.Itoa(uas),
			"-m", "1", "-p", strconv.Itoa(freePort(t))).wait(t, 10*time.Second)
		agents = append(agents, n.agentID(t, ext))
	}
	n.waitReady(t, agents...)
	// The campaign's own queue: no wrap-up, no survey.
	members := []queues.Member{}
	for _, id := range agents {
		members = append(members, queues.Member{UserID: id})
	}
	if _, err := n.app.Queues.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: "outbound", Strategy: acd.LongestIdle},
		Members: members}); err != nil {
		t.Fatal(err)
	}
	cust := freePort(t)
	n.startSipp(dir, "customer_mixed.xml", "-p", strconv.Itoa(cust), "-mp", strconv.Itoa(freePort(t)), "-m", "100")
	if _, err := n.app.PBX.CreateTrunk(ctx, sys, pbx.TrunkInput{Name: "carrier", Host: "127.0.0.1:" + strconv.Itoa(cust)}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		if _, err := n.app.CRM.Create(ctx, sys, crm.CustomerInput{Name: fmt.Sprintf("客户%02d", i),
			Phones: []string{fmt.Sprintf("1390000%04d", i)}, Tags: []string{"campaign"}}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := n.app.Dialer.Save(ctx, sys, 0, dialer.CampaignInput{Name: "秋季回访 " + mode, Config: dialer.Config{Mode: mode,
		Queue: "outbound", CallerID: "4008001234", Hours: []string{"00:00-24:00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := n.app.Dialer.AddCustomers(ctx, sys, c.ID, crm.Filter{Tag: "campaign"}); err != nil || res.Added != 40 {
		t.Fatalf("contacts: %+v %v", res, err)
	}
	start := time.Now()
	if _, err := n.app.Dialer.SetStatus(ctx, sys, c.ID, "running"); err != nil {
		t.Fatal(err)
	}
	var st *dialer.Stats
	waitFor(t, 120*time.Second, mode+" campaign dialled everyone", func() bool {
		st, _ = n.app.Dialer.Stats(ctx, c.ID)
		return st.Dials >= 40 && st.InFlight == 0
	})
	end := time.Now()
	n.app.CallLog.Flush(ctx)
	// Ready time of the agents over the campaign: the waiting between calls.
	var idle time.Duration
	for _, id := range agents {
		evs, _ := calllog.AgentEvents(ctx, n.app.DB, id, start.Add(-time.Second), end.Add(time.Second))
		readySince := start
		ready := true
		for _, e := range evs {
			if ready && e.From == string(acd.Ready) {
				idle += e.At.Sub(readySince)
			}
			ready = e.To == string(acd.Ready)
			readySince = e.At
		}
		if ready {
			idle += end.Sub(readySince)
		}
	}
	return campaignRun{stats: st, idlePerCall: idle / time.Duration(max(st.Connected, 1))}
}

// TestCampaignsProgressiveAndPredictive runs the same list in both modes:
// every number is dialled, half connect to agents, the predictive mode's
// abandon rate stays under the 3% cap, and its agents wait less between
// calls than the progressive mode's.
func TestCampaignsProgressiveAndPredictive(t *testing.T) {
	prog := runCampaign(t, dialer.Progressive)
	pred := runCampaign(t, dialer.Predictive)
	for name, r := range map[string]campaignRun{"progressive": prog, "predictive": pred} {
		t.Logf("%s: %d dials, %d answered, %d connected, %d abandoned (%.1f%%), agents idle %v per connected call",
			name, r.stats.Dials, r.stats.Answered, r.stats.Connected, r.stats.Abandoned, 100*r.stats.AbandonRate, r.idlePerCall)
		if r.stats.Dials != 40 || r.stats.Answered != 12 {
			t.Errorf("%s: %d dials, %d answered; want 40 and 12", name, r.stats.Dials, r.stats.Answered)
		}
	}
	if prog.stats.Abandoned != 0 {
		t.Errorf("progressive dialling abandoned %d calls", prog.stats.Abandoned)
	}
	if pred.stats.AbandonRate > 0.03 {
		t.Errorf("predictive abandon rate %.1f%% is over the 3%% cap", 100*pred.stats.AbandonRate)
	}
	if pred.idlePerCall >= prog.idlePerCall {
		t.Errorf("predictive agents idle %v per call, progressive %v: predictive should keep agents busier", pred.idlePerCall, prog.idlePerCall)
	}
}
