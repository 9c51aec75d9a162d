package ivr

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

const ms = time.Millisecond
const sec = time.Second

// Builders that keep the test flows short.
func stored(names ...string) Prompts {
	ps := make(Prompts, len(names))
	for i, n := range names {
		ps[i] = Prompt{Name: n}
	}
	return ps
}

func queue(name string) *Node {
	return &Node{Type: TypeTransfer, TargetKind: TargetQueue, Target: name}
}

func newFlow(name, start string, nodes map[string]*Node) *Flow {
	return &Flow{Name: name, Start: start, Nodes: nodes}
}

// menuFlow: "m" asks 1 (sales) or 2 (support), 5 s timeout, 2 retries,
// then support.
func menuFlow() *Flow {
	return newFlow("main", "m", map[string]*Node{
		"m": {Type: TypeMenu, Prompt: stored("m"), Choices: map[string]string{"1": "sales", "2": "support"},
			Timeout: 5 * Second, Retries: intp(2), InvalidPrompt: stored("inv"), TimeoutPrompt: stored("to"), OnFail: "support"},
		"sales":   queue("sales"),
		"support": queue("support"),
	})
}

// withPlay puts a play node "p" in front of menuFlow.
func withPlay(interruptible bool) *Flow {
	f := menuFlow()
	f.Start = "p"
	f.Nodes["p"] = &Node{Type: TypePlay, Prompt: stored("p"), Interruptible: interruptible, Next: "m"}
	return f
}

// collectFlow: "c" reads up to 4 digits ended by '#', into acct; "s" sets
// the skill from it; then queue "accounts". One retry, then "agent".
func collectFlow(edit func(n *Node)) *Flow {
	c := &Node{Type: TypeCollect, Prompt: stored("c"), MaxDigits: 4, Terminator: "#",
		FirstDigitTimeout: 5 * Second, InterDigitTimeout: 3 * Second, Variable: "acct", Retries: intp(1),
		InvalidPrompt: stored("inv"), TimeoutPrompt: stored("to"), Next: "s", OnTimeout: "agent", OnInvalid: "bad"}
	if edit != nil {
		edit(c)
	}
	return newFlow("main", "c", map[string]*Node{
		"c":     c,
		"s":     {Type: TypeSet, Vars: map[string]string{VarSkill: "acct_{{acct}}", VarPriority: "5"}, Next: "t"},
		"t":     queue("accounts"),
		"agent": queue("support"),
		"bad":   queue("fraud"),
	})
}

type runCase struct {
	name     string
	flow     *Flow
	flows    Flows
	base     time.Time
	script   []act
	cancelAt time.Duration
	maxSteps int
	maxJumps int
	failing  []string

	action  Action
	target  string
	path    string
	vars    map[string]string // expected subset
	elapsed time.Duration
	plays   []string // nil: not checked
	keys    *string  // nil: not checked
	err     error
}

func str(s string) *string { return &s }

