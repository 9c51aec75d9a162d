package ivr

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// issues returns "path: message" for every error of Validate(f).
func issues(t *testing.T, f *Flow) []string {
	t.Helper()
	_, err := Validate(f)
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate returned %T %v, want *ValidationError", err, err)
	}
	out := make([]string, len(ve.Issues))
	for i, is := range ve.Issues {
		out[i] = is.String()
	}
	return out
}

func TestValidateAcceptsTheTestFlows(t *testing.T) {
	for _, f := range []*Flow{menuFlow(), withPlay(true), collectFlow(nil), DemoFlow()} {
		if warns, err := Validate(f); err != nil || len(warns) > 0 {
			t.Errorf("flow %s: %v %v", f.Name, warns, err)
		}
	}
}

func TestValidateErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(f *Flow)
		want string // "path: message" (message may be a prefix)
	}{
		{"unknown choice target", func(f *Flow) { f.Nodes["m"].Choices["3"] = "sales2" },
			`nodes.m.choices.3: unknown node "sales2"`},
		{"missing start", func(f *Flow) { f.Start = "" }, "start: is required"},
		{"unknown start", func(f *Flow) { f.Start = "begin" }, `start: unknown node "begin"`},
		{"no nodes", func(f *Flow) { f.Nodes = nil }, "nodes: a flow needs at least one node"},
		{"bad name", func(f *Flow) { f.Name = "a/b" }, `name: "a/b" must be`},
		{"bad node id", func(f *Flow) { f.Nodes["a.b"] = queue("x") }, `nodes.a.b: node id "a.b" must be`},
		{"nil node", func(f *Flow) { f.Nodes["x"] = nil }, "nodes.x: node is empty"},
		{"unknown type", func(f *Flow) { f.Nodes["x"] = &Node{Type: "dial"} }, `nodes.x.type: unknown node type "dial"`},
		{"field of another type", func(f *Flow) { f.Nodes["sales"].Choices = map[string]string{"1": "m"} },
			"nodes.sales.choices: does not apply to transfer nodes"},
		{"bad choice key", func(f *Flow) { f.Nodes["m"].Choices["10"] = "sales" }, `nodes.m.choices.10: "10" is not a key`},
		{"menu without on_fail", func(f *Flow) { f.Nodes["m"].OnFail = "" }, "nodes.m.on_fail: is required"},
		{"menu timeout too long", func(f *Flow) { f.Nodes["m"].Timeout = 90 * Second }, "nodes.m.timeout: 1m30s is out of range"},
		{"menu timeout negative", func(f *Flow) { f.Nodes["m"].Timeout = -Second }, "nodes.m.timeout: -1s is out of range"},
		{"too many retries", func(f *Flow) { f.Nodes["m"].Retries = intp(10) }, "nodes.m.retries: must be 0 to 9"},
		{"menu without prompt", func(f *Flow) { f.Nodes["m"].Prompt = nil }, "nodes.m.prompt: is required"},
		{"prompt with name and text", func(f *Flow) { f.Nodes["m"].Prompt = Prompts{{Name: "a", Text: "b"}} },
			"nodes.m.prompt.0: a prompt is either"},
		{"empty prompt", func(f *Flow) { f.Nodes["m"].InvalidPrompt = Prompts{{}, {Lang: "en"}} },
			"nodes.m.invalid_prompt.0: needs a stored prompt name or text"},
		{"bad language", func(f *Flow) { f.Nodes["m"].Prompt = Prompts{{Text: "hi", Lang: "English"}} },
			`nodes.m.prompt.0.lang: "English" is not a language tag`},
		{"bad template", func(f *Flow) { f.Nodes["m"].Prompt = Prompts{{Text: "hi {{name", Lang: "en"}} },
			`nodes.m.prompt.0.text: has "{{" without "}}"`},
		{"bad extension", func(f *Flow) {
			f.Nodes["sales"] = &Node{Type: TypeTransfer, TargetKind: TargetExtension, Target: "abc"}
		},
			`nodes.sales.target: extension "abc" must be 1-16 digits`},
		{"bad target kind", func(f *Flow) { f.Nodes["sales"].TargetKind = "agent" }, `nodes.sales.target_kind: unknown target kind "agent"`},
		{"template target with bad name", func(f *Flow) { f.Nodes["sales"].Target = "{{1x}}" }, "nodes.sales.target: template {{1x}} must name a variable"},
		{"goto_flow without flow", func(f *Flow) { f.Nodes["sales"] = &Node{Type: TypeGotoFlow} }, "nodes.sales.flow: is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := menuFlow()
			c.edit(f)
			got := issues(t, f)
			for _, g := range got {
				if strings.HasPrefix(g, c.want) {
					return
				}
			}
			t.Fatalf("issues %q\nwant one starting %q", got, c.want)
		})
	}
}

