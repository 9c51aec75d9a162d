package sim

import (
	"time"

	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/shift"
)

// World is the stored configuration a simulation runs against: the
// queues, inbound numbers, IVR flows and trunk the live system would use,
// the simulated agents with their shifts, and the CRM's customer phones.
type World struct {
	Queues         []Queue              // by name
	Routes         []Route              // inbound numbers routed to an IVR flow or a queue
	Flows          map[string]*ivr.Flow // by name
	Trunk          string               // the trunk inbound calls arrive on ("" when none)
	Agents         []Agent              // by ID
	Shifts         []shift.Shift        // the agents' schedule in the period
	CustomerPhones []string             // national numbers of CRM customers (callers can be customers)
}

// Queue is what the simulation uses of a queue's settings (queues.Queue).
type Queue struct {
	Name             string
	DepartmentID     int64
	Priority         int           // an agent in several queues serves the highest first
	RingTimeout      time.Duration // one offer rings at most this long (default 20 s)
	NoAnswerNotReady bool          // an agent who lets an offer ring out goes not ready
	NoAnswerReason   string        // with that reason (default no_answer)
	MaxWaiting       int           // callers on the line beyond this are refused (queue_full); 0 = no cap
	MaxWait          time.Duration // a caller waiting this long overflows; 0 = no limit
	Overflow         Overflow
	OverflowNoAgents bool          // refuse at once when no agent of the queue is logged in
	Announce         time.Duration // position announcements ("press 1 for a callback"); 0 = none
	Survey           bool          // the caller rates the call when the agent hangs up
	SurveyScale      int           // the highest score (default 5)
}

// Overflow is where a queue sends a call that cannot wait (acd.Overflow).
type Overflow struct {
	Action string // "" (busy), queue, ivr, voicemail, callback, hangup
	Queue  string // the queue, for action queue
	Target string // the IVR flow, for action ivr
}

// Route is an inbound number: callers dial Number and reach the IVR flow
// or queue Target.
type Route struct {
	Number   string
	Kind     string // ivr or queue
	Target   string
	Priority int // the caller priority a queue route gives
}

// Agent is a simulated agent: a user with an extension (no phone), in a
// team; they serve the queues of their department (and queues without a
// department).
type Agent struct {
	ID           int64
	Extension    string
	TeamID       int64
	DepartmentID int64
}

// RouteKinds.
const (
	RouteIVR   = "ivr"
	RouteQueue = "queue"
)