func (c runCase) run(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := newFakeChannel()
		ch.failing = map[string]bool{}
		for _, n := range c.failing {
			ch.failing[n] = true
		}
		base := c.base
		if base.IsZero() {
			base = time.Date(2025, 6, 4, 10, 0, 0, 0, shanghai) // a Wednesday morning
		}
		rec := &recorder{}
		env := Env{Channel: ch, Flows: c.flows, Clock: testClock{base, time.Now()},
			Vars:     map[string]string{VarCaller: "13800000000", VarDialled: "8000"},
			Observer: rec.observe, MaxSteps: c.maxSteps, MaxJumps: c.maxJumps, Log: quiet}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if c.cancelAt > 0 {
			go func() { time.Sleep(c.cancelAt); cancel() }()
		}
		go ch.perform(c.script)
		start := time.Now()
		res, err := Run(ctx, c.flow, env)
		elapsed := time.Since(start)
		synctest.Wait() // let stopped playbacks record when they stopped

		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Fatalf("error = %v, want %v", err, c.err)
			}
		} else if err != nil {
			t.Fatalf("Run: %v", err)
		}
		want := c.action
		if want == "" && c.err != nil {
			want = ActionFailed
		}
		if res.Action != want || res.Target != c.target {
			t.Errorf("result %s %q, want %s %q", res.Action, res.Target, want, c.target)
		}
		if got := strings.Join(res.Path, " "); c.path != "" && got != c.path {
			t.Errorf("path %q, want %q", got, c.path)
		}
		for k, v := range c.vars {
			if res.Vars[k] != v {
				t.Errorf("var %s = %q, want %q (all: %v)", k, res.Vars[k], v, res.Vars)
			}
		}
		if c.elapsed != 0 && elapsed != c.elapsed {
			t.Errorf("ran for %v, want exactly %v", elapsed, c.elapsed)
		}
		if c.plays != nil && !reflect.DeepEqual(ch.log(), c.plays) {
			t.Errorf("plays\n got %q\nwant %q", ch.log(), c.plays)
		}
		if c.keys != nil && rec.keys() != *c.keys {
			t.Errorf("observed keys %q, want %q", rec.keys(), *c.keys)
		}
		last := rec.events[len(rec.events)-1]
		if last.Type != EventLeft || !reflect.DeepEqual(last.Path, res.Path) || last.Action != res.Action {
			t.Errorf("last event %+v, want ivr.left with the result's path and action", last)
		}
	})
}

var quiet = slog.New(slog.DiscardHandler)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

func TestRunMenu(t *testing.T) {
	for _, c := range []runCase{
		{name: "key during prompt stops it and chooses at once", flow: menuFlow(),
			script: []act{press(1*sec, "1")},
			action: ActionTransferQueue, target: "sales", path: "m sales", elapsed: 1 * sec,
			plays: []string{"0s:m/stopped@1s"}, keys: str("1")},
		{name: "key after the prompt", flow: menuFlow(),
			script: []act{press(3*sec, "2")},
			action: ActionTransferQueue, target: "support", path: "m support", elapsed: 3 * sec,
			plays: []string{"0s:m"}},
		{name: "timeouts count from the end of each prompt, then on_fail", flow: menuFlow(),
			action: ActionTransferQueue, target: "support", path: "m support", elapsed: 25 * sec,
			plays: []string{"0s:m", "7s:to+m", "16s:to+m"}, keys: str("")},
		{name: "invalid key, retry with the invalid prompt", flow: menuFlow(),
			script: []act{press(3*sec, "9"), press(8*sec, "1")},
			action: ActionTransferQueue, target: "sales", path: "m sales", elapsed: 8 * sec,
			plays: []string{"0s:m", "3s:inv+m"}, keys: str("91")},
		{name: "invalid keys exhaust the retries", flow: menuFlow(),
			script: []act{press(3*sec, "9"), press(8*sec, "*"), press(13*sec, "#")},
			action: ActionTransferQueue, target: "support", path: "m support", elapsed: 13 * sec,
			plays: []string{"0s:m", "3s:inv+m", "8s:inv+m"}},
		{name: "a key typed after an invalid one answers the retry", flow: menuFlow(),
			script: []act{press(1*sec, "91")},
			action: ActionTransferQueue, target: "sales", elapsed: 1 * sec, keys: str("91")},
		{name: "a key at the instant of the timeout is not lost", flow: menuFlow(),
			script: []act{press(7*sec, "1")},
			action: ActionTransferQueue, target: "sales", elapsed: 7 * sec},
		{name: "keys that are not DTMF are ignored", flow: menuFlow(),
			script: []act{press(1*sec, "x"), press(1500*ms, "1")},
			action: ActionTransferQueue, target: "sales", elapsed: 1500 * ms, keys: str("1")},
		{name: "a prompt that fails to play does not strand the caller", flow: menuFlow(), failing: []string{"m"},
			script: []act{press(1*sec, "1")},
			action: ActionTransferQueue, target: "sales", elapsed: 1 * sec, plays: []string{}},
	} {
		t.Run(c.name, c.run)
	}
}

