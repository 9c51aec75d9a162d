package telui_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Every page renders for the administrator, in both languages, with the
// demo data on it; the navigation lists the section.
func TestPagesRenderForAdmin(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	ctx := context.Background()
	ext, err := e.app.PBX.ExtensionByNumber(ctx, "1001")
	if err != nil {
		t.Fatal(err)
	}
	trunk, err := e.app.PBX.TrunkByName(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	sales, err := e.app.Queues.ByName(ctx, "sales")
	if err != nil {
		t.Fatal(err)
	}
	flow, err := e.app.Flows.GetByName(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	nums, err := e.app.PBX.Numbers(ctx)
	if err != nil || len(nums) == 0 {
		t.Fatal(nums, err)
	}
	agent := e.userID("agent1001")
	pages := map[string][]string{
		"/telephony/extensions":                              {"1001", "1005", "坐席 1001"},
		"/telephony/extensions/new":                          {`name="password"`},
		"/telephony/extensions/" + itoa(ext.ID):              {`value="1001"`, "Delete extension"},
		"/telephony/trunks":                                  {"local", "127.0.0.1"},
		"/telephony/trunks/new":                              {`name="trusted_sources"`},
		"/telephony/trunks/" + itoa(trunk.ID):                {"127.0.0.1\n::1"},
		"/telephony/numbers":                                 {"8000", "8001", "8002", `href="/telephony/flows/` + itoa(flow.ID) + `"`},
		"/telephony/numbers/new":                             {`name="target_queue"`, `<option value="sales">`},
		"/telephony/numbers/" + itoa(nums[0].ID):             {nums[0].Number},
		"/telephony/queues":                                  {"sales", "support", "Longest idle agent"},
		"/telephony/queues/new":                              {`name="skills_0_min_level"`, `name="widening_0_after_sec"`},
		"/telephony/queues/" + itoa(sales.ID):                {`value="sales"`, `id="members-table"`, "坐席 1001", "Satisfaction survey"},
		"/telephony/agents":                                  {"坐席 1001", "mandarin 8", "sales"},
		"/telephony/agents/" + itoa(agent):                   {`value="mandarin"`, `value="8"`},
		"/telephony/flows":                                   {"main"},
		"/telephony/flows/new":                               {"new_flow", `name="definition"`},
		"/telephony/flows/" + itoa(flow.ID):                  {"start: hours", `id="flow-outline"`, `id="node-menu"`, "key 1", "8000"},
		"/telephony/flows/" + itoa(flow.ID) + "?format=json": {`&#34;start&#34;: &#34;hours&#34;`},
		"/telephony/prompts":                                 {`id="upload-form"`, `id="tts-form"`},
		"/telephony/calls":                                   {`id="call-filters"`},
		"/telephony/recordings":                              {`id="rec-filters"`},
	}
	for path, want := range pages {
		for _, lang := range []string{"en", "zh-CN"} {
			admin.lang = lang
			p := admin.get(path)
			mustStatus(t, lang+" "+path, p, http.StatusOK)
			if lang == "en" {
				mustContain(t, path, p, want...)
			}
			mustContain(t, path, p, `href="/telephony/static/telui.css`)
			if strings.Contains(p.body, "%!") {
				t.Fatalf("%s %s: a message with wrong arguments: %s", lang, path, excerpt(p.body))
			}
			if strings.Contains(p.body, ">tel.") || strings.Contains(p.body, `"tel.`) {
				t.Fatalf("%s %s: an untranslated key: %s", lang, path, excerpt(p.body))
			}
		}
	}
	admin.lang = "zh-CN"
	nav := admin.get("/")
	mustContain(t, "home", nav, ">话务</div>", "分机", "中继", "号码", "队列", "IVR 流程", "语音文件", "通话记录", "录音")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
