package ivr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
)

// runner is the state of one run. It lives on the caller's goroutine only.
type runner struct {
	env    Env
	ch     Channel
	digits <-chan rune
	clock  Clock
	log    *slog.Logger

	rootFlow string
	flow     *Flow
	nodeID   string
	node     *Node
	vars     map[string]string
	path     []string
	pending  []rune // type-ahead keys, oldest first

	steps      int
	jumps      int
	sinceInput map[string]bool // flows entered since the caller was last asked for input
	validated  map[*Flow]bool
	patterns   map[string]*regexp.Regexp
}

// Run interprets flow for one caller until it transfers, hangs up, or the
// caller hangs up (ctx cancelled or the Digits channel closed), which ends
// the run promptly with ActionCallerHangup and a nil error. The flow is
// validated first. An error means the flow could not go on (invalid flow,
// missing goto_flow target, loop, bad transfer target); the Result then has
// ActionFailed with the path so far, and the call layer should route the call
// to its default queue. Once the flow is accepted, the Observer gets
// "ivr.entered" for each node, "ivr.key" for each key and, in every case,
// one final "ivr.left".
func Run(ctx context.Context, flow *Flow, env Env) (Result, error) {
	r, err := newRunner(flow, env)
	if err != nil {
		return Result{Action: ActionFailed, Vars: map[string]string{}}, err
	}
	res, err := r.run(ctx)
	r.emit(Event{Type: EventLeft, Path: res.Path, Action: res.Action, Target: res.Target})
	return res, err
}