func TestRunTypeAheadAndRepeatedKeys(t *testing.T) {
	nested := newFlow("main", "m1", map[string]*Node{
		"m1":  {Type: TypeMenu, Prompt: stored("m1"), Choices: map[string]string{"1": "m2"}, OnFail: "ext"},
		"m2":  {Type: TypeMenu, Prompt: stored("m2"), Choices: map[string]string{"1": "m3"}, OnFail: "ext"},
		"m3":  {Type: TypeMenu, Prompt: stored("m3"), Choices: map[string]string{"1": "ext"}, OnFail: "ext"},
		"ext": {Type: TypeTransfer, TargetKind: TargetExtension, Target: "101"},
	})
	intro := newFlow("main", "p", map[string]*Node{"p": {Type: TypePlay, Prompt: stored("p"), Next: "m1"}})
	for id, n := range nested.Nodes {
		intro.Nodes[id] = n
	}
	playThenCollect := newFlow("main", "p", map[string]*Node{
		"p": {Type: TypePlay, Prompt: stored("p"), Next: "c"},
		"c": {Type: TypeCollect, Prompt: stored("c"), MaxDigits: 3, Variable: "code", Next: "t", OnTimeout: "t"},
		"t": queue("q"),
	})
	for _, c := range []runCase{
		{name: "111 typed during an intro answers three menus without their prompts", flow: intro,
			script: []act{press(500*ms, "111")},
			action: ActionTransferExtension, target: "101", path: "p m1 m2 m3 ext", elapsed: 2 * sec,
			plays: []string{"0s:p"}, keys: str("111")},
		{name: "111 typed during the first menu goes through three menus", flow: nested,
			script: []act{press(500*ms, "111")},
			action: ActionTransferExtension, target: "101", path: "m1 m2 m3 ext", elapsed: 500 * ms, keys: str("111")},
		{name: "111 typed during a play fills a collect", flow: playThenCollect,
			script: []act{press(500*ms, "111")},
			action: ActionTransferQueue, target: "q", path: "p c t", elapsed: 2 * sec,
			vars: map[string]string{"code": "111"}, plays: []string{"0s:p"}},
		{name: "1111 pressed one by one", flow: collectFlow(nil),
			script: []act{press(1*sec, "1"), press(1100*ms, "1"), press(1200*ms, "1"), press(1300*ms, "1")},
			action: ActionTransferQueue, target: "accounts", elapsed: 1300 * ms,
			vars: map[string]string{"acct": "1111"}},
		{name: "a key during an uninterruptible prompt waits for the menu", flow: withPlay(false),
			script: []act{press(1*sec, "2")},
			action: ActionTransferQueue, target: "support", path: "p m support", elapsed: 2 * sec,
			plays: []string{"0s:p"}},
		{name: "a key interrupts an interruptible prompt and answers the menu", flow: withPlay(true),
			script: []act{press(1*sec, "1")},
			action: ActionTransferQueue, target: "sales", path: "p m sales", elapsed: 1 * sec,
			plays: []string{"0s:p/stopped@1s"}},
		{name: "an interruptible prompt plays to the end without keys", flow: withPlay(true),
			script: []act{press(3*sec, "1")},
			action: ActionTransferQueue, target: "sales", elapsed: 3 * sec,
			plays: []string{"0s:p", "2s:m/stopped@3s"}},
	} {
		t.Run(c.name, c.run)
	}
}

