package telui_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/acd"
)

// queueForm is a complete queue editor submission.
func queueForm(name string) url.Values {
	return url.Values{
		"name": {name}, "strategy": {"skills"}, "priority": {"2"},
		"skills_0_skill": {"mandarin"}, "skills_0_min_level": {"6"},
		"skills_1_skill": {""}, "skills_1_min_level": {""},
		"skills_2_skill": {"english"}, "skills_2_min_level": {"4"},
		"widening_0_after_sec": {"30"}, "widening_0_lower_by": {"2"}, "widening_0_drop_skill": {""},
		"widening_1_after_sec": {"60"}, "widening_1_lower_by": {""}, "widening_1_drop_skill": {"english"},
		"ring_timeout_sec": {"18"}, "no_answer_not_ready": {"1"}, "wrap_up_sec": {"45"},
		"survey": {"1"}, "survey_scale": {"10"}, "max_waiting": {"30"}, "max_wait_sec": {"240"},
		"overflow_action": {"voicemail"}, "overflow_box": {"mailbox-1"}, "announce_interval_sec": {"40"},
		"language": {"en"}, "priority_boost_sec": {"20"}, "service_level_sec": {"15"}, "short_abandon_sec": {"5"},
		"music_on_hold": {""},
	}
}

// fieldError finds the error shown under an input (within its field).
func fieldError(body, input string) string {
	i := strings.Index(body, `id="f-`+input+`"`)
	if i < 0 {
		return ""
	}
	field := body[i:]
	if j := strings.Index(field, "</div>"); j >= 0 {
		field = field[:j]
	}
	if m := fieldErrorRE.FindStringSubmatch(field); m != nil {
		return m[1]
	}
	return ""
}

var fieldErrorRE = regexp.MustCompile(`<p class="field-error">([^<]*)</p>`)

// The editor saves every setting, and refuses bad ones with the error on
// the input it concerns, keeping everything typed.
func TestQueueEditor(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)

	// A minimum level of 11: the validator names skills[1].min_level (the
	// blank row is skipped); the page shows it on the third row.
	f := queueForm("vip")
	f.Set("skills_2_min_level", "11")
	p := admin.post("/telephony/queues", f)
	mustStatus(t, "min level 11", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "skills_2_min_level"); got != "Must be 1 to 10." {
		t.Fatalf("error under the level input = %q; body: %s", got, excerpt(p.body))
	}
	mustContain(t, "typed values kept", p, `value="vip"`, `value="mandarin"`, `value="english"`, `value="11"`,
		`value="mailbox-1"`, `value="240"`, `<option value="voicemail" selected>`, `<option value="skills" selected>`)
	if _, err := e.app.Queues.ByName(context.Background(), "vip"); err == nil {
		t.Fatal("the refused queue was stored")
	}

	// Words where numbers belong: each such input says so.
	f = queueForm("vip")
	f.Set("wrap_up_sec", "half a minute")
	f.Set("widening_1_after_sec", "soon")
	p = admin.post("/telephony/queues", f)
	mustStatus(t, "not numbers", p, http.StatusUnprocessableEntity)
	for _, in := range []string{"wrap_up_sec", "widening_1_after_sec"} {
		if got := fieldError(p.body, in); got != "Enter a whole number." {
			t.Fatalf("%s error = %q", in, got)
		}
	}

	// A maximum wait needs an overflow action.
	f = queueForm("vip")
	f.Set("overflow_action", "")
	p = admin.post("/telephony/queues", f)
	mustStatus(t, "no overflow", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "overflow_action"); got == "" {
		t.Fatalf("no error on overflow_action; body: %s", excerpt(p.body))
	}

	// In Chinese the same refusal reads in Chinese.
	admin.lang = "zh-CN"
	f = queueForm("vip")
	f.Set("skills_0_min_level", "0")
	p = admin.post("/telephony/queues", f)
	mustStatus(t, "zh", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "skills_0_min_level"); got != "须在 1 到 10 之间。" {
		t.Fatalf("Chinese error = %q", got)
	}
	admin.lang = "en"

	// Valid: every setting is stored.
	p = admin.post("/telephony/queues", queueForm("vip"))
	mustStatus(t, "create", p, http.StatusSeeOther)
	mustContain(t, "created", admin.follow(p), "Queue vip created.")
	q, err := e.app.Queues.ByName(context.Background(), "vip")
	if err != nil {
		t.Fatal(err)
	}
	want := acd.Queue{ID: q.ID, Name: "vip", Strategy: acd.SkillsBased, Priority: 2,
		Skills:         []acd.SkillReq{{Skill: "mandarin", MinLevel: 6}, {Skill: "english", MinLevel: 4}},
		Widening:       []acd.WideningStep{{AfterSec: 30, LowerBy: 2}, {AfterSec: 60, DropSkill: "english"}},
		RingTimeoutSec: 18, NoAnswer: acd.NoAnswerPolicy{NotReady: true}, WrapUpSec: 45, MaxWaiting: 30, MaxWaitSec: 240,
		Overflow: acd.Overflow{Action: acd.OverflowVoicemail, Target: "mailbox-1"}, AnnounceIntervalSec: 40,
		PriorityBoostSec: 20, ServiceLevelSec: 15, ShortAbandonSec: 5}
	if !reflect.DeepEqual(q.Queue, want) {
		t.Fatalf("stored %+v\nwant   %+v", q.Queue, want)
	}
	if !q.Survey || q.SurveyScale != 10 || q.Language != "en" {
		t.Fatalf("survey/language not stored: %+v", q)
	}

	// Editing keeps the members the editor does not show.
	id := strconv.FormatInt(q.ID, 10)
	p = admin.post("/telephony/queues/"+id+"/members", url.Values{"user_id": {strconv.FormatInt(e.userID("agent1002"), 10)}, "penalty": {"3"}})
	mustStatus(t, "add member", p, http.StatusSeeOther)
	f = queueForm("vip")
	f.Set("wrap_up_sec", "30")
	mustStatus(t, "update", admin.post("/telephony/queues/"+id, f), http.StatusSeeOther)
	q, _ = e.app.Queues.Queue(context.Background(), q.ID)
	if q.WrapUpSec != 30 || len(q.Members) != 1 || q.Members[0].Penalty != 3 {
		t.Fatalf("after update: wrap-up %d, members %+v", q.WrapUpSec, q.Members)
	}
	page := admin.get("/telephony/queues/" + id)
	mustContain(t, "edit page", page, `value="mandarin"`, `value="30"`, "坐席 1002", `value="3"`)
}

