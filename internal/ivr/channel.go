package ivr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Channel is the caller's side of a call as the interpreter sees it; the
// call layer implements it on top of media (player and DTMF detector).
//
// Play must not wait for the audio: it starts playing prompts one after
// another and returns a Playback at once. The interpreter decides about
// barge-in itself: when a key interrupts, it calls Stop and, if the key
// completed a choice, calls Play for the next prompt immediately, so Play
// must accept a new playback right after Stop of the previous one (replace
// it, never queue behind it). Play should return an error wrapping ErrHangup
// when the call is gone; other errors are logged and the prompt is treated
// as played, so a missing file never strands a caller.
//
// Digits delivers every key press exactly once, in order, when the key is
// recognised (RFC 4733 event start or in-band tone onset; retransmitted
// RFC 4733 end packets are the media layer's to drop). Three presses of 1
// are three values '1'. Keys are '0'-'9', '*', '#' and 'A'-'D'; others are
// ignored. The channel should buffer (32 keys is plenty) so the media layer
// never blocks while the interpreter is between waits. Closing it means the
// caller hung up. Digits must return the same channel on every call.
type Channel interface {
	Play(ctx context.Context, prompts []Prompt) (Playback, error)
	Digits() <-chan rune
}

// Playback is one Play in progress.
type Playback interface {
	// Done is closed when every prompt has played, or promptly after Stop
	// or the end of the context given to Play.
	Done() <-chan struct{}
	// Stop ends the playback at once; it is idempotent and may be called
	// after Done is closed.
	Stop()
}

// Clock tells the time (for business hours and event times) and makes the
// timers of menu and collect timeouts. SystemClock is the real one; tests
// inject their own.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a stoppable one-shot timer, as time.Timer.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

type systemClock struct{}
type systemTimer struct{ t *time.Timer }

// SystemClock returns the wall clock with time.Timer timers.
func SystemClock() Clock { return systemClock{} }

func (systemClock) Now() time.Time                 { return time.Now() }
func (systemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }
func (t systemTimer) C() <-chan time.Time          { return t.t.C }
func (t systemTimer) Stop() bool                   { return t.t.Stop() }

// FlowResolver finds a flow by name for goto_flow. FlowStore implements it;
// Flows is an in-memory one.
type FlowResolver interface {
	ResolveFlow(ctx context.Context, name string) (*Flow, error)
}

// Flows resolves flows from a map keyed by name.
type Flows map[string]*Flow

// ResolveFlow returns the named flow or an error wrapping ErrFlowNotFound.
func (m Flows) ResolveFlow(_ context.Context, name string) (*Flow, error) {
	if f := m[name]; f != nil {
		return f, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrFlowNotFound, name)
}

// EventType names an interpreter event; the call layer writes them to the
// call event log under these names.
type EventType string

// The interpreter's events.
const (
	EventEntered EventType = "ivr.entered" // a node was entered
	EventKey     EventType = "ivr.key"     // the caller pressed a key
	EventLeft    EventType = "ivr.left"    // the run ended; Path and Action say how
)

// Event is one step of a run, given to the Observer.
type Event struct {
	Type     EventType `json:"type"`
	At       time.Time `json:"at"`
	Flow     string    `json:"flow"`
	Node     string    `json:"node,omitempty"`
	NodeType NodeType  `json:"node_type,omitempty"`
	Key      string    `json:"key,omitempty"`    // EventKey: the key, e.g. "1" or "#"
	Path     []string  `json:"path,omitempty"`   // EventLeft: the nodes entered, in order
	Action   Action    `json:"action,omitempty"` // EventLeft
	Target   string    `json:"target,omitempty"` // EventLeft
}

// Observer is called synchronously on the interpreter's goroutine for every
// event, so it must return quickly (hand the event to a queue).
type Observer func(Event)

// Env is what a run needs besides the flow.
type Env struct {
	Channel Channel      // required
	Flows   FlowResolver // for goto_flow; nil makes goto_flow to other flows fail
	Clock   Clock        // nil: SystemClock
	// Vars are the initial variables, normally VarCaller and VarDialled.
	// Run copies them; the map is not changed.
	Vars     map[string]string
	Observer Observer     // nil: none
	Log      *slog.Logger // nil: slog.Default()
	// MaxSteps bounds the nodes entered in one run, so a caller who never
	// answers a menu that loops back to itself is not held forever
	// (0: DefaultMaxSteps). MaxJumps bounds goto_flow jumps (0: DefaultMaxJumps).
	MaxSteps int
	MaxJumps int
}

// Defaults for Env limits.
const (
	DefaultMaxSteps = 1000
	DefaultMaxJumps = 32
	maxPending      = 64 // type-ahead keys kept; more are dropped and logged
)

// Action is how a run ended.
type Action string

// The actions.
const (
	ActionTransferQueue     Action = "transfer_queue"
	ActionTransferExtension Action = "transfer_extension"
	ActionTransferExternal  Action = "transfer_external"
	ActionHangup            Action = "hangup"        // the flow hung up
	ActionCallerHangup      Action = "caller_hangup" // the caller hung up
	ActionFailed            Action = "failed"        // Run returned an error
)

// Result is the outcome of a run.
type Result struct {
	Action Action            `json:"action"`
	Target string            `json:"target,omitempty"` // queue name, extension or number
	Vars   map[string]string `json:"vars"`             // every variable at the end (skill, priority, ...)
	// Path lists the nodes entered, in order; nodes of a flow reached by
	// goto_flow are written "flow/node".
	Path []string `json:"path"`
	Flow string   `json:"flow"` // the flow and node the run ended in
	Node string   `json:"node"`
}

// Sentinel errors.
var (
	// ErrHangup means the caller hung up; a Channel returns it (wrapped)
	// from Play when the call is gone. Run reports it as ActionCallerHangup
	// with a nil error.
	ErrHangup = errors.New("ivr: caller hung up")
	// ErrInvalid matches (errors.Is) every *ValidationError.
	ErrInvalid = errors.New("ivr: invalid flow")
	// ErrFlowNotFound is wrapped by a FlowResolver that has no such flow.
	ErrFlowNotFound = errors.New("ivr: flow not found")
	// ErrLoop means a run looped without end: a goto_flow chain that never
	// waits for input, or more than MaxSteps nodes or MaxJumps jumps.
	ErrLoop = errors.New("ivr: flow loops")
	// ErrBadTarget means a transfer target expanded to an invalid value.
	ErrBadTarget = errors.New("ivr: bad transfer target")
)
