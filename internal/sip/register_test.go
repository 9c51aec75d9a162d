package sip

import (
	"context"
	"strings"
	"testing"
	"time"
)

// sippConfig offers MD5 first: sipp 3.6.1 answers the topmost challenge
// only and gives up when that is SHA-256 (RFC 8760 wants clients to skip
// to one they support).
func sippConfig() Config {
	return Config{DigestAlgorithms: []string{algMD5, algSHA256}}
}

func TestRegisterWithDigestAuth(t *testing.T) {
	ts := startServer(t, sippConfig(), Deps{})
	port := freePort(t)
	r := runSipp(t, "register_ok.xml", ts.Addr("udp"), sippOpts{port: port,
		args: []string{"-s", "1001", "-au", "1001", "-ap", "s3cret-1001"}})
	r.mustSucceed(t, 1)

	cs, err := ts.Contacts(context.Background(), "1001")
	if err != nil || len(cs) != 1 {
		t.Fatalf("contacts %+v, %v", cs, err)
	}
	c := cs[0]
	if c.Transport != "UDP" || c.Source.Port() != uint16(port) || !strings.Contains(c.URI, "1001@127.0.0.1") {
		t.Fatalf("binding %+v", c)
	}
	if left := time.Until(c.Expires); left < 100*time.Second || left > 121*time.Second {
		t.Fatalf("binding expires in %s, want about 120s", left)
	}
	ev := ts.events.wait(t, time.Second, isKind(EventRegistered))
	if ev.User != "1001" || len(ev.Contacts) != 1 {
		t.Fatalf("event %+v", ev)
	}
}

func TestRegisterWrongPasswordAndUnknownUser(t *testing.T) {
	ts := startServer(t, sippConfig(), Deps{})
	r := runSipp(t, "register_wrong.xml", ts.Addr("udp"), sippOpts{
		args: []string{"-s", "1001", "-au", "1001", "-ap", "not-the-password"}})
	r.mustSucceed(t, 1)
	r = runSipp(t, "register_wrong.xml", ts.Addr("udp"), sippOpts{
		args: []string{"-s", "9999", "-au", "9999", "-ap", "whatever"}})
	r.mustSucceed(t, 1)
	if cs, _ := ts.Contacts(context.Background(), "1001"); len(cs) != 0 {
		t.Fatalf("wrong password stored a binding: %+v", cs)
	}
	wrong := ts.events.wait(t, time.Second, func(e Event) bool { return e.Kind == EventAuthFailed && e.User == "1001" })
	unknown := ts.events.wait(t, time.Second, func(e Event) bool { return e.Kind == EventAuthFailed && e.User == "9999" })
	if wrong.Source.Addr().String() != "127.0.0.1" || unknown.Reason != "unknown user" {
		t.Fatalf("events %+v %+v", wrong, unknown)
	}
	if got := ts.Stats().AuthFailures; got != 2 {
		t.Fatalf("%d auth failures counted, want 2", got)
	}
}

// After AuthMaxFailures wrong passwords the source is refused even with
// the right one, until the ban ends; then the right password works again.
func TestRegisterBanAfterRepeatedFailures(t *testing.T) {
	cfg := sippConfig()
	cfg.AuthMaxFailures, cfg.AuthFailureWindow, cfg.AuthBanDuration = 3, time.Minute, 2*time.Second
	ts := startServer(t, cfg, Deps{})
	wrong := []string{"-s", "1001", "-au", "1001", "-ap", "guess"}
	for i := 0; i < 3; i++ {
		runSipp(t, "register_wrong.xml", ts.Addr("udp"), sippOpts{args: wrong}).mustSucceed(t, 1)
	}
	ban := ts.events.wait(t, time.Second, isKind(EventSourceBanned))
	if ban.Source.Addr().String() != "127.0.0.1" || time.Until(ban.Until) > 2*time.Second {
		t.Fatalf("ban event %+v", ban)
	}
	right := []string{"-s", "1001", "-au", "1001", "-ap", "s3cret-1001"}
	runSipp(t, "register_banned.xml", ts.Addr("udp"), sippOpts{args: right}).mustSucceed(t, 1)
	if cs, _ := ts.Contacts(context.Background(), "1001"); len(cs) != 0 {
		t.Fatalf("banned source registered: %+v", cs)
	}
	eventually(t, 5*time.Second, "the ban to end", func() bool {
		_, banned := ts.limiter.bannedUntil(ban.Source.Addr())
		return !banned
	})
	runSipp(t, "register_ok.xml", ts.Addr("udp"), sippOpts{args: right}).mustSucceed(t, 1)
	if cs, _ := ts.Contacts(context.Background(), "1001"); len(cs) != 1 {
		t.Fatalf("after the ban: contacts %+v", cs)
	}
	if ts.Stats().Bans != 1 {
		t.Fatalf("stats %+v", ts.Stats())
	}
}

func TestRegisterRefreshSecondContactAndUnregister(t *testing.T) {
	ts := startServer(t, sippConfig(), Deps{})
	runSipp(t, "register_refresh.xml", ts.Addr("udp"), sippOpts{
		args: []string{"-s", "1001", "-au", "1001", "-ap", "s3cret-1001"}}).mustSucceed(t, 1)
	label := func(c Contact) string {
		if strings.Contains(c.URI, ":5999;transport=tcp") {
			return "second"
		}
		return "first"
	}
	var got []string
	for _, e := range ts.events.snapshot() {
		for _, c := range e.Contacts {
			got = append(got, e.Kind.String()+" "+label(c)+" "+e.Reason)
		}
	}
	want := []string{"registered first ", "refreshed first ", "registered second ",
		"unregistered first unregister", "unregistered second unregister"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("events\n got %q\nwant %q", got, want)
	}
	if cs, _ := ts.Contacts(context.Background(), "1001"); len(cs) != 0 {
		t.Fatalf("bindings left after Contact: *: %+v", cs)
	}
}

func TestOptionsAnswered(t *testing.T) {
	ts := startServer(t, Config{}, Deps{})
	for _, tp := range []string{"udp", "tcp"} {
		r := runSipp(t, "sip_options.xml", ts.Addr(tp), sippOpts{args: []string{"-t", map[string]string{"udp": "u1", "tcp": "t1"}[tp]}})
		r.mustSucceed(t, 1)
	}
}

// A binding lives no longer than RegisterMaxExpiry; the sweep removes it
// and reports "expired".
func TestRegistrationExpires(t *testing.T) {
	cfg := sippConfig()
	cfg.RegisterMinExpiry, cfg.RegisterDefaultExpiry, cfg.RegisterMaxExpiry = time.Second, time.Second, 2*time.Second
	ts := startServer(t, cfg, Deps{})
	runSipp(t, "register_ok.xml", ts.Addr("udp"), sippOpts{
		args: []string{"-s", "1001", "-au", "1001", "-ap", "s3cret-1001"}}).mustSucceed(t, 1)
	reg := ts.events.wait(t, time.Second, isKind(EventRegistered))
	if left := time.Until(reg.Contacts[0].Expires); left > 2*time.Second {
		t.Fatalf("expiry not capped: %s", left)
	}
	ev := ts.events.wait(t, 5*time.Second, isKind(EventUnregistered))
	if ev.Reason != "expired" || ev.User != "1001" {
		t.Fatalf("event %+v", ev)
	}
}