func newRunner(flow *Flow, env Env) (*runner, error) {
	if env.Channel == nil {
		return nil, errors.New("ivr: Run needs a Channel")
	}
	if _, err := Validate(flow); err != nil {
		return nil, fmt.Errorf("ivr: run flow: %w", err)
	}
	r := &runner{
		env: env, ch: env.Channel, digits: env.Channel.Digits(), clock: env.Clock, log: env.Log,
		rootFlow: flow.Name, flow: flow,
		vars:       maps.Clone(env.Vars),
		sinceInput: map[string]bool{flow.Name: true},
		validated:  map[*Flow]bool{flow: true},
		patterns:   map[string]*regexp.Regexp{},
	}
	if r.vars == nil {
		r.vars = map[string]string{}
	}
	if r.clock == nil {
		r.clock = SystemClock()
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.env.MaxSteps <= 0 {
		r.env.MaxSteps = DefaultMaxSteps
	}
	if r.env.MaxJumps <= 0 {
		r.env.MaxJumps = DefaultMaxJumps
	}
	return r, nil
}

func (r *runner) run(ctx context.Context) (Result, error) {
	id := r.flow.Start
	for {
		if ctx.Err() != nil {
			return r.result(ActionCallerHangup, ""), nil
		}
		if r.steps++; r.steps > r.env.MaxSteps {
			return r.result(ActionFailed, ""), fmt.Errorf("%w: more than %d steps", ErrLoop, r.env.MaxSteps)
		}
		r.enter(id)
		next, res, err := r.step(ctx)
		switch {
		case errors.Is(err, ErrHangup):
			return r.result(ActionCallerHangup, ""), nil
		case err != nil:
			return r.result(ActionFailed, ""), fmt.Errorf("ivr: flow %q node %q: %w", r.flow.Name, r.nodeID, err)
		case res != nil:
			return *res, nil
		}
		id = next
	}
}

func (r *runner) enter(id string) {
	r.nodeID, r.node = id, r.flow.Nodes[id]
	if r.flow.Name == r.rootFlow {
		r.path = append(r.path, id)
	} else {
		r.path = append(r.path, r.flow.Name+"/"+id)
	}
	r.emit(Event{Type: EventEntered, Node: id, NodeType: r.node.Type})
}

// step runs the current node: it returns the next node id, or a result when
// the run is over.
func (r *runner) step(ctx context.Context) (string, *Result, error) {
	n := r.node
	switch n.Type {
	case TypePlay:
		return n.Next, nil, r.playNode(ctx, n)
	case TypeCollect:
		next, err := r.collect(ctx, n)
		return next, nil, err
	case TypeMenu:
		next, err := r.menu(ctx, n)
		return next, nil, err
	case TypeHours:
		return r.hours(n)
	case TypeSet:
		r.set(n)
		return n.Next, nil, nil
	case TypeGotoFlow:
		next, err := r.gotoFlow(ctx, n)
		return next, nil, err
	case TypeTransfer:
		res, err := r.transfer(ctx, n)
		return "", res, err
	case TypeHangup:
		if err := r.playThrough(ctx, n.Prompt); err != nil {
			return "", nil, err
		}
		res := r.result(ActionHangup, "")
		return "", &res, nil
	}
	return "", nil, fmt.Errorf("unknown node type %q", n.Type)
}

func (r *runner) hours(n *Node) (string, *Result, error) {
	s, err := compileHours(n)
	if err != nil {
		return "", nil, err
	}
	if s.openAt(r.clock.Now()) {
		return n.Open, nil, nil
	}
	return n.Closed, nil, nil
}

// set evaluates every template against the variables as they were before
// the node, so the order of the map does not matter.
func (r *runner) set(n *Node) {
	vals := make(map[string]string, len(n.Vars))
	for k, v := range n.Vars {
		vals[k] = expand(v, r.vars)
	}
	maps.Copy(r.vars, vals)
}

// gotoFlow switches to another flow. Jumping to a flow already entered since
// the caller was last asked for input is a loop that would spin for ever.
func (r *runner) gotoFlow(ctx context.Context, n *Node) (string, error) {
	if r.jumps >= r.env.MaxJumps {
		return "", fmt.Errorf("%w: more than %d goto_flow jumps", ErrLoop, r.env.MaxJumps)
	}
	if r.sinceInput[n.Flow] {
		return "", fmt.Errorf("%w: goto_flow %q re-enters a flow without waiting for caller input", ErrLoop, n.Flow)
	}
	f, err := r.resolve(ctx, n.Flow)
	if err != nil {
		return "", err
	}
	r.jumps++
	r.flow = f
	r.sinceInput[f.Name] = true
	return f.Start, nil
}

func (r *runner) resolve(ctx context.Context, name string) (*Flow, error) {
	if name == r.flow.Name {
		return r.flow, nil
	}
	if r.env.Flows == nil {
		return nil, fmt.Errorf("%w: %q (no flow resolver)", ErrFlowNotFound, name)
	}
	f, err := r.env.Flows.ResolveFlow(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("goto_flow %q: %w", name, err)
	}
	if !r.validated[f] {
		if _, err := Validate(f); err != nil {
			return nil, fmt.Errorf("goto_flow %q: %w", name, err)
		}
		r.validated[f] = true
	}
	return f, nil
}

func (r *runner) transfer(ctx context.Context, n *Node) (*Result, error) {
	target := expand(n.Target, r.vars)
	if err := checkTarget(n.TargetKind, target); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadTarget, err)
	}
	if err := r.playThrough(ctx, n.Prompt); err != nil {
		return nil, err
	}
	action := map[TargetKind]Action{
		TargetQueue:     ActionTransferQueue,
		TargetExtension: ActionTransferExtension,
		TargetExternal:  ActionTransferExternal,
	}[n.TargetKind]
	res := r.result(action, target)
	return &res, nil
}

func (r *runner) result(a Action, target string) Result {
	return Result{
		Action: a, Target: target,
		Vars: maps.Clone(r.vars), Path: append([]string(nil), r.path...),
		Flow: r.flow.Name, Node: r.nodeID,
	}
}

func (r *runner) emit(e Event) {
	if r.env.Observer == nil {
		return
	}
	e.At = r.clock.Now()
	if e.Flow == "" {
		e.Flow = r.flow.Name
	}
	r.env.Observer(e)
}

// waitedForInput resets loop detection: the caller is being asked for
// input, so whatever follows is paced by the caller, not a spin. (Jumping
// back to the current flow afterwards, e.g. a menu's on_fail restarting it,
// is fine.)
func (r *runner) waitedForInput() { clear(r.sinceInput) }
