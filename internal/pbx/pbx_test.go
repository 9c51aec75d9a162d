package pbx_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func wantField(t *testing.T, err error, kind apperr.Kind, field string) {
	t.Helper()
	if e := apperr.As(err); e == nil || e.Kind != kind || e.Field != field {
		t.Fatalf("got %v, want kind %d on %q", err, kind, field)
	}
}

func TestHA1(t *testing.T) {
	// RFC 7616 §3.9.1 credentials; values checked with md5sum and sha256sum.
	m, s := pbx.HA1("Mufasa", "http-auth@example.org", "Circle of Life")
	if m != "3d78807defe7de2157e2b0b6573a855f" {
		t.Errorf("MD5 HA1 %s", m)
	}
	if s != "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232" {
		t.Errorf("SHA-256 HA1 %s", s)
	}
}

func TestExtensions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := pbx.NewService(db)
		sys := org.System()
		e, err := s.CreateExtension(ctx, sys, pbx.ExtensionInput{Number: "1001", DisplayName: "坐席 1001", Password: "secret-1001"})
		if err != nil {
			t.Fatal(err)
		}
		acct, err := s.Account(ctx, "1001")
		wantMD5, wantSHA := pbx.HA1("1001", pbx.Realm, "secret-1001")
		if err != nil || acct.HA1MD5 != wantMD5 || acct.HA1SHA256 != wantSHA || !acct.Enabled {
			t.Fatalf("account %+v %v", acct, err)
		}
		_, err = s.CreateExtension(ctx, sys, pbx.ExtensionInput{Number: "1001", Password: "another-pw"})
		wantField(t, err, apperr.KindConflict, "number")
		_, err = s.CreateExtension(ctx, sys, pbx.ExtensionInput{Number: "10a1", Password: "another-pw"})
		wantField(t, err, apperr.KindInvalid, "number")
		_, err = s.CreateExtension(ctx, sys, pbx.ExtensionInput{Number: "1002", Password: "short"})
		wantField(t, err, apperr.KindInvalid, "password")
		// Renumbering needs the password because the HA1 covers the number.
		_, err = s.UpdateExtension(ctx, sys, e.ID, pbx.ExtensionInput{Number: "1009"})
		wantField(t, err, apperr.KindInvalid, "password")
		off := false
		if _, err := s.UpdateExtension(ctx, sys, e.ID, pbx.ExtensionInput{Number: "1001", Enabled: &off}); err != nil {
			t.Fatal(err)
		}
		if acct, _ := s.Account(ctx, "1001"); acct.Enabled || acct.HA1MD5 != wantMD5 {
			t.Fatalf("update without password changed the HA1 or kept enabled: %+v", acct)
		}
		if _, err := s.Account(ctx, "9999"); !errors.Is(err, pbx.ErrNoAccount) {
			t.Fatalf("unknown account: %v", err)
		}
		// A number routing to the extension blocks its deletion.
		if _, err := s.CreateNumber(ctx, sys, pbx.NumberInput{Number: "8100", RouteKind: pbx.RouteExtension, RouteTarget: "1001"}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteExtension(ctx, sys, e.ID); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("delete routed extension: %v", err)
		}
	})
}

func TestTrunksAndNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := pbx.NewService(db)
		s.Check = func(ctx context.Context, kind pbx.RouteKind, target string) error {
			if target == "main" || target == "sales" {
				return nil
			}
			return errors.New(string(kind) + " " + target + " does not exist")
		}
		sys := org.System()
		tr, err := s.CreateTrunk(ctx, sys, pbx.TrunkInput{Name: "carrier", Host: "sip.example.net:5060",
			TrustedSources: []string{"127.0.0.1", "10.0.0.0/8"}, Username: "acct", Password: "pw", CallerID: "+8602112345678"})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Password() != "pw" || len(tr.TrustedSources) != 2 {
			t.Fatalf("trunk %+v", tr)
		}
		for addr, want := range map[string]bool{"127.0.0.1": true, "10.1.2.3": true, "192.168.1.1": false, "::ffff:127.0.0.1": true} {
			got, err := s.MatchSource(ctx, netip.MustParseAddr(addr))
			if err != nil || (got != nil) != want {
				t.Errorf("MatchSource(%s) = %v, %v; want match %v", addr, got, err, want)
			}
		}
		_, err = s.CreateTrunk(ctx, sys, pbx.TrunkInput{Name: "bad", TrustedSources: []string{"not-an-ip"}})
		wantField(t, err, apperr.KindInvalid, "trusted_sources[0]")
		_, err = s.CreateTrunk(ctx, sys, pbx.TrunkInput{Name: "nothing"})
		wantField(t, err, apperr.KindInvalid, "host")
		// Updating without a password keeps it.
		tr2, err := s.UpdateTrunk(ctx, sys, tr.ID, pbx.TrunkInput{Name: "carrier", Host: "sip.example.net", Username: "acct"})
		if err != nil || tr2.Password() != "pw" {
			t.Fatalf("update kept password? %v %v", tr2, err)
		}

		n, err := s.CreateNumber(ctx, sys, pbx.NumberInput{Number: "400 800-8000", RouteKind: pbx.RouteIVR, RouteTarget: "main"})
		if err != nil || n.Number != "4008008000" {
			t.Fatalf("number %+v %v", n, err)
		}
		got, err := s.Lookup(ctx, "400-800-8000")
		if err != nil || got.RouteTarget != "main" {
			t.Fatalf("lookup %+v %v", got, err)
		}
		if _, err := s.Lookup(ctx, "12345"); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("unknown number: %v", err)
		}
		_, err = s.CreateNumber(ctx, sys, pbx.NumberInput{Number: "8001", RouteKind: pbx.RouteQueue, RouteTarget: "nope"})
		wantField(t, err, apperr.KindInvalid, "route_target")
		_, err = s.CreateNumber(ctx, sys, pbx.NumberInput{Number: "8001", RouteKind: "fax", RouteTarget: "x"})
		wantField(t, err, apperr.KindInvalid, "route_kind")
		_, err = s.CreateNumber(ctx, sys, pbx.NumberInput{Number: "4008008000", RouteKind: pbx.RouteQueue, RouteTarget: "sales"})
		wantField(t, err, apperr.KindConflict, "number")
		if c, _ := s.Routes(ctx, pbx.RouteIVR, "main"); c != 1 {
			t.Fatalf("Routes(ivr main) = %d", c)
		}
	})
}
