package crm

import (
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func TestCustomerCRUDAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		fd := must[*Field](t)(f.svc.CreateField(ctx, f.admin, FieldInput{Key: "budget", Label: "预算 Budget", Kind: FieldNumber}))
		must[*Field](t)(f.svc.CreateField(ctx, f.admin, FieldInput{Key: "industry", Label: "行业", Kind: FieldChoice, Choices: []string{"教育", "医疗"}}))
		c, err := f.svc.Create(ctx, f.agentA1, CustomerInput{Name: "张三丰", Phones: []string{"138 0013 8000", "021-12345678"},
			Company: "武当科技", Level: "A", Source: "来电", Status: "跟进中", Tags: []string{"VIP, 老客户"},
			Custom: map[string]string{"budget": "12,000", "industry": "教育"}})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(c.Phones, " ") != "+8613800138000 +862112345678" || c.Source != "inbound" || c.Status != "following" ||
			c.OwnerID != f.agentA1.UserID || c.TeamID != f.teamA1 || c.DepartmentID != f.deptA ||
			c.Custom["budget"] != "12000" || strings.Join(c.Tags, ",") != "VIP,老客户" {
			t.Fatalf("created %+v", c)
		}
		_ = fd
		// Search by any part of the name (Chinese), the company, any form of a number.
		for _, q := range []string{"三丰", "张", "武当", "0013 8000", "13800138000", "+86 138", "2112345", "021-1234", "vip", "老客户"} {
			got, n, err := f.svc.Customers(ctx, f.agentA1, Filter{Q: q})
			if err != nil || n != 1 || got[0].ID != c.ID {
				t.Errorf("search %q: %d results %v", q, n, err)
			}
		}
		if _, n, _ := f.svc.Customers(ctx, f.agentA1, Filter{Q: "李四"}); n != 0 {
			t.Errorf("search 李四 found %d", n)
		}
		if _, n, _ := f.svc.Customers(ctx, f.agentA1, Filter{Q: "%"}); n != 0 {
			t.Errorf("search %% matched everything: %d", n)
		}
		// Bad input is refused with the field at fault.
		bad := []struct {
			in    CustomerInput
			field string
			code  string
		}{
			{CustomerInput{Phones: []string{"13900139000"}}, "name", CodeRequired},
			{CustomerInput{Name: "x"}, "phones", CodeRequired},
			{CustomerInput{Name: "x", Phones: []string{"garbage"}}, "phones", CodeBadPhone},
			{CustomerInput{Name: "x", Phones: []string{"13900139000"}, Level: "Z"}, "level", CodeBadChoice},
			{CustomerInput{Name: "x", Phones: []string{"13900139000"}, Custom: map[string]string{"budget": "lots"}}, "custom.budget", CodeBadValue},
			{CustomerInput{Name: "x", Phones: []string{"13900139000"}, Custom: map[string]string{"industry": "金融"}}, "custom.industry", CodeBadChoice},
			{CustomerInput{Name: "x", Phones: []string{"13900139000"}, Custom: map[string]string{"nope": "1"}}, "custom.nope", "invalid"},
		}
		for _, b := range bad {
			_, err := f.svc.Create(ctx, f.agentA1, b.in)
			e := apperr.As(err)
			if e == nil || e.Field != b.field || e.Code != b.code {
				t.Errorf("create %+v: %v, want field %s code %s", b.in, err, b.field, b.code)
			}
		}
		// Duplicates by phone name the other customer when visible, not otherwise.
		_, err = f.svc.Create(ctx, f.agentA1b, CustomerInput{Name: "dup", Phones: []string{"+86 138-0013-8000"}})
		wantCode(t, "duplicate seen by a teammate", err, CodeDuplicatePhone)
		if strings.Contains(err.Error(), "张三丰") {
			t.Errorf("an agent learned the name of a customer outside their scope: %v", err)
		}
		_, err = f.svc.Create(ctx, f.leadA1, CustomerInput{Name: "dup", Phones: []string{"8613800138000"}})
		wantCode(t, "duplicate seen by the leader", err, CodeDuplicatePhone)
		if !strings.Contains(err.Error(), "张三丰") {
			t.Errorf("the leader's duplicate error does not name the customer: %v", err)
		}
		// Update: status change is progress, phones are replaced.
		f.clock.Add(3600e9)
		up, err := f.svc.Update(ctx, f.agentA1, c.ID, CustomerInput{Name: "张三丰", Phones: []string{"13800138000", "13900139000"},
			Status: "won", Custom: map[string]string{"budget": "1", "industry": "医疗"}})
		if err != nil {
			t.Fatal(err)
		}
		if up.Status != "won" || !up.ProgressAt.Equal(f.clock.Now()) || len(up.Phones) != 2 {
			t.Fatalf("updated %+v", up)
		}
		if got, _ := f.svc.Lookup(ctx, f.agentA1, "021 1234 5678"); len(got) != 0 {
			t.Error("the removed landline still finds the customer")
		}
		if got, _ := f.svc.Lookup(ctx, f.agentA1, "139-0013-9000"); len(got) != 1 {
			t.Error("the new number does not find the customer")
		}
		// Scope: others get 404 for reads and writes.
		for _, a := range []*org.Actor{f.agentA1b, f.agentA2, f.agentB, f.leadA1, f.supA} {
			_, err := f.svc.Customer(ctx, a, c.ID)
			want := a == f.leadA1 || a == f.supA
			if (err == nil) != want {
				t.Errorf("%s reads the customer: %v", a.Username, err)
			}
			if !want && apperr.KindOf(err) != apperr.KindNotFound {
				t.Errorf("%s: %v, want not found", a.Username, err)
			}
			if _, err := f.svc.Update(ctx, a, c.ID, CustomerInput{Name: "x", Phones: []string{"13700137000"}}); (err == nil) != want {
				t.Errorf("%s updates the customer: %v", a.Username, err)
			}
		}
		// Timeline: created and updated events.
		items := must[[]TimelineItem](t)(f.svc.Timeline(ctx, f.agentA1, c.ID, 0))
		if len(items) < 2 || items[len(items)-1].Code != EventCreated {
			t.Fatalf("timeline %+v", items)
		}
		if err := f.svc.Delete(ctx, f.agentA1b, c.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("a teammate deleted: %v", err)
		}
		if err := f.svc.Delete(ctx, f.agentA1, c.ID); err != nil {
			t.Fatal(err)
		}
		// The number is free again.
		f.customer(f.agentB, "新客户", "13800138000")
	})
}