func TestValidateCollect(t *testing.T) {
	for _, c := range []struct {
		edit func(n *Node)
		want string
	}{
		{func(n *Node) { n.MaxDigits = 0 }, "nodes.c.max_digits: must be 1 to 32"},
		{func(n *Node) { n.MaxDigits = 33 }, "nodes.c.max_digits: must be 1 to 32"},
		{func(n *Node) { n.MinDigits = 5 }, "nodes.c.min_digits: must be 1 to max_digits (4)"},
		{func(n *Node) { n.Terminator = "5" }, `nodes.c.terminator: must be "#" or "*" (got "5")`},
		{func(n *Node) { n.Terminator = "##" }, `nodes.c.terminator: must be "#" or "*"`},
		{func(n *Node) { n.FirstDigitTimeout = 100 * Duration(ms) }, "nodes.c.first_digit_timeout: 100ms is out of range (500ms to 1m0s)"},
		{func(n *Node) { n.InterDigitTimeout = 31 * Second }, "nodes.c.inter_digit_timeout: 31s is out of range (500ms to 30s)"},
		{func(n *Node) { n.Pattern = "([0-9]" }, "nodes.c.pattern: invalid regular expression"},
		{func(n *Node) { n.Variable = "my var" }, `nodes.c.variable: "my var" is not a variable name`},
		{func(n *Node) { n.OnTimeout, n.OnInvalid = "", "" }, "nodes.c.on_timeout: on_timeout or on_invalid is required"},
		{func(n *Node) { n.Next = "" }, "nodes.c.next: is required"},
		{func(n *Node) { n.OnInvalid = "nowhere" }, `nodes.c.on_invalid: unknown node "nowhere"`},
		{func(n *Node) { n.Choices = map[string]string{"1": "t"} }, "nodes.c.choices: does not apply to collect nodes"},
	} {
		got := issues(t, collectFlow(c.edit))
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, c.want)
		}
		if !found {
			t.Errorf("issues %q\nwant one starting %q", got, c.want)
		}
	}
}

func TestValidateHours(t *testing.T) {
	for _, c := range []struct {
		edit func(n *Node)
		want string
	}{
		{func(n *Node) { n.Timezone = "" }, "nodes.h.timezone: is required"},
		{func(n *Node) { n.Timezone = "Mars/Olympus" }, `nodes.h.timezone: unknown timezone "Mars/Olympus"`},
		{func(n *Node) { n.Weekly["monday"] = []string{"09:00-10:00"} }, `nodes.h.weekly.monday: unknown day "monday"`},
		{func(n *Node) { n.Weekly["tue"] = []string{"09:00-12:00", "18:00-09:00"} }, `nodes.h.weekly.tue.1: time range "18:00-09:00" must end after it starts`},
		{func(n *Node) { n.Holidays[0].Date = "2025-13-01" }, `nodes.h.holidays.0.date: "2025-13-01" is not a date YYYY-MM-DD`},
		{func(n *Node) { n.Workdays[0].Date = "2025-10-01" }, "nodes.h.workdays.0.date: 2025-10-01 is already listed at nodes.h.holidays.0"},
		{func(n *Node) { n.Holidays[1].Hours = []string{"9am-3pm"} }, `nodes.h.holidays.1.hours.0: time range "9am-3pm"`},
		{func(n *Node) { n.Closed = "" }, "nodes.h.closed: is required"},
		{func(n *Node) { n.Next = "open" }, "nodes.h.next: does not apply to hours nodes"},
	} {
		h := hoursNode()
		c.edit(h)
		got := issues(t, newFlow("main", "h", map[string]*Node{"h": h, "open": queue("o"), "closed": queue("c")}))
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, c.want)
		}
		if !found {
			t.Errorf("issues %q\nwant one starting %q", got, c.want)
		}
	}
}

