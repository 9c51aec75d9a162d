package acd

import "time"

// Strategy decides which eligible agent a queue's call is offered to.
type Strategy string

// Routing strategies.
const (
	// LongestIdle offers to the agent who has been ready the longest.
	LongestIdle Strategy = "longest_idle"
	// RoundRobin rotates through the queue's members in agent-ID order; the
	// rotation pointer persists across calls (it lives in State).
	RoundRobin Strategy = "round_robin"
	// FewestCalls offers to the agent who answered the fewest calls since
	// local midnight (Options.Location); ties go to the longest idle.
	FewestCalls Strategy = "fewest_calls"
	// RingAll offers to every eligible agent at once; the first to answer
	// wins and the others are released.
	RingAll Strategy = "ring_all"
	// SkillsBased offers to the agent with the highest total level over the
	// call's required skills; ties go to the longest idle.
	SkillsBased Strategy = "skills"
)

// SkillReq is one required skill and the minimum level (1–10) an agent needs.
type SkillReq struct {
	Skill    string `json:"skill" yaml:"skill"`
	MinLevel int    `json:"min_level" yaml:"min_level"`
}

// WideningStep relaxes a call's skill requirements once the call has waited
// AfterSec seconds: every minimum level drops by LowerBy (never below 1) and
// DropSkill, when set, is no longer required. Steps are cumulative.
type WideningStep struct {
	AfterSec  int    `json:"after_sec" yaml:"after_sec"`
	LowerBy   int    `json:"lower_by,omitempty" yaml:"lower_by,omitempty"`
	DropSkill string `json:"drop_skill,omitempty" yaml:"drop_skill,omitempty"`
}

// OverflowAction says where a call goes when it cannot wait in its queue.
type OverflowAction string

// Overflow actions. OverflowNone means "blocked": the owner plays busy.
const (
	OverflowNone      OverflowAction = ""
	OverflowQueue     OverflowAction = "queue"
	OverflowIVR       OverflowAction = "ivr"
	OverflowVoicemail OverflowAction = "voicemail"
	OverflowCallback  OverflowAction = "callback"
	OverflowHangup    OverflowAction = "hangup"
)

// Overflow is a queue's overflow destination. QueueID is used with
// OverflowQueue, Target (an IVR flow or voicemail box) with OverflowIVR and
// OverflowVoicemail, Message (a prompt) with OverflowHangup.
type Overflow struct {
	Action  OverflowAction `json:"action,omitempty" yaml:"action,omitempty"`
	QueueID int64          `json:"queue_id,omitempty" yaml:"queue_id,omitempty"`
	Target  string         `json:"target,omitempty" yaml:"target,omitempty"`
	Message string         `json:"message,omitempty" yaml:"message,omitempty"`
}

// NoAnswerPolicy says what happens to an agent who lets an offer ring out.
type NoAnswerPolicy struct {
	NotReady bool   `json:"not_ready" yaml:"not_ready"`
	Reason   Reason `json:"reason,omitempty" yaml:"reason,omitempty"` // default ReasonNoAnswer
}

