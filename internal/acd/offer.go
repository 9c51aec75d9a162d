package acd

import (
	"fmt"

	"github.com/hotline-cc/hotline/internal/apperr"
)

var failReasons = map[FailReason]bool{FailNoAnswer: true, FailBusy: true, FailRejected: true, FailUnreachable: true}

// offerAgent finds an open offer and checks the agent is still ringing for it.
func (e *Engine) offerAgent(offerID, agentID int64) (*offer, *AgentRecord, error) {
	o, ok := e.offers[offerID]
	if !ok {
		return nil, nil, fmt.Errorf("acd: offer %d: %w", offerID, ErrUnknownOffer)
	}
	if !o.ringing[agentID] {
		return nil, nil, fmt.Errorf("acd: offer %d, agent %d: %w", offerID, agentID, ErrNotOffered)
	}
	a, err := e.agent(agentID)
	if err != nil {
		return nil, nil, err
	}
	return o, a, nil
}

// OfferAnswered reports that agentID answered the offer: the agent is on
// the call, the call leaves the queue, and any other agents still ringing
// (ring-all) are released; their IDs are returned so the owner cancels
// those legs. A second answer to a closed offer gets ErrUnknownOffer: the
// owner hangs that leg up.
func (e *Engine) OfferAnswered(offerID, agentID int64) ([]int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, a, err := e.offerAgent(offerID, agentID)
	if err != nil {
		return nil, err
	}
	now := e.now()
	delete(o.ringing, agentID)
	delete(e.offers, o.ID)
	a.OfferID, a.AnsweredAtMs = 0, now
	e.countAnswered(a, now)
	e.mustMove(a, OnCall, "", now)
	var cancelled []int64
	for _, id := range o.AgentIDs {
		if !o.ringing[id] {
			continue
		}
		if other, ok := e.st.Agent(id); ok {
			e.settle(other, ReasonAnsweredElse, now)
		}
		cancelled = append(cancelled, id)
	}
	if rec, ok := e.st.Call(o.CallID); ok {
		if q, ok := e.queues[rec.Call.QueueID]; ok {
			e.qstats(q, now).answer(now-rec.EnteredMs, q.cfg.slMs(), rec.Callback != nil)
			e.removeCall(q, rec)
		}
		e.st.DeleteCall(rec.Call.ID)
	}
	return cancelled, nil
}

// OfferFailed reports that ringing agentID failed. The agent returns to
// ready (or to a not-ready state asked for meanwhile); with FailNoAnswer
// and the queue's NoAnswer.NotReady it goes not ready instead. The agent is
// not offered this call again for Options.RetryAfter. When no agent of the
// offer is left ringing, the call waits again in its place for the next
// Dispatch. FailUnreachable leaves the reachable flag alone: that flag is
// the SIP registrar's to set (SetReachable).
func (e *Engine) OfferFailed(offerID, agentID int64, reason FailReason) error {
	if !failReasons[reason] {
		return fmt.Errorf("acd: offer %d: %w", offerID, apperr.Invalid("reason", "unknown failure reason %q", reason))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o, a, err := e.offerAgent(offerID, agentID)
	if err != nil {
		return err
	}
	e.failAgent(o, a, reason, e.now())
	return nil
}

func (e *Engine) failAgent(o *offer, a *AgentRecord, reason FailReason, now int64) {
	delete(o.ringing, a.Agent.ID)
	if rec, ok := e.st.Call(o.CallID); ok {
		if rec.Tried == nil {
			rec.Tried = map[int64]int64{}
		}
		rec.Tried[a.Agent.ID] = now
		e.st.PutCall(rec)
		e.pushTimer(timer{at: now + e.opts.RetryAfter.Milliseconds(), kind: tWake})
	}
	q := e.queues[o.QueueID]
	if reason == FailNoAnswer && q != nil && q.cfg.NoAnswer.NotReady {
		r := q.cfg.NoAnswer.Reason
		if r == "" {
			r = ReasonNoAnswer
		}
		a.PendingReason = r
	}
	e.settle(a, Reason(reason), now)
	if len(o.ringing) == 0 {
		e.closeOffer(o, now)
	}
}

// closeOffer ends an offer nobody answered: the call waits again in its place.
func (e *Engine) closeOffer(o *offer, now int64) {
	delete(e.offers, o.ID)
	rec, ok := e.st.Call(o.CallID)
	if !ok || rec.OfferID != o.ID {
		return
	}
	rec.OfferID = 0
	e.st.PutCall(rec)
	if rec.MaxWaitMs > 0 && now >= rec.MaxWaitMs {
		// The max wait passed while it rang: overflow at the next Tick.
		e.pushTimer(timer{at: now, kind: tMaxWait, call: rec.Call.ID, gen: rec.gen})
	}
}