func TestValidateGraph(t *testing.T) {
	// A pure loop of play and set nodes is an error ...
	loop := newFlow("main", "a", map[string]*Node{
		"a": {Type: TypePlay, Prompt: stored("a"), Next: "b"},
		"b": {Type: TypeSet, Vars: map[string]string{"x": "1"}, Next: "a"},
	})
	if got := issues(t, loop); len(got) != 1 || got[0] != "nodes.b.next: loop a → b → a never waits for caller input (put a menu or collect in it)" {
		t.Errorf("pure loop: %q", got)
	}
	// ... so is one through goto_flow to the flow itself ...
	self := newFlow("main", "a", map[string]*Node{
		"a": {Type: TypePlay, Prompt: stored("a"), Next: "g"},
		"g": {Type: TypeGotoFlow, Flow: "main"},
	})
	if got := issues(t, self); len(got) != 1 || !strings.HasPrefix(got[0], "nodes.g.flow: loop a → g → a") {
		t.Errorf("loop through goto_flow self: %q", got)
	}
	// ... but a loop through a menu is fine.
	menuLoop := newFlow("main", "a", map[string]*Node{
		"a": {Type: TypePlay, Prompt: stored("a"), Next: "m"},
		"m": {Type: TypeMenu, Prompt: stored("m"), Choices: map[string]string{"9": "a", "1": "t"}, OnFail: "a"},
		"t": queue("q"),
	})
	if got := issues(t, menuLoop); got != nil {
		t.Errorf("loop through a menu: %q", got)
	}
	// Unreachable nodes are warnings, not errors.
	f := menuFlow()
	f.Nodes["orphan"] = queue("x")
	warns, err := Validate(f)
	if err != nil || len(warns) != 1 || warns[0].String() != `nodes.orphan: unreachable from start node "m"` {
		t.Errorf("unreachable: %v %v", warns, err)
	}
}

func TestValidationErrorIsClassified(t *testing.T) {
	f := menuFlow()
	f.Nodes["m"].Choices["3"] = "sales2"
	f.Nodes["m"].OnFail = ""
	_, err := Validate(f)
	ae := apperr.As(err)
	if ae == nil || ae.Kind != apperr.KindInvalid || ae.Field != "nodes.m.choices.3" {
		t.Fatalf("apperr = %+v", ae)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatal("not ErrInvalid")
	}
	want := `flow "main": nodes.m.choices.3: unknown node "sales2" (and 1 more: nodes.m.on_fail: is required)`
	if err.Error() != want {
		t.Fatalf("message\n got %s\nwant %s", err, want)
	}
}

type fakeCatalog struct{ flows, prompts map[string]bool }

func (c fakeCatalog) HasFlow(_ context.Context, n string) (bool, error)   { return c.flows[n], nil }
func (c fakeCatalog) HasPrompt(_ context.Context, n string) (bool, error) { return c.prompts[n], nil }

func TestCheckRefs(t *testing.T) {
	f := menuFlow()
	f.Nodes["sales"] = &Node{Type: TypeGotoFlow, Flow: "sales_flow"}
	f.Nodes["support"] = &Node{Type: TypeGotoFlow, Flow: "main"} // itself: always fine
	cat := fakeCatalog{flows: map[string]bool{}, prompts: map[string]bool{"m": true, "inv": true}}
	err := CheckRefs(context.Background(), f, cat)
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Issues) != 2 ||
		ve.Issues[0].String() != `nodes.m.timeout_prompt.0: unknown prompt "to"` ||
		ve.Issues[1].String() != `nodes.sales.flow: unknown flow "sales_flow"` {
		t.Fatalf("CheckRefs: %v", err)
	}
	cat.flows["sales_flow"], cat.prompts["to"] = true, true
	if err := CheckRefs(context.Background(), f, cat); err != nil {
		t.Fatal(err)
	}
}

func TestTemplates(t *testing.T) {
	vars := map[string]string{"a": "1", "b": "二"}
	for in, want := range map[string]string{
		"": "", "x": "x", "{{a}}": "1", "{{ a }}-{{b}}": "1-二", "{{missing}}!": "!", "a{{a}}{{a}}a": "a11a",
	} {
		if err := checkTemplate(in); err != nil {
			t.Errorf("checkTemplate(%q): %v", in, err)
		}
		if got := expand(in, vars); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"{{", "}}", "{{a", "a}}{{b}}", "{{a b}}", "{{}}", "{{1}}"} {
		if checkTemplate(bad) == nil {
			t.Errorf("checkTemplate(%q) accepted", bad)
		}
	}
}
