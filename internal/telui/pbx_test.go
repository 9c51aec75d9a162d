package telui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/pbx"
)

// Extensions: created with a SIP password, edited, and refused deletion
// while an inbound number routes to them — with the numbers named.
func TestExtensions(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	ctx := context.Background()

	p := admin.post("/telephony/extensions", url.Values{"number": {"1001"}, "display_name": {"dup"}, "password": {"sip-pass-123"}, "enabled": {"1"}})
	mustStatus(t, "duplicate", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "number"); got != "Extension 1001 already exists." {
		t.Fatalf("duplicate error = %q", got)
	}
	mustNotContain(t, "password not echoed", p, "sip-pass-123")
	mustContain(t, "typed kept", p, `value="dup"`)

	p = admin.post("/telephony/extensions", url.Values{"number": {"2001"}, "display_name": {"前台"}, "password": {"short"}, "enabled": {"1"}})
	mustStatus(t, "short password", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "password"); got != "The SIP password must be 8 to 128 characters." {
		t.Fatalf("password error = %q", got)
	}

	p = admin.post("/telephony/extensions", url.Values{"number": {"2001"}, "display_name": {"前台"}, "password": {"sip-pass-123"}, "enabled": {"1"}})
	mustStatus(t, "create", p, http.StatusSeeOther)
	ext, err := e.app.PBX.ExtensionByNumber(ctx, "2001")
	if err != nil || ext.DisplayName != "前台" || !ext.Enabled {
		t.Fatalf("created %+v, %v", ext, err)
	}
	acc, _ := e.app.PBX.Account(ctx, "2001")
	if md5, _ := pbx.HA1("2001", pbx.Realm, "sip-pass-123"); acc.HA1MD5 != md5 {
		t.Fatal("the SIP password was not stored as its digest")
	}
	path := "/telephony/extensions/" + itoa(ext.ID)

	// Edit: name, disabled, new password; an empty password keeps the old one.
	p = admin.post(path, url.Values{"display_name": {"Reception"}, "password": {""}})
	mustStatus(t, "edit", p, http.StatusSeeOther)
	ext, _ = e.app.PBX.Extension(ctx, ext.ID)
	acc2, _ := e.app.PBX.Account(ctx, "2001")
	if ext.DisplayName != "Reception" || ext.Enabled || acc2.HA1MD5 != acc.HA1MD5 {
		t.Fatalf("after edit %+v (password changed: %v)", ext, acc2.HA1MD5 != acc.HA1MD5)
	}
	p = admin.post(path, url.Values{"display_name": {"Reception"}, "password": {"another-pass-9"}, "enabled": {"1"}})
	mustStatus(t, "new password", p, http.StatusSeeOther)
	if acc3, _ := e.app.PBX.Account(ctx, "2001"); acc3.HA1MD5 == acc.HA1MD5 || !acc3.Enabled {
		t.Fatal("new password not applied")
	}

	// A number routes to it: delete is refused, naming the number.
	p = admin.post("/telephony/numbers", url.Values{"number": {"8010"}, "route_kind": {"extension"}, "target_extension": {"2001"},
		"priority": {"0"}, "enabled": {"1"}})
	mustStatus(t, "number to extension", p, http.StatusSeeOther)
	p = admin.post(path+"/delete", nil)
	mustStatus(t, "delete refused", p, http.StatusConflict)
	mustContain(t, "reason", p, "Extension 2001 cannot be deleted: inbound numbers 8010 route to it.")
	admin.lang = "zh-CN"
	mustContain(t, "reason zh", admin.post(path+"/delete", nil), "分机 2001 无法删除：呼入号码 8010 路由到它")
	admin.lang = "en"

	n, _ := numberByName(e, "8010")
	mustStatus(t, "delete number", admin.post("/telephony/numbers/"+itoa(n.ID)+"/delete", nil), http.StatusSeeOther)
	p = admin.post(path+"/delete", nil)
	mustStatus(t, "delete", p, http.StatusSeeOther)
	mustContain(t, "deleted", admin.follow(p), "Extension 2001 deleted.")
}

