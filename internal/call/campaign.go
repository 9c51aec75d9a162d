package call

import (
	"context"
	"errors"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/sip"
)

// CampaignCall is one automatic dial of an outbound campaign (外呼任务):
// the customer is dialled first; when they answer, the call joins the
// campaign's queue and goes to the first free agent of it. A customer who
// answers when no agent comes within MaxConnectWait hears an apology and is
// counted as abandoned (predictive dialling's cost).
type CampaignCall struct {
	Number         string
	CallerID       string
	Campaign       string
	Queue          string
	ContactID      int64
	CustomerID     int64
	RingTimeout    time.Duration // default 30 s
	MaxConnectWait time.Duration // default 2 s
	Lang           string
	OnAnswered     func() // the customer picked up (the dialler stops counting the call as ringing)
	OnDone         func(CampaignResult)
}

// CampaignResult is how a campaign dial ended.
type CampaignResult struct {
	CallID  string
	Outcome string // connected, abandoned, no_answer, busy, rejected, failed
	AgentID int64
	Code    int
	Answer  time.Time // when the customer answered (zero if not)
}

// DialCampaign places a campaign call and returns at once; OnDone reports
// the outcome when the call has ended.
func (m *Manager) DialCampaign(cc CampaignCall) *Call {
	if cc.RingTimeout <= 0 {
		cc.RingTimeout = 30 * time.Second
	}
	if cc.MaxConnectWait <= 0 {
		cc.MaxConnectWait = 2 * time.Second
	}
	c := m.newCall("outbound", cc.CallerID, cc.Campaign, cc.Number)
	c.caller = &endpoint{}
	c.campaign = &campaignState{spec: cc}
	if cc.Lang != "" {
		c.vars["language"] = cc.Lang
	}
	c.emit(calllog.CallOffered, calllog.Event{Leg: "caller", Data: calllog.Data{Direction: "outbound", Kind: "campaign",
		From: cc.CallerID, To: cc.Number, Target: cc.Campaign, Customer: cc.CustomerID}})
	go c.runCampaign()
	return c
}

// campaignState is what a campaign call remembers for its result.
type campaignState struct {
	spec    CampaignCall
	outcome string
	code    int
	answer  time.Time
}

func (c *Call) runCampaign() {
	cc := c.campaign.spec
	ctx, cancel := context.WithTimeout(c.ctx, cc.RingTimeout)
	ep, err := c.m.dialOut(ctx, cc.Number, cc.CallerID, "", nil)
	cancel()
	if err != nil {
		outcome, code := "failed", 0
		var de *sip.DialError
		switch {
		case errors.As(err, &de):
			code = de.Code
			switch {
			case de.Code == 486 || de.Code == 600:
				outcome = "busy"
			case de.Code == 480 || de.Code == 408 || de.Code == 487:
				outcome = "no_answer"
			case de.Code == 603 || de.Code == 403:
				outcome = "rejected"
			}
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, sip.ErrCanceled):
			outcome = "no_answer"
		}
		c.mu.Lock()
		c.campaign.outcome, c.campaign.code = outcome, code
		c.mu.Unlock()
		c.end("system", outcome)
		return
	}
	c.mu.Lock()
	c.caller = ep
	c.campaign.answer = time.Now()
	c.mu.Unlock()
	if cc.OnAnswered != nil {
		cc.OnAnswered()
	}
	c.bridge.Add("caller", callerParticipant(ep))
	ep.relayInfoDTMF()
	c.watchReinvites(ep, 0)
	c.emit(calllog.CallAnswered, calllog.Event{Leg: "caller", Data: calllog.Data{By: "customer"}})
	c.watchCaller()
	c.enqueue(cc.Queue, 0, nil)
	if c.State() != StateQueued {
		return
	}
	// Nobody free in time: apologise and hang up (an abandoned call).
	select {
	case <-time.After(cc.MaxConnectWait):
	case <-c.done:
		return
	}
	c.mu.Lock()
	waiting := c.state == StateQueued
	if waiting {
		c.state = StateIVR // out of the ACD
	}
	c.mu.Unlock()
	if !waiting {
		return
	}
	c.m.ACD.Remove(c.acdID())
	c.emit(calllog.QueueOverflow, calllog.Event{Queue: cc.Queue, Data: calllog.Data{Kind: "hangup", Reason: "no agent free (predictive dialling)"}})
	c.mu.Lock()
	c.campaign.outcome = "abandoned"
	c.mu.Unlock()
	lang := c.lang()
	text := "您好，我们的坐席暂时全忙，稍后会再联系您，抱歉打扰。"
	if lang == "en" {
		text = "Hello, all our agents are busy right now. We will call you again later. Sorry for the trouble."
	}
	c.sayThenEnd("campaign_abandoned", lang, text)
}

// campaignDone reports a campaign call's result (from end, once).
func (c *Call) campaignDone() {
	c.mu.Lock()
	cs := c.campaign
	var agent int64
	if c.lastAgent != nil {
		agent = c.lastAgent.UserID
	}
	c.mu.Unlock()
	if cs == nil || cs.spec.OnDone == nil {
		return
	}
	r := CampaignResult{CallID: c.ID, Outcome: cs.outcome, Code: cs.code, AgentID: agent, Answer: cs.answer}
	switch {
	case agent != 0:
		r.Outcome = "connected"
	case r.Outcome == "" && !cs.answer.IsZero():
		r.Outcome = "abandoned" // the customer hung up before an agent came
	case r.Outcome == "":
		r.Outcome = "failed"
	}
	go cs.spec.OnDone(r)
}

var _ = acd.OverflowHangup
