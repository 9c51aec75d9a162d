package acd

import (
	"fmt"
	"unicode/utf8"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Limits on configuration and input, checked so that bad input from the API
// or the SIP layer gets an error instead of odd routing.
const (
	MinSkillLevel = 1
	MaxSkillLevel = 10
	MaxPriority   = 9
	maxTextLen    = 128
	maxReasonLen  = 64
	// maxSec bounds every seconds setting (30 days) so that millisecond
	// arithmetic cannot overflow.
	maxSec = 30 * 24 * 3600
)

var strategies = map[Strategy]bool{LongestIdle: true, RoundRobin: true, FewestCalls: true, RingAll: true, SkillsBased: true}

var overflowActions = map[OverflowAction]bool{
	OverflowNone: true, OverflowQueue: true, OverflowIVR: true,
	OverflowVoicemail: true, OverflowCallback: true, OverflowHangup: true,
}

func checkText(field, s string, required bool, max int) error {
	if s == "" {
		if required {
			return apperr.Invalid(field, "is required")
		}
		return nil
	}
	if len(s) > max || !utf8.ValidString(s) {
		return apperr.Invalid(field, "must be valid UTF-8 of at most %d bytes", max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return apperr.Invalid(field, "contains control characters")
		}
	}
	return nil
}

func checkSkills(field string, reqs []SkillReq) error {
	seen := make(map[string]bool, len(reqs))
	for i, r := range reqs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := checkText(f+".skill", r.Skill, true, maxTextLen); err != nil {
			return err
		}
		if seen[r.Skill] {
			return apperr.Invalid(f+".skill", "duplicate skill %q", r.Skill)
		}
		seen[r.Skill] = true
		if r.MinLevel < MinSkillLevel || r.MinLevel > MaxSkillLevel {
			return apperr.Invalid(f+".min_level", "must be %d–%d", MinSkillLevel, MaxSkillLevel)
		}
	}
	return nil
}

// inRange checks counts and seconds settings, in a fixed order so the
// error names the same field every time.
func inRange(fields ...any) error {
	for i := 0; i+1 < len(fields); i += 2 {
		f, v := fields[i].(string), fields[i+1].(int)
		if v < 0 || v > maxSec {
			return apperr.Invalid(f, "must be 0–%d", maxSec)
		}
	}
	return nil
}

// Validate checks a queue's configuration.
func (q *Queue) Validate() error {
	if q.ID <= 0 {
		return apperr.Invalid("id", "must be positive")
	}
	if err := checkText("name", q.Name, false, maxTextLen); err != nil {
		return err
	}
	if !strategies[q.Strategy] {
		return apperr.Invalid("strategy", "unknown strategy %q", q.Strategy)
	}
	if err := checkSkills("skills", q.Skills); err != nil {
		return err
	}
	if err := q.validateWidening(); err != nil {
		return err
	}
	if err := inRange(
		"ring_timeout_sec", q.RingTimeoutSec, "wrap_up_sec", q.WrapUpSec,
		"max_waiting", q.MaxWaiting, "max_wait_sec", q.MaxWaitSec,
		"announce_interval_sec", q.AnnounceIntervalSec, "priority_boost_sec", q.PriorityBoostSec,
		"service_level_sec", q.ServiceLevelSec, "short_abandon_sec", q.ShortAbandonSec,
	); err != nil {
		return err
	}
	if q.NoAnswer.Reason != "" {
		if err := checkReason("no_answer.reason", q.NoAnswer.Reason); err != nil {
			return err
		}
	}
	return q.validateOverflow()
}

func (q *Queue) validateWidening() error {
	prev := 0
	for i, w := range q.Widening {
		f := fmt.Sprintf("widening[%d]", i)
		if w.AfterSec <= 0 || w.AfterSec < prev || w.AfterSec > maxSec {
			return apperr.Invalid(f+".after_sec", "must be 1–%d and not decrease", maxSec)
		}
		prev = w.AfterSec
		if w.LowerBy < 0 || w.LowerBy > MaxSkillLevel {
			return apperr.Invalid(f+".lower_by", "must be 0–%d", MaxSkillLevel)
		}
		if err := checkText(f+".drop_skill", w.DropSkill, false, maxTextLen); err != nil {
			return err
		}
		if w.LowerBy == 0 && w.DropSkill == "" {
			return apperr.Invalid(f, "must lower levels or drop a skill")
		}
	}
	return nil
}

func (q *Queue) validateOverflow() error {
	o := q.Overflow
	if !overflowActions[o.Action] {
		return apperr.Invalid("overflow.action", "unknown action %q", o.Action)
	}
	switch o.Action {
	case OverflowQueue:
		if o.QueueID <= 0 || o.QueueID == q.ID {
			return apperr.Invalid("overflow.queue_id", "must name another queue")
		}
	case OverflowIVR, OverflowVoicemail:
		if err := checkText("overflow.target", o.Target, true, maxTextLen); err != nil {
			return err
		}
	}
	if err := checkText("overflow.message", o.Message, false, 1024); err != nil {
		return err
	}
	if q.MaxWaitSec > 0 && o.Action == OverflowNone {
		return apperr.Invalid("overflow.action", "is required when max_wait_sec is set")
	}
	return nil
}

// Validate checks an agent's configuration.
func (a *Agent) Validate() error {
	if a.ID <= 0 {
		return apperr.Invalid("id", "must be positive")
	}
	if err := checkText("name", a.Name, false, maxTextLen); err != nil {
		return err
	}
	for s, lvl := range a.Skills {
		if err := checkText("skills", s, true, maxTextLen); err != nil {
			return err
		}
		if lvl < MinSkillLevel || lvl > MaxSkillLevel {
			return apperr.Invalid("skills."+s, "level must be %d–%d", MinSkillLevel, MaxSkillLevel)
		}
	}
	seen := make(map[int64]bool, len(a.Queues))
	for i, m := range a.Queues {
		f := fmt.Sprintf("queues[%d]", i)
		if m.QueueID <= 0 || seen[m.QueueID] {
			return apperr.Invalid(f+".queue_id", "must be positive and unique")
		}
		seen[m.QueueID] = true
		if m.Penalty < 0 || m.Penalty > 1000 {
			return apperr.Invalid(f+".penalty", "must be 0–1000")
		}
	}
	return nil
}

func (c *WaitingCall) validate() error {
	if err := checkText("id", c.ID, true, maxTextLen); err != nil {
		return err
	}
	if c.Priority < 0 || c.Priority > MaxPriority {
		return apperr.Invalid("priority", "must be 0–%d", MaxPriority)
	}
	if err := checkText("caller", c.Caller, false, maxTextLen); err != nil {
		return err
	}
	return checkSkills("skills", c.Skills)
}

func checkReason(field string, r Reason) error {
	return checkText(field, string(r), true, maxReasonLen)
}