// Members are added with a penalty, changed and removed; a queue that
// numbers still route to cannot be deleted, and the page says which.
func TestQueueMembersAndDelete(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	sales, _ := e.app.Queues.ByName(context.Background(), "sales")
	id := strconv.FormatInt(sales.ID, 10)
	uid := strconv.FormatInt(e.userID("agent1003"), 10)

	p := admin.post("/telephony/queues/"+id+"/members/"+uid, url.Values{"penalty": {"1001"}})
	mustStatus(t, "penalty too high", p, http.StatusUnprocessableEntity)
	mustContain(t, "penalty too high", p, "Must be 0 to 1000.")
	p = admin.post("/telephony/queues/"+id+"/members/"+uid, url.Values{"penalty": {"7"}})
	mustStatus(t, "penalty", p, http.StatusSeeOther)
	p = admin.post("/telephony/queues/"+id+"/members/"+uid+"/remove", nil)
	mustStatus(t, "remove", p, http.StatusSeeOther)
	mustContain(t, "removed", admin.follow(p), "removed from queue sales")
	q, _ := e.app.Queues.Queue(context.Background(), sales.ID)
	if len(q.Members) != 4 {
		t.Fatalf("members after removing one of five: %+v", q.Members)
	}
	p = admin.post("/telephony/queues/"+id+"/members", url.Values{"user_id": {""}, "penalty": {"0"}})
	mustStatus(t, "no agent chosen", p, http.StatusUnprocessableEntity)

	// Numbers and the IVR name the queue: it cannot be renamed either.
	ef := queueForm("sales2")
	p = admin.post("/telephony/queues/"+id, ef)
	mustStatus(t, "rename routed queue", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "name"); !strings.Contains(got, "sales cannot be renamed") || !strings.Contains(got, "8001") {
		t.Fatalf("rename error = %q", got)
	}

	p = admin.post("/telephony/queues/"+id+"/delete", nil)
	mustStatus(t, "delete routed queue", p, http.StatusConflict)
	mustContain(t, "delete refused", p, "Queue sales cannot be deleted", "8001", "IVR main")
	if _, err := e.app.Queues.ByName(context.Background(), "sales"); err != nil {
		t.Fatal("the queue was deleted anyway")
	}

	// A queue nothing uses goes.
	p = admin.post("/telephony/queues", queueForm("spare"))
	mustStatus(t, "create spare", p, http.StatusSeeOther)
	p = admin.post(p.loc+"/delete", nil)
	mustStatus(t, "delete spare", p, http.StatusSeeOther)
	if _, err := e.app.Queues.ByName(context.Background(), "spare"); err == nil {
		t.Fatal("spare queue still there")
	}
}

// Agent routing: skills with levels 1–10 and queue memberships.
func TestAgentRouting(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	uid := e.userID("agent1005")
	path := "/telephony/agents/" + strconv.FormatInt(uid, 10)
	sales, _ := e.app.Queues.ByName(context.Background(), "sales")
	support, _ := e.app.Queues.ByName(context.Background(), "support")
	qs, ss := strconv.FormatInt(sales.ID, 10), strconv.FormatInt(support.ID, 10)

	f := url.Values{"skill_0_name": {"mandarin"}, "skill_0_level": {"7"}, "skill_1_name": {"cantonese"}, "skill_1_level": {"11"},
		"skill_2_name": {""}, "skill_2_level": {""}, "queue_" + qs: {"1"}, "penalty_" + qs: {"2"}}
	p := admin.post(path, f)
	mustStatus(t, "level 11", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "skill_1_level"); got != "Must be 1 to 10." {
		t.Fatalf("level error = %q; body: %s", got, excerpt(p.body))
	}
	mustContain(t, "kept", p, `value="cantonese"`, `value="11"`)

	f.Set("skill_1_level", "3")
	f.Set("penalty_"+qs, "abc")
	p = admin.post(path, f)
	mustStatus(t, "bad penalty", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "penalty_"+qs); got != "Enter a whole number." {
		t.Fatalf("penalty error = %q", got)
	}

	f.Set("penalty_"+qs, "2")
	p = admin.post(path, f)
	mustStatus(t, "save", p, http.StatusSeeOther)
	ag, err := e.app.Queues.Agent(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	if len(ag.Skills) != 2 || ag.Skills["mandarin"] != 7 || ag.Skills["cantonese"] != 3 {
		t.Fatalf("skills %+v", ag.Skills)
	}
	if len(ag.Queues) != 1 || ag.Queues[0].QueueID != sales.ID || ag.Queues[0].Penalty != 2 {
		t.Fatalf("queues %+v (support %s dropped as unticked)", ag.Queues, ss)
	}
	list := admin.get("/telephony/agents?q=1005")
	mustContain(t, "list", list, "cantonese 3", "mandarin 7", "sales (&#43;2)")
	mustNotContain(t, "list", list, "坐席 1001")
}
