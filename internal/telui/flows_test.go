package telui_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

const goodFlow = `name: hotline_vip
description: VIP line
start: hello
nodes:
  hello:
    type: play
    prompt: {text: 您好，欢迎致电。, lang: zh-CN}
    next: menu
  menu:
    type: menu
    prompt: {text: 销售请按1，技术支持请按2。, lang: zh-CN}
    choices: {1: sales, 2: support}
    on_fail: support
  sales: {type: transfer, target_kind: queue, target: sales}
  support: {type: transfer, target_kind: queue, target: support}
`

// issueAt finds an error or warning listed at a line.
func issueAt(body string, line int) bool {
	re := regexp.MustCompile(`data-goto-line="` + itoa(int64(line)) + `">line ` + itoa(int64(line)) + `:\d+</a>`)
	return re.MatchString(body)
}

// The editor shows every problem of a flow with its line and path, keeps
// the text, and saves a valid flow.
func TestFlowEditor(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)

	// An unknown node target (line 13) and an unknown node type (line 16).
	bad := goodFlow[:len(goodFlow)-len("  support: {type: transfer, target_kind: queue, target: support}\n")] +
		"  support: {type: transfer, target_kind: queue, target: support}\n" + "  extra: {type: dance}\n"
	bad = regexp.MustCompile(`on_fail: support`).ReplaceAllString(bad, "on_fail: suport")
	p := admin.post("/telephony/flows", url.Values{"definition": {bad}, "action": {"save"}})
	mustStatus(t, "bad flow", p, http.StatusUnprocessableEntity)
	mustContain(t, "bad flow", p, `id="flow-errors"`, "nodes.menu.on_fail", `unknown node &#34;suport&#34;`,
		"nodes.extra.type", "Errors (2)")
	if !issueAt(p.body, 13) || !issueAt(p.body, 16) {
		t.Fatalf("errors not at lines 13 and 16: %s", excerpt(p.body))
	}
	mustContain(t, "text kept", p, "on_fail: suport", "extra: {type: dance}")
	if _, err := e.app.Flows.GetByName(context.Background(), "hotline_vip"); err == nil {
		t.Fatal("an invalid flow was stored")
	}

	// A YAML syntax error is placed too.
	p = admin.post("/telephony/flows", url.Values{"definition": {"name: x\nstart: a\nnodes:\n  a: {type: hangup\n"}, "action": {"save"}})
	mustStatus(t, "syntax", p, http.StatusUnprocessableEntity)
	mustContain(t, "syntax", p, `id="flow-errors"`, "data-goto-line=")

	// JSON works too, with positions.
	p = admin.post("/telephony/flows", url.Values{"definition": {`{"name": "j", "start": "a",` + "\n" +
		`  "nodes": {"a": {"type": "play", "prompt": "welcome_prompt", "next": "zz"}}}`}, "action": {"check"}})
	mustStatus(t, "json", p, http.StatusUnprocessableEntity)
	mustContain(t, "json", p, "nodes.a.next")
	if !issueAt(p.body, 2) {
		t.Fatalf("JSON error not at line 2: %s", excerpt(p.body))
	}

	// Check: no errors, a warning for an unreachable node, nothing saved.
	withOrphan := goodFlow + "  orphan: {type: hangup}\n  lost: {type: transfer, target_kind: queue, target: nosuch}\n"
	p = admin.post("/telephony/flows", url.Values{"definition": {withOrphan}, "action": {"check"}})
	mustStatus(t, "check", p, http.StatusOK)
	mustContain(t, "check", p, `id="flow-ok"`, `id="flow-warnings"`, "nodes.orphan", "unreachable from start node",
		"Queue “nosuch” does not exist", `id="node-orphan" class="unreachable"`)
	if !issueAt(p.body, 16) {
		t.Fatalf("orphan warning not at line 16: %s", excerpt(p.body))
	}
	if _, err := e.app.Flows.GetByName(context.Background(), "hotline_vip"); err == nil {
		t.Fatal("check saved the flow")
	}

	// A stored prompt that does not exist is refused by the store, on its line.
	withPrompt := regexp.MustCompile(`prompt: \{text: 您好，欢迎致电。, lang: zh-CN\}`).ReplaceAllString(goodFlow, "prompt: no_such_prompt")
	p = admin.post("/telephony/flows", url.Values{"definition": {withPrompt}, "action": {"save"}})
	mustStatus(t, "unknown prompt", p, http.StatusUnprocessableEntity)
	mustContain(t, "unknown prompt", p, "nodes.hello.prompt.0", `unknown prompt &#34;no_such_prompt&#34;`)
	if !issueAt(p.body, 7) {
		t.Fatalf("unknown prompt not at line 7: %s", excerpt(p.body))
	}

	// Save; the outline shows the branches.
	p = admin.post("/telephony/flows", url.Values{"definition": {goodFlow}, "action": {"save"}})
	mustStatus(t, "save", p, http.StatusSeeOther)
	page := admin.follow(p)
	mustContain(t, "saved", page, "IVR flow hotline_vip created.", `id="node-menu"`, `key 1 → <a href="#node-sales"`,
		"retries used up", `>sales</a>`, "您好，欢迎致电。")
	sf, err := e.app.Flows.GetByName(context.Background(), "hotline_vip")
	if err != nil || len(sf.Nodes) != 4 || sf.Nodes["menu"].Choices["2"] != "support" {
		t.Fatalf("stored %+v, %v", sf, err)
	}

	// Duplicate name.
	p = admin.post("/telephony/flows", url.Values{"definition": {goodFlow}, "action": {"save"}})
	mustStatus(t, "duplicate", p, http.StatusUnprocessableEntity)
	mustContain(t, "duplicate", p, "A flow named “hotline_vip” already exists.")
	if !issueAt(p.body, 1) {
		t.Fatalf("duplicate name not at line 1")
	}
}

