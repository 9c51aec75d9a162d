package sip

import (
	"context"
	"testing"
	"time"
)

func TestMemoryRegistry(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	r := NewMemoryRegistry(clock)
	now := clock.Now()
	a := Contact{User: "1001", URI: "sip:1001@10.0.0.2:5060", Expires: now.Add(time.Minute), Registered: now, Reachable: true}
	b := Contact{User: "1001", URI: "sip:1001@10.0.0.3:5060", Expires: now.Add(2 * time.Minute), Registered: now.Add(time.Second), Reachable: true}
	c := Contact{User: "1002", URI: "sip:1002@10.0.0.4:5060", Expires: now.Add(time.Minute), Registered: now, Reachable: true}
	for _, x := range []Contact{a, b, c} {
		if err := r.Save(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := r.Contacts(ctx, "1001")
	if len(got) != 2 || got[0].URI != a.URI || got[1].URI != b.URI {
		t.Fatalf("contacts of 1001: %+v", got)
	}
	if _, changed, _ := r.SetReachable(ctx, "1001", a.URI, false); !changed {
		t.Fatal("reachability change not reported")
	}
	if _, changed, _ := r.SetReachable(ctx, "1001", a.URI, false); changed {
		t.Fatal("same reachability reported as a change")
	}
	if _, changed, _ := r.SetReachable(ctx, "nobody", "sip:x", false); changed {
		t.Fatal("missing binding reported as changed")
	}
	clock.Advance(time.Minute)
	if got, _ := r.Contacts(ctx, "1001"); len(got) != 1 || got[0].URI != b.URI {
		t.Fatalf("expired binding still listed: %+v", got)
	}
	gone, _ := r.Expire(ctx, clock.Now())
	if len(gone) != 2 {
		t.Fatalf("expired %d bindings, want 2: %+v", len(gone), gone)
	}
	all, _ := r.All(ctx)
	if len(all) != 1 || all[0].URI != b.URI {
		t.Fatalf("all after expiry: %+v", all)
	}
	if d, ok, _ := r.Delete(ctx, "1001", b.URI); !ok || d.URI != b.URI {
		t.Fatal("delete did not return the binding")
	}
	if all, _ := r.All(ctx); len(all) != 0 {
		t.Fatalf("registry not empty: %+v", all)
	}
}
