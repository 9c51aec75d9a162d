package deskui

import (
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/web"
)

var (
	goKeyRE = regexp.MustCompile(`"(desk\.[a-z0-9_.]*[a-z0-9_])"`)
	jsKeyRE = regexp.MustCompile(`\bt\("([a-z0-9_.]*[a-z0-9_])"`)
)

// Every catalog key the templates, handlers and scripts name exists in
// both languages with the same arguments; keys built from data exist for
// every value the domain packages know.
func TestCatalogsComplete(t *testing.T) {
	m, err := messages()
	if err != nil {
		t.Fatal(err)
	}
	en, zh := m[web.LangEN], m[web.LangZH]
	used := map[string]bool{}
	scan := func(b []byte) {
		for _, k := range goKeyRE.FindAllSubmatch(b, -1) {
			used[string(k[1])] = true
		}
	}
	fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := templateFS.ReadFile(p)
			scan(b)
		}
		return nil
	})
	gos, _ := fs.Glob(os.DirFS("."), "*.go")
	for _, f := range gos {
		if !strings.HasSuffix(f, "_test.go") {
			b, _ := os.ReadFile(f)
			scan(b)
		}
	}
	for _, f := range []string{"common.js", "desktop.js", "wall.js"} {
		b, err := staticFS.ReadFile("static/" + f)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range jsKeyRE.FindAllSubmatch(b, -1) {
			used[jsPrefix+string(k[1])] = true
		}
	}
	families := map[string][]string{
		"desk.js.state.":       {string(acd.LoggedOut), string(acd.Ready), string(acd.NotReady), string(acd.Ringing), string(acd.OnCall), string(acd.OnHold), string(acd.WrapUp)},
		"desk.js.callstate.":   {string(call.StateIVR), string(call.StateQueued), string(call.StateRinging), string(call.StateTalking), string(call.StateHeld), string(call.StateSurvey), string(call.StateEnded)},
		"desk.js.dir.":         {"inbound", "outbound", "internal", "callback"},
		"desk.js.monitor.":     {string(call.Listen), string(call.Whisper), string(call.Barge)},
		"desk.js.task.":        crm.TaskKinds,
		"desk.mode.":           Modes,
		"desk.camp_status.":    {"draft", "running", "paused", "done"},
		"desk.flash.status_":   {"running", "paused", "done"},
		"desk.contact_status.": ContactStatuses,
		"desk.day.":            Days,
		"desk.tl.move.":        crm.Actions,
		"desk.tl.":             {crm.KindCall, crm.KindNote, crm.KindTask, crm.KindMove, crm.KindEvent},
		"desk.tl.event.":       {crm.EventCreated, crm.EventUpdated, "imported"},
		"desk.tl.call.":        {"inbound", "outbound"},
		"desk.outcome.":        {"answered", "abandoned", "blocked", "overflow", "ivr", "failed"},
		"desk.js.pop.":         {"phones", "level", "status", "source", "owner", "last_contact", "next_follow_up", "tags"},
		"desk.js.transfer.":    {"blind", "consult"},
	}
	for _, r := range NotReadyReasons {
		families["desk.js.reason."] = append(families["desk.js.reason."], string(r))
	}
	for _, p := range errPatterns {
		used[p.key] = true
	}
	for prefix, vals := range families {
		for _, v := range vals {
			used[prefix+v] = true
		}
	}
	if len(used) < 200 {
		t.Fatalf("only %d keys found: the scan is broken", len(used))
	}
	var missing []string
	for k := range used {
		if strings.HasSuffix(k, ".") || strings.HasSuffix(k, "_") {
			continue
		}
		if _, ok := en[k]; !ok {
			missing = append(missing, "en:"+k)
		}
		if _, ok := zh[k]; !ok {
			missing = append(missing, "zh-CN:"+k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("missing catalog keys: %v", missing)
	}
	verb := regexp.MustCompile(`%\[\d\][sd]`)
	for k, e := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%s has no zh-CN text", k)
		}
		a, b := verb.FindAllString(e, -1), verb.FindAllString(zh[k], -1)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%s: arguments differ: en %v, zh-CN %v", k, a, b)
		}
		if strings.Contains(strings.ReplaceAll(e, "%%", ""), "%s") || strings.Contains(e, "%d") {
			t.Errorf("%s: use indexed verbs (%%[1]s) so translations may reorder", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%s has no English text", k)
		}
	}
}