// Two people edit the same flow: the second save is refused, keeps the
// typed text, shows what the other saved, and a deliberate second save
// overwrites it.
func TestFlowVersionConflict(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	ctx := context.Background()
	main, err := e.app.Flows.GetByName(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	path := "/telephony/flows/" + itoa(main.ID)
	editor := admin.get(path)
	mustContain(t, "editor", editor, `name="version" value="1"`)

	// Someone else saves version 2 meanwhile.
	other := main.Flow
	other.Description = "changed by the supervisor"
	if _, err := e.app.Flows.Update(ctx, main.ID, 1, &other, "supervisor1"); err != nil {
		t.Fatal(err)
	}

	mine := regexp.MustCompile(`description: .*`).ReplaceAllString(editorText(t, editor), "description: mine")
	p := admin.post(path, url.Values{"definition": {mine}, "version": {"1"}, "action": {"save"}})
	mustStatus(t, "conflict", p, http.StatusConflict)
	mustContain(t, "conflict", p, `id="conflict"`, "supervisor1 saved version 2", "description: mine",
		"changed by the supervisor", `name="version" value="2"`, "Save over their version")
	if sf, _ := e.app.Flows.Get(ctx, main.ID); sf.Description != "changed by the supervisor" {
		t.Fatal("the conflicting save overwrote the other change")
	}

	p = admin.post(path, url.Values{"definition": {mine}, "version": {"2"}, "action": {"save"}})
	mustStatus(t, "overwrite", p, http.StatusSeeOther)
	if sf, _ := e.app.Flows.Get(ctx, main.ID); sf.Description != "mine" || sf.Version != 3 || sf.UpdatedBy != "admin" {
		t.Fatalf("after overwrite: %q v%d by %s", sf.Description, sf.Version, sf.UpdatedBy)
	}

	// main is what 8000 routes to: it can be neither renamed nor deleted.
	renamed := regexp.MustCompile(`(?m)^name: main$`).ReplaceAllString(mine, "name: main2")
	p = admin.post(path, url.Values{"definition": {renamed}, "version": {"3"}, "action": {"save"}})
	mustStatus(t, "rename routed flow", p, http.StatusConflict)
	mustContain(t, "rename refused", p, "main cannot be renamed: 8000 name it.")
	if !issueAt(p.body, 1) {
		t.Fatal("the rename refusal is not at line 1")
	}
	p = admin.post(path+"/delete", nil)
	mustStatus(t, "delete routed flow", p, http.StatusConflict)
	mustContain(t, "delete refused", p, "Flow main cannot be deleted: 8000")
}

// editorText is the flow text in an editor page's textarea.
func editorText(t *testing.T, p page) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<textarea id="f-definition"[^>]*>(.*?)</textarea>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no editor on the page: %s", excerpt(p.body))
	}
	return html.UnescapeString(m[1])
}