func numberByName(e *env, num string) (*pbx.Number, error) {
	ns, err := e.app.PBX.Numbers(context.Background())
	if err != nil {
		return nil, err
	}
	for i := range ns {
		if ns[i].Number == num {
			return &ns[i], nil
		}
	}
	e.t.Fatalf("number %s not found", num)
	return nil, nil
}

// The stored trunk password never reaches the browser; an empty password
// field keeps it; trusted sources are one per line, a bad one is named.
func TestTrunkPasswordNeverShown(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	const secret = "carrier-s3cret-pw"
	form := url.Values{"name": {"telecom"}, "host": {"sip.example.cn:5060"}, "transport": {"udp"},
		"trusted_sources": {"10.0.0.0/8\r\n\r\nnot-an-ip"}, "register": {"1"}, "username": {"hotline"}, "password": {secret},
		"caller_id": {"02088886666"}, "dial_prefix": {"9"}, "enabled": {"1"}}
	p := admin.post("/telephony/trunks", form)
	mustStatus(t, "bad source", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "trusted_sources"); !strings.Contains(got, "not-an-ip") {
		t.Fatalf("source error = %q; body %s", got, excerpt(p.body))
	}
	mustNotContain(t, "refused form", p, secret)

	form.Set("trusted_sources", "10.0.0.0/8\n203.0.113.7")
	p = admin.post("/telephony/trunks", form)
	mustStatus(t, "create", p, http.StatusSeeOther)
	edit := admin.get(p.loc)
	mustStatus(t, "edit page", edit, http.StatusOK)
	mustNotContain(t, "edit page", edit, secret)
	mustContain(t, "edit page", edit, "10.0.0.0/8\n203.0.113.7", `id="password-stored"`, `value="sip.example.cn:5060"`)
	mustNotContain(t, "list", admin.get("/telephony/trunks"), secret)

	form.Set("password", "")
	form.Set("caller_id", "02088887777")
	mustStatus(t, "update", admin.post(p.loc, form), http.StatusSeeOther)
	tr, err := e.app.PBX.TrunkByName(context.Background(), "telecom")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Password() != secret || tr.CallerID != "02088887777" || len(tr.TrustedSources) != 2 || !tr.Register {
		t.Fatalf("after update: %+v (password kept: %v)", tr, tr.Password() == secret)
	}
	p = admin.post(p.loc+"/delete", nil)
	mustStatus(t, "delete", p, http.StatusSeeOther)
}

// Numbers route to a flow, a queue or an extension chosen from the
// existing ones; the target's error lands on the select of that kind.
func TestNumbers(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	form := url.Values{"number": {"400-800-1234"}, "description": {"VIP"}, "route_kind": {"queue"}, "target_queue": {""},
		"target_ivr": {"main"}, "priority": {"5"}, "enabled": {"1"}}
	p := admin.post("/telephony/numbers", form)
	mustStatus(t, "no target", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "target_queue"); got != "This field is required." {
		t.Fatalf("target error = %q", got)
	}
	form.Set("target_queue", "nosuch")
	p = admin.post("/telephony/numbers", form)
	mustStatus(t, "unknown queue", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "target_queue"); got != "Queue “nosuch” does not exist." {
		t.Fatalf("unknown queue error = %q", got)
	}
	form.Set("priority", "12")
	form.Set("target_queue", "support")
	p = admin.post("/telephony/numbers", form)
	mustStatus(t, "bad priority", p, http.StatusUnprocessableEntity)
	form.Set("priority", "5")
	p = admin.post("/telephony/numbers", form)
	mustStatus(t, "create", p, http.StatusSeeOther)
	n, _ := numberByName(e, "4008001234")
	if n.RouteKind != pbx.RouteQueue || n.RouteTarget != "support" || n.Priority != 5 || !n.Enabled {
		t.Fatalf("stored %+v", n)
	}
	list := admin.get("/telephony/numbers")
	mustContain(t, "list", list, "4008001234", "VIP", ">support</a>")
	edit := admin.get("/telephony/numbers/" + itoa(n.ID))
	mustContain(t, "edit", edit, `<option value="queue" selected>`, `<option value="support" selected>`, `<option value="5" selected>`)
}
