package sim

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/ivr"
)

// ivrStep is one event of a caller's way through an IVR flow.
type ivrStep struct {
	at      int64
	typ     calllog.Type
	data    calllog.Data
	pathLen int // nodes visited so far
}

// ivrRun is how a caller went through a flow: the ivr.entered, ivr.key
// and ivr.left events the interpreter would log, and the result.
type ivrRun struct {
	steps    []ivrStep
	result   ivr.Action
	target   string
	priority int
	skills   []string
	end      int64 // when the flow ended (the ivr.left)
	missing  bool  // no such flow: the call ends without IVR events
}

// walker plays callers through the stored flows the way ivr.Run would,
// without audio: prompts take the time their text takes to speak, keys
// come after the prompt or interrupt it, hours nodes are evaluated at the
// simulated time.
type walker struct {
	flows map[string]*ivr.Flow
	open  map[*ivr.Node]map[int64]bool // hours node → minute → open
}

func newWalker(flows map[string]*ivr.Flow) *walker {
	return &walker{flows: flows, open: map[*ivr.Node]map[int64]bool{}}
}

const maxIVRSteps = 60

// walk runs a caller arriving at t through flow name. selfService asks
// for a caller who gets what they need from the IVR: they take a menu
// choice that ends in a hangup node, or hang up during the first menu.
// prefer names a queue the caller asks for when a menu offers it.
func (w *walker) walk(name string, t int64, r *rand.Rand, selfService bool, prefer string) ivrRun {
	f := w.flows[name]
	if f == nil {
		return ivrRun{missing: true, result: ivr.ActionFailed, end: t}
	}
	run := ivrRun{steps: make([]ivrStep, 0, 4)}
	path := make([]string, 0, 4)
	vars := map[string]string{}
	root := f.Name
	id, typeahead := f.Start, ""
	add := func(typ calllog.Type, d calllog.Data) {
		d.Flow = f.Name
		run.steps = append(run.steps, ivrStep{at: t, typ: typ, data: d, pathLen: len(path)})
	}
	leave := func(a ivr.Action, target string) ivrRun {
		add(calllog.IVRLeft, calllog.Data{Path: path, Result: string(a), Target: target})
		run.result, run.target, run.end = a, target, t
		run.priority = priorityVar(vars["priority"])
		run.skills = skillNames(vars["skill"])
		return run
	}
	add(calllog.IVREntered, calllog.Data{Node: id})
	for range maxIVRSteps {
		n := f.Nodes[id]
		if n == nil {
			return leave(ivr.ActionFailed, "")
		}
		if f.Name == root {
			path = append(path, id)
		} else {
			path = append(path, f.Name+"/"+id)
		}
		switch n.Type {
		case ivr.TypePlay:
			d := promptMS(n.Prompt)
			next := f.Nodes[n.Next]
			if n.Interruptible && next != nil && next.Type == ivr.TypeMenu && !selfService && chance(r, 0.5) {
				typeahead = chooseKey(f, next, r, prefer)
				t += int64(float64(d) * (0.3 + 0.6*r.Float64()))
				add(calllog.IVRKey, calllog.Data{Node: id, Digit: typeahead})
			} else {
				t += d
			}
			id = n.Next
		case ivr.TypeHours:
			if w.openAt(n, t) {
				id = n.Open
			} else {
				id = n.Closed
			}
		case ivr.TypeSet:
			for k, v := range n.Vars {
				if !strings.Contains(v, "{{") {
					vars[k] = v
				}
			}
			id = n.Next
		case ivr.TypeMenu:
			digit := typeahead
			typeahead = ""
			if selfService {
				d := promptMS(n.Prompt)
				digit = hangupKey(f, n)
				if digit == "" { // nothing to do in self service but listen and hang up
					t += int64(float64(d) * (0.4 + 0.6*r.Float64()))
					return leave(ivr.ActionCallerHangup, "")
				}
				selfService = false
				t += d + uniMS(r, 500*time.Millisecond, 3*time.Second)
				add(calllog.IVRKey, calllog.Data{Node: id, Digit: digit})
			} else if digit == "" {
				t += promptMS(n.Prompt)
				if chance(r, 0.03) { // a wrong key, the invalid prompt, then the right one
					t += uniMS(r, 500*time.Millisecond, 3*time.Second)
					add(calllog.IVRKey, calllog.Data{Node: id, Digit: invalidKey(n)})
					t += promptMS(n.InvalidPrompt) + promptMS(n.Prompt)
				}
				digit = chooseKey(f, n, r, prefer)
				t += uniMS(r, 500*time.Millisecond, 3*time.Second)
				add(calllog.IVRKey, calllog.Data{Node: id, Digit: digit})
			}
			id = n.Choices[digit]
		case ivr.TypeCollect:
			t += promptMS(n.Prompt)
			digits := collectDigits(n, r)
			for _, c := range digits {
				t += uniMS(r, 400*time.Millisecond, 1200*time.Millisecond)
				add(calllog.IVRKey, calllog.Data{Node: id, Digit: string(c)})
			}
			v := n.Variable
			if v == "" {
				v = ivr.VarDigits
			}
			vars[v] = digits
			id = n.Next
		case ivr.TypeGotoFlow:
			g := w.flows[n.Flow]
			if g == nil {
				return leave(ivr.ActionFailed, "")
			}
			if g.Name != f.Name {
				f = g
				add(calllog.IVREntered, calllog.Data{Node: g.Start})
			}
			id = g.Start
		case ivr.TypeTransfer:
			t += promptMS(n.Prompt)
			switch n.TargetKind {
			case ivr.TargetQueue:
				return leave(ivr.ActionTransferQueue, n.Target)
			case ivr.TargetExtension:
				return leave(ivr.ActionTransferExtension, n.Target)
			default:
				return leave(ivr.ActionTransferExternal, n.Target)
			}
		case ivr.TypeHangup:
			t += promptMS(n.Prompt)
			return leave(ivr.ActionHangup, "")
		default:
			return leave(ivr.ActionFailed, "")
		}
	}
	return leave(ivr.ActionFailed, "")
}