// Queue is a queue's routing configuration. Zero durations mean "off"
// except where a default is named.
type Queue struct {
	ID       int64    `json:"id" yaml:"id"`
	Name     string   `json:"name" yaml:"name"`
	Strategy Strategy `json:"strategy" yaml:"strategy"`
	// Priority ranks queues for an agent who is a member of several: a free
	// agent takes the head call of the highest-priority queue first.
	Priority int            `json:"priority" yaml:"priority"`
	Skills   []SkillReq     `json:"skills,omitempty" yaml:"skills,omitempty"`
	Widening []WideningStep `json:"widening,omitempty" yaml:"widening,omitempty"`
	// RingTimeoutSec bounds one offer; default 20.
	RingTimeoutSec int            `json:"ring_timeout_sec,omitempty" yaml:"ring_timeout_sec,omitempty"`
	NoAnswer       NoAnswerPolicy `json:"no_answer" yaml:"no_answer"`
	WrapUpSec      int            `json:"wrap_up_sec,omitempty" yaml:"wrap_up_sec,omitempty"`
	// MaxWaiting caps callers on the line (callbacks excluded); 0 = no cap.
	MaxWaiting int `json:"max_waiting,omitempty" yaml:"max_waiting,omitempty"`
	// MaxWaitSec sends a call to Overflow after that long; 0 = no limit.
	MaxWaitSec int      `json:"max_wait_sec,omitempty" yaml:"max_wait_sec,omitempty"`
	Overflow   Overflow `json:"overflow" yaml:"overflow"`
	// OverflowNoAgents makes Enqueue refuse (ErrNoAgents) when no member
	// is logged in, so the owner applies Overflow at once.
	OverflowNoAgents    bool `json:"overflow_no_agents,omitempty" yaml:"overflow_no_agents,omitempty"`
	AnnounceIntervalSec int  `json:"announce_interval_sec,omitempty" yaml:"announce_interval_sec,omitempty"`
	// PriorityBoostSec is the wait credited per caller priority point
	// (see the package doc); default 30.
	PriorityBoostSec int `json:"priority_boost_sec,omitempty" yaml:"priority_boost_sec,omitempty"`
	// ServiceLevelSec is the service-level threshold; default 20 (80/20).
	ServiceLevelSec int `json:"service_level_sec,omitempty" yaml:"service_level_sec,omitempty"`
	// ShortAbandonSec: abandons quicker than this are not counted against
	// the service level; 0 counts all.
	ShortAbandonSec int `json:"short_abandon_sec,omitempty" yaml:"short_abandon_sec,omitempty"`
}

// Defaults applied when a Queue leaves a field zero.
const (
	DefaultRingTimeoutSec   = 20
	DefaultPriorityBoostSec = 30
	DefaultServiceLevelSec  = 20
)

func (q *Queue) ringTimeout() time.Duration {
	return secOr(q.RingTimeoutSec, DefaultRingTimeoutSec)
}

func (q *Queue) boostMs() int64 {
	return secOr(q.PriorityBoostSec, DefaultPriorityBoostSec).Milliseconds()
}

func (q *Queue) slMs() int64 {
	return secOr(q.ServiceLevelSec, DefaultServiceLevelSec).Milliseconds()
}

func secOr(v, def int) time.Duration {
	if v <= 0 {
		v = def
	}
	return time.Duration(v) * time.Second
}

// Membership puts an agent in a queue. Agents with a lower Penalty are
// offered the queue's calls before any agent with a higher one.
type Membership struct {
	QueueID int64 `json:"queue_id" yaml:"queue_id"`
	Penalty int   `json:"penalty,omitempty" yaml:"penalty,omitempty"`
}

// Agent is an agent's routing configuration: skills (skill → level 1–10)
// and queue memberships. Live state is separate (AgentStatus).
type Agent struct {
	ID     int64          `json:"id" yaml:"id"`
	Name   string         `json:"name,omitempty" yaml:"name,omitempty"`
	Skills map[string]int `json:"skills,omitempty" yaml:"skills,omitempty"`
	Queues []Membership   `json:"queues,omitempty" yaml:"queues,omitempty"`
}

// WaitingCall is a call entering a queue.
type WaitingCall struct {
	ID      string `json:"id"`
	QueueID int64  `json:"queue_id"`
	// Caller is the caller's number, used for callbacks.
	Caller string `json:"caller,omitempty"`
	// Priority 0–9, set by the IVR or by the dialled/calling number.
	Priority int `json:"priority,omitempty"`
	// Skills, when non-nil (even empty), replaces the queue's required skills.
	Skills []SkillReq `json:"skills,omitempty"`
	// EnteredAt defaults to now; a future time is clamped to now.
	EnteredAt time.Time `json:"entered_at"`

	callback *CallbackRequest // set by EnqueueCallback
}

// CallbackRequest turns a waiting call into a callback that keeps its
// place. Number defaults to the call's Caller; a non-zero NotBefore holds
// the callback until then (ActionCallbackDue announces it).
type CallbackRequest struct {
	Number    string    `json:"number,omitempty"`
	NotBefore time.Time `json:"not_before"`
}
