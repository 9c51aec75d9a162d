package telui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/ivr"
)

func TestInputPlacement(t *testing.T) {
	t.Parallel()
	in := newInputs("skills_2_min_level", "trusted_sources", "overflow_action", "name")
	for field, want := range map[string]string{
		"skills[2].min_level": "skills_2_min_level",
		"trusted_sources[3]":  "trusted_sources",
		"overflow.action":     "overflow_action",
		"overflow.queue_id":   "",
		"name":                "name",
		"":                    "",
		"members[0].user_id":  "",
	} {
		if got := in.place(field); got != want {
			t.Errorf("place(%q) = %q, want %q", field, got, want)
		}
	}
	for _, c := range []struct {
		field string
		rows  []int
		want  string
	}{
		{"skills[1].min_level", []int{0, 2}, "skills[2].min_level"},
		{"skills[5].min_level", []int{0, 2}, "skills[5].min_level"},
		{"skills[x].min_level", []int{0}, "skills[x].min_level"},
		{"widening[0]", []int{3}, "widening[3]"},
		{"name", []int{1}, "name"},
	} {
		list, _, _ := strings.Cut(c.field, "[")
		if got := remapIndex(c.field, list, c.rows); got != c.want {
			t.Errorf("remapIndex(%q, %v) = %q, want %q", c.field, c.rows, got, c.want)
		}
	}
}

// The validators' field names reach the queue editor's inputs, through
// the blank rows the editor skips.
func TestQueueFormErrorMapping(t *testing.T) {
	t.Parallel()
	p := &queueForm{skillRow: []int{0, 3}, wideRow: []int{1}, overflowIn: "overflow_box"}
	for field, want := range map[string]string{
		"skills[1].min_level":  "skills_3_min_level",
		"widening[0].lower_by": "widening_1_lower_by",
		"widening[0]":          "widening_1",
		"overflow.target":      "overflow_box",
		"ring_timeout_sec":     "ring_timeout_sec",
	} {
		err := p.formError(apperr.Invalid(field, "must be 1–10"))
		if got := inputName(apperr.As(err).Field); got != want {
			t.Errorf("%s → %s, want %s", field, got, want)
		}
	}
}

func TestParseFlowTextPositions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, text string
		line, col  int
		path       string
	}{
		{"unknown target", "name: f\nstart: a\nnodes:\n  a: {type: play, prompt: p, next: b}\n", 4, 36, "nodes.a.next"},
		{"crlf and bom", "\ufeffname: f\r\nstart: a\r\nnodes:\r\n  a:\r\n    type: nope\r\n", 5, 0, "nodes.a.type"},
		{"document marker", "---\nname: f\nstart: zz\nnodes:\n  a: {type: hangup}\n", 3, 8, "start"},
		// yaml.v3 places an unclosed flow mapping at the line of its parent
		// key; the editor reports what a plain YAML parse would.
		{"syntax", "name: f\nstart: a\nnodes:\n  a: {type: hangup\n", 3, 0, ""},
		{"unknown field", "name: f\nstart: a\ncolour: red\nnodes:\n  a: {type: hangup}\n", 3, 0, ""},
		{"json", "{\"name\": \"f\",\n \"start\": \"a\",\n \"nodes\": {\"a\": {\"type\": \"hangup\", \"next\": \"a\"}}}\n", 3, 0, "nodes.a.next"},
	} {
		c := c
		t.Run(c.name, func(t *testing.T) {
			fc := parseFlowText(c.text)
			if fc.Flow != nil || len(fc.Errors) == 0 {
				t.Fatalf("no error: %+v", fc)
			}
			is := fc.Errors[0]
			if is.Line != c.line {
				t.Errorf("line %d, want %d (%+v)", is.Line, c.line, is)
			}
			if c.col != 0 && is.Col != c.col {
				t.Errorf("column %d, want %d (%+v)", is.Col, c.col, is)
			}
			if is.Path != c.path {
				t.Errorf("path %q, want %q (%+v)", is.Path, c.path, is)
			}
			if strings.Contains(is.Msg, `flow "`) {
				t.Errorf("message keeps the flow prefix: %q", is.Msg)
			}
		})
	}
	if fc := parseFlowText("  \n\t\n"); fc.Flow != nil || fc.Errors[0].Key != "tel.flow.err_empty" {
		t.Fatalf("empty text: %+v", fc)
	}
	if fc := parseFlowText(strings.Repeat("#", ivr.MaxFlowJSON+1)); fc.Errors[0].Key != "tel.flow.err_too_big" {
		t.Fatalf("huge text: %+v", fc.Errors)
	}
}

