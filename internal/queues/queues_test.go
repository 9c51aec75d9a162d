package queues_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func TestQueuesFeedTheEngine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := org.NewService(db)
		o.Hasher = password.Fast
		o.SyncBuiltinRoles(ctx)
		role, _ := o.RoleByKey(ctx, org.RoleAgent)
		var users []int64
		for _, n := range []string{"a1", "a2"} {
			u, err := o.CreateUser(ctx, org.System(), org.UserInput{Username: n, DisplayName: n, Password: "password1", RoleID: role.ID})
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u.ID)
		}
		eng := acd.New(&clock{time.Now()}, nil, acd.Options{})
		s := queues.New(db)
		s.Engine = eng
		sys := org.System()
		q, err := s.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: "sales", Strategy: acd.LongestIdle, WrapUpSec: 5},
			Survey: true, Members: []queues.Member{{UserID: users[0]}, {UserID: users[1], Penalty: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if q.SurveyScale != 5 || q.Language != "zh-CN" || len(q.Members) != 2 {
			t.Fatalf("saved %+v", q)
		}
		st, err := eng.QueueStatus(q.ID)
		if err != nil || st.Name != "sales" {
			t.Fatalf("engine queue: %+v %v", st, err)
		}
		if _, err := s.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: "sales"}}); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("duplicate queue: %v", err)
		}
		if _, err := s.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: "bad", Strategy: "random"}}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("bad strategy: %v", err)
		}
		// Agent routing: skills and memberships, validated.
		ag, err := s.SetAgent(ctx, sys, queues.Agent{UserID: users[0], Skills: map[string]int{"english": 7},
			Queues: []acd.Membership{{QueueID: q.ID}}})
		if err != nil || ag.Skills["english"] != 7 || len(ag.Queues) != 1 {
			t.Fatalf("set agent: %+v %v", ag, err)
		}
		if _, err := s.SetAgent(ctx, sys, queues.Agent{UserID: users[0], Skills: map[string]int{"english": 11}}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("skill level 11 accepted: %v", err)
		}
		// Updating without Members keeps them; the reloaded queue is complete.
		q.MaxWaiting = 3
		q.Members = nil
		q2, err := s.Save(ctx, sys, *q)
		if err != nil || len(q2.Members) != 2 || q2.MaxWaiting != 3 {
			t.Fatalf("update: %+v %v", q2, err)
		}
		// A fresh engine loads everything at start.
		eng2 := acd.New(&clock{time.Now()}, nil, acd.Options{})
		s.Engine = eng2
		if err := s.LoadAll(ctx); err != nil {
			t.Fatal(err)
		}
		if err := eng2.Login(users[0]); err != nil {
			t.Fatalf("agent not loaded: %v", err)
		}
		if err := s.Delete(ctx, sys, q.ID); err != nil {
			t.Fatal(err)
		}
	})
}
