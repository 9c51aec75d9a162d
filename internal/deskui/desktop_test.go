package deskui_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/deskui"
	"github.com/hotline-cc/hotline/internal/dialer"
)

// The screen pop finds the caller's customer in the agent's data scope
// (typed in any form of the number), with the contact history, and a note
// written on the desktop lands in the customer's history. Another agent
// finds nothing for the same number; bad requests get clear errors.
func TestScreenPopAndNotes(t *testing.T) {
	t.Parallel()
	e := start(t)
	cu := e.customer("agent1001", "张三", "138 0013 8000", "vip")
	agent := e.login("agent1001", demoPW, "zh-CN")

	var p deskui.Pop
	mustOK(t, "pop", agent.getJSON("/desk/api/pop?number="+url.QueryEscape("+86 138-0013-8000"), &p))
	if !p.Searched || len(p.Customers) != 1 {
		t.Fatalf("pop: %+v", p)
	}
	c := p.Customers[0]
	if c.ID != cu.ID || c.Name != "张三" || c.URL != "/customers/"+itoa(cu.ID) || !c.CanNote || c.Owner == "" ||
		len(c.Tags) != 1 || c.Tags[0] != "vip" || c.Status == "" {
		t.Fatalf("customer card: %+v", c)
	}
	if len(c.Timeline) == 0 || c.Timeline[0].Title == "" {
		t.Fatalf("timeline: %+v", c.Timeline)
	}
	if p.Campaign != nil {
		t.Fatalf("campaign without asking: %+v", p.Campaign)
	}

	// A note, tied to a call, written during the call.
	n := agent.postJSON("/desk/api/notes", deskui.NoteRequest{CustomerID: cu.ID, Body: "客户要求下周二回电", CallID: "call-1"}, true)
	mustStatus(t, "note", n, http.StatusCreated)
	var note deskui.NoteReply
	if err := json.Unmarshal([]byte(n.body), &note); err != nil || note.ID == 0 || note.Body != "客户要求下周二回电" || note.At == "" {
		t.Fatalf("note reply %s (%v)", n.body, err)
	}
	items, err := e.app.CRM.Timeline(e.ctx, e.actor("agent1001"), cu.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if items[0].Kind != "note" || items[0].Summary != "客户要求下周二回电" || items[0].Data["call_id"] != "call-1" {
		t.Fatalf("newest timeline item: %+v", items[0])
	}
	mustOK(t, "pop again", agent.getJSON("/desk/api/pop?number=13800138000", &p))
	if got := p.Customers[0].Timeline[0]; got.Kind != "note" || got.Detail != "客户要求下周二回电" || got.Title != "沟通记录" {
		t.Fatalf("pop shows %+v first", got)
	}

	// Refusals: no CSRF token, an empty note, a customer out of scope, no login.
	mustStatus(t, "note without CSRF", agent.postJSON("/desk/api/notes", deskui.NoteRequest{CustomerID: cu.ID, Body: "x"}, false),
		http.StatusForbidden)
	empty := agent.postJSON("/desk/api/notes", deskui.NoteRequest{CustomerID: cu.ID, Body: "  "}, true)
	mustStatus(t, "empty note", empty, http.StatusBadRequest)
	mustContain(t, "empty note", empty, `"field":"body"`)
	mustStatus(t, "unknown field", agent.postJSON("/desk/api/notes", map[string]any{"customer": 1}, true), http.StatusBadRequest)
	other := e.login("agent1002", demoPW, "en")
	mustStatus(t, "note on another's customer", other.postJSON("/desk/api/notes",
		deskui.NoteRequest{CustomerID: cu.ID, Body: "x"}, true), http.StatusNotFound)
	mustOK(t, "other agent's pop", other.getJSON("/desk/api/pop?number=13800138000", &p))
	if len(p.Customers) != 0 {
		t.Fatalf("agent1002 sees agent1001's customer: %+v", p.Customers)
	}
	mustStatus(t, "anonymous pop", e.client("en").get("/desk/api/pop?number=13800138000"), http.StatusUnauthorized)

	// Numbers that are no phone number (an extension, an anonymous caller,
	// nothing) pop nobody; the unknown number offers to create a customer.
	for _, num := range []string{"1002", "anonymous", ""} {
		mustOK(t, "pop "+num, agent.getJSON("/desk/api/pop?number="+url.QueryEscape(num), &p))
		if len(p.Customers) != 0 || !p.CanCreate {
			t.Fatalf("pop %q: %+v", num, p)
		}
	}
	mustStatus(t, "huge number", agent.get("/desk/api/pop?number="+strings.Repeat("1", 100)), http.StatusBadRequest)
}

// A campaign call's pop carries the campaign's script (line breaks kept),
// its objection answers and dispositions; by the call's customer ID it
// finds the customer even without the number.
func TestScreenPopCampaign(t *testing.T) {
	t.Parallel()
	e := start(t)
	cu := e.customer("agent1001", "李四", "13900139000")
	cfg := campaignConfig()
	cfg.Script = deskui.EncodeScript("您好，我是 Hotline 的小王。\n耽误您一分钟。")
	cfg.Objections = []dialer.Objection{{Objection: "太贵了", Answer: "我们有三个月免费试用。"}}
	camp := e.campaign("续费活动", cfg)
	agent := e.login("agent1001", demoPW, "en")
	for _, q := range []string{"campaign=" + url.QueryEscape("续费活动"), "campaign_id=" + itoa(camp.ID)} {
		var p deskui.Pop
		mustOK(t, "pop "+q, agent.getJSON("/desk/api/pop?customer_id="+itoa(cu.ID)+"&"+q, &p))
		if len(p.Customers) != 1 || p.Customers[0].ID != cu.ID {
			t.Fatalf("pop by customer ID: %+v", p.Customers)
		}
		pc := p.Campaign
		if pc == nil || pc.ID != camp.ID || pc.Script != "您好，我是 Hotline 的小王。\n耽误您一分钟。" ||
			len(pc.Objections) != 1 || pc.Objections[0].Answer != "我们有三个月免费试用。" || len(pc.Dispositions) != len(dialer.DefaultDispositions) {
			t.Fatalf("campaign in the pop: %+v", pc)
		}
	}
	var p deskui.Pop
	mustOK(t, "deleted campaign", agent.getJSON("/desk/api/pop?campaign=gone", &p))
	if p.Campaign != nil {
		t.Fatalf("campaign for an unknown name: %+v", p.Campaign)
	}
}

func mustOK(t *testing.T, what string, status int) {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("%s: status %d", what, status)
	}
}