// A flow written out for the editor reads back as the same flow, and the
// outline walks it from the start.
func TestFlowYAMLRoundTrip(t *testing.T) {
	t.Parallel()
	retries := 1
	f := &ivr.Flow{Name: "all", Description: "every node type", Start: "hours", Nodes: map[string]*ivr.Node{
		"hours": {Type: ivr.TypeHours, Timezone: "Asia/Shanghai", Weekly: map[string][]string{"mon": {"09:00-12:00", "13:00-18:00"}, "sat": {}},
			Holidays: []ivr.SpecialDay{{Date: "2026-10-01", Name: "国庆"}}, Open: "hello", Closed: "bye"},
		"hello": {Type: ivr.TypePlay, Prompt: ivr.Prompts{{Text: "您好：\n欢迎", Lang: "zh-CN"}, {Name: "jingle"}}, Interruptible: true, Next: "menu"},
		"menu": {Type: ivr.TypeMenu, Prompt: ivr.Prompts{{Name: "menu_zh"}}, Choices: map[string]string{"1": "acct", "#": "bye", "0": "agent"},
			Timeout: 4 * ivr.Second, Retries: &retries, OnFail: "agent"},
		"acct": {Type: ivr.TypeCollect, Prompt: ivr.Prompts{{Text: "请输入账号", Lang: "zh-CN"}}, Variable: "account", MinDigits: 4,
			MaxDigits: 12, Terminator: "#", Next: "vip", OnTimeout: "agent"},
		"vip":   {Type: ivr.TypeSet, Vars: map[string]string{"priority": "5", "skill": "vip"}, Next: "agent"},
		"agent": {Type: ivr.TypeTransfer, TargetKind: ivr.TargetQueue, Target: "sales"},
		"other": {Type: ivr.TypeGotoFlow, Flow: "main"},
		"bye":   {Type: ivr.TypeHangup},
	}}
	text, err := flowYAML(f)
	if err != nil {
		t.Fatal(err)
	}
	fc := parseFlowText(text)
	if fc.Flow == nil {
		t.Fatalf("errors %+v in\n%s", fc.Errors, text)
	}
	if !reflect.DeepEqual(fc.Flow, f) {
		t.Fatalf("round trip differs:\n%s\n%+v", text, fc.Flow)
	}
	if !strings.HasPrefix(text, "name: all\n") || !strings.Contains(text, "agent: {type: transfer, target_kind: queue, target: sales}") {
		t.Errorf("not in the readable form:\n%s", text)
	}
	if strings.Index(text, "mon:") > strings.Index(text, "sat:") {
		t.Errorf("weekly days not Monday first:\n%s", text)
	}
	if len(fc.Warnings) != 1 || fc.Warnings[0].Path != "nodes.other" || fc.Warnings[0].Line == 0 {
		t.Errorf("warnings %+v", fc.Warnings)
	}
	js, err := flowJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if fc := parseFlowText(js); fc.Flow == nil || !reflect.DeepEqual(fc.Flow, f) {
		t.Fatalf("JSON round trip: %+v", fc.Errors)
	}

	order := nodeOrder(f)
	if want := []string{"hours", "hello", "bye", "menu", "acct", "agent", "vip", "other"}; !reflect.DeepEqual(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	tr := func(k string, args ...any) string { return k + fmt.Sprint(args...) }
	out := outline(f, tr, targets{queues: map[string]string{"sales": "/q/1"}, flows: map[string]string{}})
	menu := out[3]
	if menu.ID != "menu" || len(menu.Branches) != 4 || menu.Branches[0].Label != "tel.br.key1" || menu.Branches[1].To != "agent" ||
		menu.Branches[2].Label != "tel.br.key#" {
		t.Errorf("menu branches %+v", menu.Branches)
	}
	if a := out[5]; a.Branches[0].URL != "/q/1" || a.Branches[0].Missing {
		t.Errorf("transfer branch %+v", a.Branches)
	}
	if o := out[7]; !o.Unreachable || !o.Branches[0].Missing {
		t.Errorf("goto_flow to a missing flow %+v", o)
	}
}

func TestDescribeWAVError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{[]byte("hello"), "not a RIFF/WAVE PCM file"},
	} {
		_, err := ivr.ProbeWAV(strings.NewReader(string(c.in)))
		if got := describeWAVError(err); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
	if got := describeWAVError(fmt.Errorf("%w: 44100 Hz, 2 channels (want …)", ivr.ErrBadWAV)); got != "44100 Hz, 2 ch" {
		t.Errorf("rate: %q", got)
	}
	if got := describeWAVError(fmt.Errorf("%w: alaw", ivr.ErrBadWAV)); got != "G.711 alaw" {
		t.Errorf("codec: %q", got)
	}
	if got := describeWAVError(errors.New("format 3 with 32 bits")); got != "WAV format 3, 32 bit" {
		t.Errorf("format: %q", got)
	}
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[a-z]`)

// Both catalogs have the same keys with the same arguments, and every key
// the code and templates name exists.
func TestCatalogs(t *testing.T) {
	t.Parallel()
	msgs, err := messages()
	if err != nil {
		t.Fatal(err)
	}
	en, zh := msgs["en"], msgs["zh-CN"]
	for k, v := range en {
		z, ok := zh[k]
		if !ok {
			t.Errorf("%s has no Chinese text", k)
			continue
		}
		ve, vz := verbRE.FindAllString(v, -1), verbRE.FindAllString(z, -1)
		sort.Strings(ve)
		sort.Strings(vz)
		if !reflect.DeepEqual(ve, vz) {
			t.Errorf("%s: arguments %v in English, %v in Chinese", k, ve, vz)
		}
		if len(ve) > 1 && strings.Contains(v, "%s") {
			t.Errorf("%s: several arguments need %%[n] indexes", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%s has no English text", k)
		}
	}
	used := regexp.MustCompile(`"(tel\.[a-z0-9_.]+[a-z0-9_])"`)
	files, _ := filepath.Glob("*.go")
	tmpl, _ := filepath.Glob("templates/*.html")
	for _, f := range append(files, tmpl...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s names %s, which the catalog lacks", f, m[1])
			}
		}
	}
}

func TestPageTemplatesParse(t *testing.T) {
	t.Parallel()
	pages, err := pageFS()
	if err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob("templates/tel_*.html")
	for _, n := range names {
		b, err := fs.ReadFile(pages, filepath.Base(n))
		if err != nil || !strings.Contains(string(b), `{{define "tel_assets"}}`) {
			t.Errorf("%s: shared partials not prepended (%v)", n, err)
		}
	}
}