func TestRunCollect(t *testing.T) {
	min3 := func(n *Node) { n.MinDigits = 3 }
	pattern := func(n *Node) { n.Pattern = "9[0-9]*" }
	for _, c := range []runCase{
		{name: "terminator ends input", flow: collectFlow(nil),
			script: []act{press(1*sec, "12#")},
			action: ActionTransferQueue, target: "accounts", path: "c s t", elapsed: 1 * sec,
			vars:  map[string]string{"acct": "12", VarSkill: "acct_12", VarPriority: "5", VarCaller: "13800000000"},
			plays: []string{"0s:c/stopped@1s"}},
		{name: "max digits ends input without terminator", flow: collectFlow(nil),
			script: []act{press(3*sec, "1234")},
			action: ActionTransferQueue, target: "accounts", elapsed: 3 * sec,
			vars: map[string]string{"acct": "1234"}, plays: []string{"0s:c"}},
		{name: "inter-digit timeout ends input", flow: collectFlow(nil),
			script: []act{press(3*sec, "12")},
			action: ActionTransferQueue, target: "accounts", elapsed: 6 * sec,
			vars: map[string]string{"acct": "12"}},
		{name: "inter-digit timeout restarts at each digit", flow: collectFlow(nil),
			script: []act{press(1*sec, "1"), press(3500*ms, "2"), press(6*sec, "3")},
			action: ActionTransferQueue, target: "accounts", elapsed: 9 * sec,
			vars: map[string]string{"acct": "123"}},
		{name: "first-digit timeout, retry, then on_timeout", flow: collectFlow(nil),
			action: ActionTransferQueue, target: "support", path: "c agent", elapsed: 16 * sec,
			plays: []string{"0s:c", "7s:to+c"}},
		{name: "too few digits is invalid, then a good retry", flow: collectFlow(min3),
			script: []act{press(1*sec, "12#"), press(6*sec, "123#")},
			action: ActionTransferQueue, target: "accounts", elapsed: 6 * sec,
			vars: map[string]string{"acct": "123"}, plays: []string{"0s:c/stopped@1s", "1s:inv+c"}},
		{name: "pattern mismatch is invalid; on_invalid after the retries", flow: collectFlow(pattern),
			script: []act{press(1*sec, "12#"), press(3*sec, "34#")},
			action: ActionTransferQueue, target: "fraud", path: "c bad", elapsed: 3 * sec},
		{name: "pattern match", flow: collectFlow(pattern),
			script: []act{press(1*sec, "95#")},
			action: ActionTransferQueue, target: "accounts", vars: map[string]string{"acct": "95"}},
		{name: "a non-digit key is invalid", flow: collectFlow(nil),
			script: []act{press(1*sec, "1*"), press(4*sec, "7#")},
			action: ActionTransferQueue, target: "accounts", elapsed: 4 * sec,
			vars: map[string]string{"acct": "7"}, plays: []string{"0s:c/stopped@1s", "1s:inv+c/stopped@4s"}},
		{name: "variable defaults to digits", flow: collectFlow(func(n *Node) { n.Variable = "" }),
			script: []act{press(1*sec, "42#")},
			action: ActionTransferQueue, target: "accounts", vars: map[string]string{VarDigits: "42", VarSkill: "acct_"}},
	} {
		t.Run(c.name, c.run)
	}
}

func TestRunHangup(t *testing.T) {
	bye := newFlow("main", "h", map[string]*Node{"h": {Type: TypeHangup, Prompt: stored("bye")}})
	for _, c := range []runCase{
		{name: "caller hangs up mid-prompt", flow: menuFlow(), script: []act{hangup(1 * sec)},
			action: ActionCallerHangup, path: "m", elapsed: 1 * sec, plays: []string{"0s:m/stopped@1s"}},
		{name: "context cancelled mid-prompt", flow: menuFlow(), cancelAt: 1500 * ms,
			action: ActionCallerHangup, path: "m", elapsed: 1500 * ms, plays: []string{"0s:m/stopped@1.5s"}},
		{name: "caller hangs up while the menu waits", flow: menuFlow(), script: []act{hangup(4 * sec)},
			action: ActionCallerHangup, elapsed: 4 * sec, plays: []string{"0s:m"}},
		{name: "caller hangs up in the middle of collecting", flow: collectFlow(nil),
			script: []act{press(1*sec, "12"), hangup(2 * sec)},
			action: ActionCallerHangup, path: "c", elapsed: 2 * sec},
		{name: "hangup node plays its prompt to the end", flow: bye, script: []act{press(1*sec, "1")},
			action: ActionHangup, path: "h", elapsed: 2 * sec, plays: []string{"0s:bye"}},
		{name: "caller hangs up during the hangup prompt", flow: bye, script: []act{hangup(1 * sec)},
			action: ActionCallerHangup, elapsed: 1 * sec, plays: []string{"0s:bye/stopped@1s"}},
	} {
		t.Run(c.name, c.run)
	}
}

