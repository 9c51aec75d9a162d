package recording_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func TestRecordingLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := recording.New(db, t.TempDir())
		s.Node = "node-a"
		t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		mk := func(call string, agent, team int64, at time.Time) int64 {
			abs, rel, err := s.NewPath(call, at)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(abs, []byte("RIFF"), 0o600); err != nil {
				t.Fatal(err)
			}
			id, err := s.Start(ctx, recording.Recording{CallID: call, Path: rel, StartedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Finish(ctx, id, recording.Recording{EndedAt: at.Add(time.Minute), DurationMS: 60000, SizeBytes: 960044,
				AgentID: agent, TeamID: team, Parties: []recording.Party{{Channel: "left", Who: "caller 1380", From: at},
					{Channel: "right", Who: "agent 1001", AgentID: agent, From: at.Add(time.Second)}}})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		a := mk("call-a", 11, 1, t0)
		b := mk("call-b", 12, 2, t0.Add(24*time.Hour))
		own := org.Scope{Kind: org.ScopeOwn, UserID: 11}
		team := org.Scope{Kind: org.ScopeTeam, UserID: 99, TeamID: 2}
		if r, err := s.Get(ctx, own, a); err != nil || len(r.Parties) != 2 || r.DurationMS != 60000 {
			t.Fatalf("own recording: %+v %v", r, err)
		}
		if _, err := s.Get(ctx, own, b); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("agent read another's recording: %v", err)
		}
		if list, n, _ := s.List(ctx, team, recording.Filter{}); n != 1 || list[0].CallID != "call-b" {
			t.Fatalf("team list %d %+v", n, list)
		}
		// Retention removes the older one, file and row.
		n, err := s.Purge(ctx, t0.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if _, err := os.Stat(filepath.Join(s.Dir, "2026-05-01", "call-a.wav")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("purged file still there: %v", err)
		}
		// A recording left unfinished by a crash is repaired at start — only
		// this node's.
		_, rel, _ := s.NewPath("call-c", t0)
		c, _ := s.Start(ctx, recording.Recording{CallID: "call-c", Path: rel, StartedAt: t0})
		other := recording.New(db, s.Dir)
		other.Node = "node-b"
		_, rel2, _ := other.NewPath("call-d", t0)
		d, _ := other.Start(ctx, recording.Recording{CallID: "call-d", Path: rel2, StartedAt: t0})
		repaired, err := s.RepairUnfinished(ctx, func(path string) (time.Duration, int64, error) { return 42 * time.Second, 336044, nil })
		if err != nil || repaired != 1 {
			t.Fatalf("repair: %d %v", repaired, err)
		}
		all := org.Scope{Kind: org.ScopeAll}
		rc, _ := s.Get(ctx, all, c)
		rd, _ := s.Get(ctx, all, d)
		if !rc.Repaired || rc.DurationMS != 42000 || rc.EndedAt.IsZero() || rd.Repaired || !rd.EndedAt.IsZero() {
			t.Fatalf("repaired %+v / other node's %+v", rc, rd)
		}
		if err := s.Delete(ctx, org.System(), b); err != nil {
			t.Fatal(err)
		}
	})
}