// openAt evaluates an hours node at t, cached by minute.
func (w *walker) openAt(n *ivr.Node, t int64) bool {
	m := w.open[n]
	if m == nil {
		m = map[int64]bool{}
		w.open[n] = m
	}
	minute := t / 60000
	if v, ok := m[minute]; ok {
		return v
	}
	v, err := n.OpenAt(time.UnixMilli(minute * 60000))
	v = v && err == nil
	m[minute] = v
	return v
}

// chooseKey picks a menu choice: the choices leading to queues (or on
// into the flow) are weighted slightly towards the lower keys (the
// first options get a bit more traffic, as menus are ordered by demand);
// hangup and non-queue transfers are left out. A choice straight into
// the queue prefer is taken when there is one.
func chooseKey(f *ivr.Flow, n *ivr.Node, r *rand.Rand, prefer string) string {
	keys := make([]string, 0, len(n.Choices))
	preferred := ""
	for k, next := range n.Choices {
		nn := f.Nodes[next]
		if nn != nil && (nn.Type == ivr.TypeHangup || (nn.Type == ivr.TypeTransfer && nn.TargetKind != ivr.TargetQueue)) {
			continue
		}
		if prefer != "" && nn != nil && nn.Type == ivr.TypeTransfer && nn.Target == prefer && (preferred == "" || k < preferred) {
			preferred = k
		}
		keys = append(keys, k)
	}
	if preferred != "" {
		return preferred
	}
	if len(keys) == 0 {
		for k := range n.Choices {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return "1"
	}
	total, weights := 0.0, make([]float64, len(keys))
	for i := range keys {
		weights[i] = 1 + 0.5*float64(len(keys)-i)/float64(len(keys))
		total += weights[i]
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return keys[i]
		}
		x -= w
	}
	return keys[len(keys)-1]
}

// hangupKey is the (lowest) key of a menu leading straight to a hangup
// node, or "".
func hangupKey(f *ivr.Flow, n *ivr.Node) string {
	best := ""
	for k, next := range n.Choices {
		if nn := f.Nodes[next]; nn != nil && nn.Type == ivr.TypeHangup && (best == "" || k < best) {
			best = k
		}
	}
	return best
}

func invalidKey(n *ivr.Node) string {
	for _, k := range []string{"9", "0", "8", "7", "*"} {
		if _, ok := n.Choices[k]; !ok {
			return k
		}
	}
	return "#"
}

func collectDigits(n *ivr.Node, r *rand.Rand) string {
	lo := max(n.MinDigits, 1)
	hi := max(n.MaxDigits, lo)
	k := lo + r.IntN(min(hi-lo, 3)+1)
	var b strings.Builder
	for range k {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

// promptMS is how long prompts take to play: Chinese about 4.5
// characters a second, other text about 14 characters a second, a stored
// prompt 4 s.
func promptMS(ps ivr.Prompts) int64 {
	ms := int64(0)
	for _, p := range ps {
		if !p.IsTTS() {
			ms += 4000
			continue
		}
		for _, c := range p.Text {
			if unicode.Is(unicode.Han, c) {
				ms += 220
			} else {
				ms += 70
			}
		}
	}
	return ms
}

func priorityVar(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= 9 {
		return n
	}
	return 0
}

func skillNames(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		if name, _, _ := strings.Cut(strings.TrimSpace(part), ":"); name != "" {
			out = append(out, name)
		}
	}
	return out
}