func TestRunGotoFlow(t *testing.T) {
	main := newFlow("main", "g", map[string]*Node{"g": {Type: TypeGotoFlow, Flow: "billing"}})
	billing := newFlow("billing", "m", map[string]*Node{
		"m": {Type: TypeMenu, Prompt: stored("bm"), Choices: map[string]string{"1": "t"}, OnFail: "t"},
		"t": queue("billing"),
	})
	a := newFlow("a", "s", map[string]*Node{
		"s": {Type: TypeSet, Vars: map[string]string{"x": "1"}, Next: "g"},
		"g": {Type: TypeGotoFlow, Flow: "b"},
	})
	b := newFlow("b", "g", map[string]*Node{"g": {Type: TypeGotoFlow, Flow: "a"}})
	// A menu whose on_fail restarts its own flow: a loop through input.
	again := newFlow("again", "m", map[string]*Node{
		"m":     {Type: TypeMenu, Prompt: stored("m"), Choices: map[string]string{"1": "t"}, Retries: intp(0), OnFail: "again"},
		"again": {Type: TypeGotoFlow, Flow: "again"},
		"t":     queue("sales"),
	})
	chain := newFlow("main", "g1", map[string]*Node{"g1": {Type: TypeGotoFlow, Flow: "c2"}})
	c2 := newFlow("c2", "g2", map[string]*Node{"g2": {Type: TypeGotoFlow, Flow: "billing"}})
	all := Flows{"billing": billing, "a": a, "b": b, "c2": c2}
	for _, c := range []runCase{
		{name: "continues in the other flow", flow: main, flows: all, script: []act{press(1*sec, "1")},
			action: ActionTransferQueue, target: "billing", path: "g billing/m billing/t", elapsed: 1 * sec,
			plays: []string{"0s:bm/stopped@1s"}},
		{name: "unknown flow", flow: newFlow("main", "g", map[string]*Node{"g": {Type: TypeGotoFlow, Flow: "nosuch"}}),
			flows: all, err: ErrFlowNotFound, path: "g"},
		{name: "no resolver", flow: main, err: ErrFlowNotFound},
		{name: "a loop of flows that never waits for input is stopped", flow: a, flows: all,
			err: ErrLoop, path: "s g b/g"},
		{name: "restarting a flow after its menu is fine", flow: again, script: []act{press(10*sec, "1")},
			action: ActionTransferQueue, target: "sales", path: "m again m t", elapsed: 10 * sec},
		{name: "MaxJumps bounds jumps", flow: chain, flows: all, maxJumps: 1, err: ErrLoop, path: "g1 c2/g2"},
		{name: "MaxSteps bounds a silent caller", flow: again, maxSteps: 5, err: ErrLoop, elapsed: 21 * sec},
		{name: "an invalid target flow is refused", flow: main,
			flows: Flows{"billing": newFlow("billing", "x", map[string]*Node{})}, err: ErrInvalid},
	} {
		t.Run(c.name, c.run)
	}
}

func TestRunHours(t *testing.T) {
	f := newFlow("main", "h", map[string]*Node{
		"h":      hoursNode(),
		"open":   queue("open"),
		"closed": queue("closed"),
	})
	utc := time.UTC
	for _, c := range []runCase{
		{name: "weekday in hours", base: time.Date(2025, 6, 4, 10, 0, 0, 0, shanghai), target: "open"},
		{name: "before opening", base: time.Date(2025, 6, 4, 8, 59, 0, 0, shanghai), target: "closed"},
		{name: "UTC clock, Shanghai hours", base: time.Date(2025, 6, 4, 1, 30, 0, 0, utc), target: "open"},
		{name: "holiday", base: time.Date(2025, 10, 1, 10, 0, 0, 0, shanghai), target: "closed"},
		{name: "make-up workday on a Sunday", base: time.Date(2025, 9, 28, 10, 0, 0, 0, shanghai), target: "open"},
	} {
		c.flow, c.action, c.path = f, ActionTransferQueue, "h "+c.target
		t.Run(c.name, c.run)
	}
}

