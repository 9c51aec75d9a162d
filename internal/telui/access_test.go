package telui_test

import (
	"net/http"
	"net/url"
	"testing"
)

// An agent (坐席) sees the call history and recordings of their own calls,
// and nothing of the telephone configuration: no entries in the
// navigation, 403 on the pages and on every change.
func TestAgentSeesOnlyCallsAndRecordings(t *testing.T) {
	t.Parallel()
	e := start(t)
	agent := e.login("agent1001", demoPW)
	for _, path := range []string{"/telephony/extensions", "/telephony/extensions/new", "/telephony/trunks",
		"/telephony/numbers", "/telephony/queues", "/telephony/queues/1", "/telephony/agents", "/telephony/flows",
		"/telephony/flows/1", "/telephony/prompts"} {
		mustStatus(t, "agent GET "+path, agent.get(path), http.StatusForbidden)
	}
	for _, path := range []string{"/telephony/extensions", "/telephony/trunks", "/telephony/numbers", "/telephony/queues",
		"/telephony/queues/1/members", "/telephony/agents/1", "/telephony/flows", "/telephony/prompts/tts",
		"/telephony/recordings/1/delete"} {
		mustStatus(t, "agent POST "+path, agent.post(path, url.Values{"name": {"x"}}), http.StatusForbidden)
	}
	mustStatus(t, "agent calls", agent.get("/telephony/calls"), http.StatusOK)
	mustStatus(t, "agent recordings", agent.get("/telephony/recordings"), http.StatusOK)
	home := agent.get("/")
	mustContain(t, "agent home", home, `href="/telephony/calls"`, `href="/telephony/recordings"`)
	mustNotContain(t, "agent home", home, `href="/telephony/extensions"`, `href="/telephony/queues"`, `href="/telephony/flows"`)

	// A supervisor may look at queues and the telephone setup but not change them.
	sup := e.login("supervisor1", demoPW)
	q := sup.get("/telephony/queues/1")
	mustStatus(t, "supervisor queue", q, http.StatusOK)
	mustNotContain(t, "supervisor queue", q, `id="member-form"`, `action="/telephony/queues/1/delete"`)
	mustStatus(t, "supervisor save queue", sup.post("/telephony/queues/1", url.Values{"name": {"x"}}), http.StatusForbidden)
	mustStatus(t, "supervisor extensions", sup.get("/telephony/extensions"), http.StatusOK)
	mustNotContain(t, "supervisor extensions", sup.get("/telephony/extensions"), `href="/telephony/extensions/new"`)

	// Anonymous visitors go to the login page.
	anon := e.client()
	p := anon.get("/telephony/calls")
	mustStatus(t, "anonymous", p, http.StatusSeeOther)
	if p.loc == "" || p.loc[:6] != "/login" {
		t.Fatalf("anonymous visitor sent to %q", p.loc)
	}
}
