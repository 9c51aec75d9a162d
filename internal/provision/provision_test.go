package provision_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/examples"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/provision"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func deps(t *testing.T, db *store.DB) provision.Deps {
	o := org.NewService(db)
	o.Hasher = password.Fast
	if err := o.SyncBuiltinRoles(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := pbx.NewService(db)
	q := queues.New(db)
	flows := ivr.NewFlowStore(db)
	p.Check = func(ctx context.Context, kind pbx.RouteKind, target string) error {
		if kind == pbx.RouteQueue {
			_, err := q.ByName(ctx, target)
			return err
		}
		_, err := flows.GetByName(ctx, target)
		return err
	}
	return provision.Deps{DB: db, Org: o, PBX: p, Queues: q, DataDir: t.TempDir()}
}

func env(k string) string {
	if k == "HOTLINE_DEMO_PASSWORD" {
		return `pa"ss\word-1`
	}
	return ""
}

func TestDemoAppliesIdempotently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t, db)
		doc, err := provision.Parse("demo.yaml", examples.Demo, env)
		if err != nil {
			t.Fatal(err)
		}
		r1, err := provision.Apply(ctx, d, doc, org.System())
		if err != nil {
			t.Fatalf("first apply: %v (report %+v)", err, r1)
		}
		if len(r1.Created) == 0 || len(r1.Updated) != 0 {
			t.Fatalf("first apply: %+v", r1)
		}
		r2, err := provision.Apply(ctx, d, doc, org.System())
		if err != nil {
			t.Fatal(err)
		}
		if len(r2.Created) != 0 || len(r2.Updated) != 0 || len(r2.Unchanged) != len(r1.Created) {
			t.Fatalf("second apply changed things: %+v", r2)
		}
		// The password with quotes and a backslash survived ${} expansion.
		acct, err := d.PBX.Account(ctx, "1003")
		want, _ := pbx.HA1("1003", pbx.Realm, `pa"ss\word-1`)
		if err != nil || acct.HA1MD5 != want {
			t.Fatalf("extension 1003: %+v %v", acct, err)
		}
		n, err := d.PBX.Lookup(ctx, "8000")
		if err != nil || n.RouteTarget != "main" {
			t.Fatalf("8000: %+v %v", n, err)
		}
		q, err := d.Queues.ByName(ctx, "support")
		if err != nil || len(q.Members) != 5 || q.WrapUpSec != 3 || !q.Survey {
			t.Fatalf("support queue: %+v %v", q, err)
		}
		c, _ := d.Org.CredentialFor(ctx, "agent1001")
		ag, _ := d.Queues.Agent(ctx, c.UserID)
		if ag.Skills["english"] != 6 || len(ag.Queues) != 2 {
			t.Fatalf("agent1001 routing: %+v", ag)
		}
		// A change in the file is an update, and only that.
		doc.Queues[0].WrapUpSec = 10
		r3, err := provision.Apply(ctx, d, doc, org.System())
		if err != nil || len(r3.Updated) != 1 || r3.Updated[0] != "queue:sales" {
			t.Fatalf("third apply: %+v %v", r3, err)
		}
	})
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown section", "extensions: []\nphones: []\n", "line 2"},
		{"unset variable", "extensions:\n  - {number: \"1001\", password: \"${NOPE}\"}\n", "NOPE"},
		{"bad flow", "numbers: []\nflows:\n  - name: x\n    start: a\n    nodes:\n      a: {type: play, next: missing}\n", "x.yaml:6"},
		{"empty", "", "empty"},
		{"duplicate user", "users:\n  - {username: a}\n  - {username: a}\n", "twice"},
	}
	for _, c := range cases {
		_, err := provision.Parse("x.yaml", []byte(c.yaml), env)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
		if err != nil && apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("%s: error kind %d, want invalid", c.name, apperr.KindOf(err))
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(examples.Demo)
	f.Add([]byte("users:\n  - {username: a, skills: {x: 3}}\nqueues:\n  - {name: q, members: [a]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		provision.Parse("fuzz.yaml", data, env)
	})
}

// The demo flow the tests of internal/ivr use as a fixture is the one
// shipped in examples/demo.yaml.
func TestDemoFlowMatchesIVRFixture(t *testing.T) {
	doc, err := provision.Parse("demo.yaml", examples.Demo, env)
	if err != nil {
		t.Fatal(err)
	}
	var main *ivr.Flow
	for _, f := range doc.Flows {
		if f.Name == ivr.DemoFlowName {
			main = f
		}
	}
	if main == nil {
		t.Fatal("demo.yaml has no main flow")
	}
	a, _ := json.Marshal(main)
	b, _ := json.Marshal(ivr.DemoFlow())
	if string(a) != string(b) {
		t.Fatalf("demo.yaml's flow differs from ivr.DemoFlow():\n%s\n%s", a, b)
	}
}