func TestRunVariablesAndTargets(t *testing.T) {
	greet := newFlow("main", "s", map[string]*Node{
		"s": {Type: TypeSet, Vars: map[string]string{VarLanguage: "en", "who": "{{caller}}", VarCaller: "x"}, Next: "p"},
		"p": {Type: TypePlay, Prompt: Prompts{{Text: "Hello {{who}}"}, {Text: "你好", Lang: "zh-CN"}}, Next: "t"},
		"t": {Type: TypeTransfer, TargetKind: TargetExtension, Target: "{{ext}}", Prompt: stored("connecting")},
	})
	dial := newFlow("main", "c", map[string]*Node{
		"c": {Type: TypeCollect, MaxDigits: 4, Variable: "ext", Next: "t", OnTimeout: "t"},
		"t": {Type: TypeTransfer, TargetKind: TargetExtension, Target: "{{ext}}"},
	})
	external := newFlow("main", "t", map[string]*Node{
		"t": {Type: TypeTransfer, TargetKind: TargetExternal, Target: "+86{{caller}}"},
	})
	for _, c := range []runCase{
		{name: "set evaluates against the old values; TTS gets templates and the language variable", flow: greet,
			err: ErrBadTarget, vars: map[string]string{"who": "13800000000", VarCaller: "x"},
			plays: []string{"0s:en:Hello 13800000000+zh-CN:你好"}},
		{name: "extension from collected digits", flow: dial, script: []act{press(0, "1001")},
			action: ActionTransferExtension, target: "1001"},
		{name: "external number from a template", flow: external,
			action: ActionTransferExternal, target: "+8613800000000"},
	} {
		t.Run(c.name, c.run)
	}
}

func TestRunObserverEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := newFakeChannel()
		rec := &recorder{}
		go ch.perform([]act{press(1*sec, "2")})
		res, err := Run(context.Background(), menuFlow(), Env{Channel: ch, Observer: rec.observe})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range rec.events {
			got = append(got, string(e.Type)+" "+e.Node+e.Key+strings.Join(e.Path, ","))
		}
		want := []string{"ivr.entered m", "ivr.key m2", "ivr.entered support", "ivr.left m,support"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("events %q, want %q", got, want)
		}
		if res.Flow != "main" || res.Node != "support" {
			t.Fatalf("ended at %s/%s", res.Flow, res.Node)
		}
	})
}

func TestRunRefusesBadInput(t *testing.T) {
	if _, err := Run(context.Background(), menuFlow(), Env{}); err == nil {
		t.Fatal("Run without a channel succeeded")
	}
	bad := menuFlow()
	bad.Start = "nowhere"
	res, err := Run(context.Background(), bad, Env{Channel: newFakeChannel()})
	if !errors.Is(err, ErrInvalid) || res.Action != ActionFailed {
		t.Fatalf("invalid flow: %v %v", res.Action, err)
	}
}

func TestRunDemoFlow(t *testing.T) {
	welcome, menu := "0s:zh-CN:欢迎致电 Hotline。+en:Welcome to Hotline.", "4s:zh-CN:销售请按1，技术支持请按2。+en:For sales press 1, for support press 2."
	for _, c := range []runCase{
		{name: "1 for sales after the welcome", script: []act{press(5*sec, "1")},
			action: ActionTransferQueue, target: "sales", path: "hours welcome menu sales", elapsed: 5 * sec,
			plays: []string{welcome, menu + "/stopped@5s"}},
		{name: "2 during the welcome skips to support", script: []act{press(1*sec, "2")},
			action: ActionTransferQueue, target: "support", path: "hours welcome menu support", elapsed: 1 * sec},
		{name: "silence ends in support", action: ActionTransferQueue, target: "support",
			path: "hours welcome menu support", elapsed: 4*sec + 3*(4*sec+5*sec) + 2*4*sec},
		{name: "open at 3 a.m. on a holiday weekend", base: time.Date(2025, 10, 4, 3, 0, 0, 0, shanghai),
			script: []act{press(1*sec, "1")}, action: ActionTransferQueue, target: "sales"},
	} {
		c.flow = DemoFlow()
		t.Run(c.name, c.run)
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, newFlow("main", "t", map[string]*Node{"t": queue("q")}), Env{Channel: newFakeChannel()})
	if err != nil || res.Action != ActionCallerHangup {
		t.Fatalf("%v %v", res.Action, err)
	}
}
