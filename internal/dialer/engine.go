package dialer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/store"
)

// runner is the in-memory state of one running campaign on this node.
type runner struct {
	pacer    *Pacer
	inflight int // dials not yet ended
	ringing  int // dials not yet answered
}

// Run paces every running campaign until ctx ends: twice a second (or when
// kicked) it counts the free agents of each campaign's queue and places the
// calls its mode asks for.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
		cs, err := s.Campaigns(ctx)
		if err != nil {
			s.Log.Warn("campaigns", "err", err)
			continue
		}
		for i := range cs {
			if cs[i].Status == "running" && cs[i].Config.Mode != Preview {
				s.pace(ctx, &cs[i])
			}
		}
	}
}

func (s *Service) runnerOf(c *Campaign) *runner {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.running[c.ID]
	if r == nil {
		r = &runner{pacer: NewPacer(c.Config.AbandonCap, c.Config.MaxRatio)}
		s.running[c.ID] = r
	}
	return r
}

// pace places this moment's calls for one campaign.
func (s *Service) pace(ctx context.Context, c *Campaign) {
	cfg := c.Config
	hours, err := ParseHours(cfg.Timezone, cfg.Days, cfg.Hours)
	if err != nil || !hours.Open(s.Now()) {
		return
	}
	load, err := s.Agents.Capacity(ctx, cfg.Queue)
	if err != nil {
		s.Log.Warn("campaign queue", "campaign", c.Name, "queue", cfg.Queue, "err", err)
		return
	}
	r := s.runnerOf(c)
	s.mu.Lock()
	load.Ringing = r.ringing
	n := r.pacer.ToDial(cfg.Mode, load)
	s.mu.Unlock()
	for ; n > 0; n-- {
		ct, err := s.reserve(ctx, c.ID, "dialing", 0)
		if err != nil || ct == nil {
			if ct == nil && err == nil {
				s.finishIfDone(ctx, c)
			}
			return
		}
		s.dial(c, r, ct)
	}
}

// reserve takes the next due pending contact: a conditional UPDATE, so two
// nodes (or loops) never take the same one.
func (s *Service) reserve(ctx context.Context, campaignID int64, status string, agentID int64) (*Contact, error) {
	now := s.Now().UnixMilli()
	for range 5 {
		var id int64
		err := s.DB.QueryRowContext(ctx, `SELECT id FROM campaign_contacts WHERE campaign_id = $1 AND status = 'pending'
			AND next_at <= $2 ORDER BY next_at, id LIMIT 1`, campaignID, now).Scan(&id)
		if err != nil {
			return nil, nil // none due
		}
		res, err := s.DB.ExecContext(ctx, `UPDATE campaign_contacts SET status = $1, attempts = attempts + 1, agent_id = $2,
			disposition = '', updated_at = $3 WHERE id = $4 AND status = 'pending'`, status, store.NullID(agentID), now, id)
		if err != nil {
			return nil, fmt.Errorf("dialer: reserve: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return s.contact(ctx, s.DB, id)
		}
	}
	return nil, nil
}

// dial places one automatic call.
func (s *Service) dial(c *Campaign, r *runner, ct *Contact) {
	s.mu.Lock()
	r.inflight++
	r.ringing++
	s.mu.Unlock()
	dialled := s.Now()
	var answered sync.Once
	stopRinging := func() {
		answered.Do(func() {
			s.mu.Lock()
			r.ringing--
			s.mu.Unlock()
		})
	}
	number := ct.Phone
	if p, err := crm.NormalizePhone(ct.Phone); err == nil && p.National != "" {
		number = p.National // Chinese carriers take national numbers
	}
	cfg := c.Config
	s.Dialer.DialCampaign(call.CampaignCall{Number: number, CallerID: cfg.CallerID, Campaign: c.Name, Queue: cfg.Queue,
		ContactID: ct.ID, CustomerID: ct.CustomerID, RingTimeout: time.Duration(cfg.RingTimeoutSec) * time.Second,
		MaxConnectWait: time.Duration(cfg.MaxConnectWaitSec) * time.Second, Lang: cfg.Language,
		OnAnswered: func() { stopRinging(); s.Kick() },
		OnDone: func(res call.CampaignResult) {
			stopRinging()
			s.mu.Lock()
			r.inflight--
			r.pacer.Observe(res.Outcome)
			if res.Outcome == "connected" && !res.Answer.IsZero() {
				r.pacer.ObserveCall(res.Answer.Sub(dialled), s.Now().Sub(res.Answer))
			}
			s.mu.Unlock()
			if err := s.recordResult(context.Background(), c, ct, res); err != nil {
				s.Log.Warn("campaign result not stored", "campaign", c.Name, "contact", ct.ID, "err", err)
			}
			s.Kick()
		}})
}

// recordResult stores a dial's outcome and schedules what comes next.
func (s *Service) recordResult(ctx context.Context, c *Campaign, ct *Contact, res call.CampaignResult) error {
	now := s.Now()
	cfg := c.Config
	status, next := "pending", time.Time{}
	switch res.Outcome {
	case "connected":
		status = "connected" // the agent records a disposition
	case "busy":
		next = now.Add(time.Duration(cfg.RetryBusyMin) * time.Minute)
	case "abandoned":
		next = now.Add(time.Duration(cfg.RetryBusyMin) * time.Minute) // dropped by us: call back soon
	case "rejected":
		status = "done"
	default: // no_answer, failed
		next = now.Add(time.Duration(cfg.RetryNoAnswerMin) * time.Minute)
	}
	if status == "pending" && ct.Attempts >= cfg.MaxAttempts {
		status = "failed" // attempts exhausted
	}
	// The agent may have recorded the result during the call (a sale, a
	// call-back class): theirs decides what comes next, not the dial's.
	_, err := s.DB.ExecContext(ctx, `UPDATE campaign_contacts SET
		status = CASE WHEN disposition <> '' THEN status ELSE $1 END,
		next_at = CASE WHEN disposition <> '' THEN next_at ELSE $2 END,
		last_outcome = $3, agent_id = COALESCE($4, agent_id), call_id = $5, updated_at = $6 WHERE id = $7`,
		status, store.Millis(next), res.Outcome, store.NullID(res.AgentID), res.CallID, now.UnixMilli(), ct.ID)
	if err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `INSERT INTO campaign_attempts (campaign_id, contact_id, at, outcome, call_id, agent_id, answered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.ID, ct.ID, now.UnixMilli(), res.Outcome, res.CallID, store.NullID(res.AgentID),
		store.Millis(res.Answer))
	return err
}

// finishIfDone marks a campaign done when nothing is left to call.
func (s *Service) finishIfDone(ctx context.Context, c *Campaign) {
	var open int
	err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM campaign_contacts WHERE campaign_id = $1
		AND status IN ('pending', 'dialing', 'previewing')`, c.ID).Scan(&open)
	r := s.runnerOf(c)
	s.mu.Lock()
	inflight := r.inflight
	s.mu.Unlock()
	if err == nil && open == 0 && inflight == 0 {
		s.DB.ExecContext(ctx, `UPDATE campaigns SET status = 'done', updated_at = $1 WHERE id = $2 AND status = 'running'`,
			s.Now().UnixMilli(), c.ID)
	}
}
