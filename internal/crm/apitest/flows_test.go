package apitest

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/httpx"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestListsFollowTheScope: each role lists what its scope holds.
func TestListsFollowTheScope(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *crmtest.Env) {
		o := e.MakeOrg()
		u := o.Users
		for i, who := range []string{"agent-a1", "agent-a1", "agent-a1b", "agent-a2", "agent-b"} {
			r := e.Do(u[who], "POST", "/customers", map[string]any{"name": fmt.Sprintf("客户%d", i), "phones": []string{fmt.Sprintf("1380000100%d", i)}})
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
		}
		for who, want := range map[string]int{"agent-a1": 2, "agent-a1b": 1, "lead-a1": 3, "sup-a": 4, "sup-b": 1, "admin1": 5} {
			var l httpx.List[crm.Customer]
			e.Do(u[who], "GET", "/customers", nil).JSON(t, &l)
			if l.Total != want {
				t.Errorf("%s lists %d customers, want %d", who, l.Total, want)
			}
		}
		var qs []crm.Quota
		e.Do(u["lead-a1"], "GET", "/crm/quotas", nil).JSON(t, &qs)
		if len(qs) != 3 { // lead-a1, agent-a1, agent-a1b
			t.Errorf("the leader sees quotas of %d users: %+v", len(qs), qs)
		}
	})
}

// TestCustomerFlowOverHTTP: create with messy numbers, search in Chinese
// and by digits, duplicates named, notes, tasks due, claims racing over HTTP.
func TestCustomerFlowOverHTTP(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *crmtest.Env) {
		o := e.MakeOrg()
		u := o.Users
		var c crm.Customer
		r := e.Do(u["agent-a1"], "POST", "/customers", map[string]any{"name": "欧阳娜娜", "phones": []string{"+86 138-0013-8000", "(021) 1234 5678"},
			"level": "A", "status": "跟进中", "tags": []string{"VIP"}})
		r.JSON(t, &c)
		if r.Status != 201 || c.Phones[0] != "+8613800138000" || c.Phones[1] != "+862112345678" || c.Status != "following" {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		for _, q := range []string{"阳娜", "0013%208000", "12345678"} {
			var l httpx.List[crm.Customer]
			e.Do(u["agent-a1"], "GET", "/customers?q="+q, nil).JSON(t, &l)
			if l.Total != 1 {
				t.Errorf("search %s: %d", q, l.Total)
			}
		}
		r = e.Do(u["agent-a1"], "POST", "/customers", map[string]any{"name": "x", "phones": []string{"not a phone"}})
		if r.Status != 400 || r.Code() != crm.CodeBadPhone {
			t.Errorf("bad phone: %d %s", r.Status, r.Body)
		}
		r = e.Do(u["lead-a1"], "POST", "/customers", map[string]any{"name": "x", "phones": []string{"13800138000"}})
		if r.Status != 409 || r.Code() != crm.CodeDuplicatePhone || !strings.Contains(string(r.Body), "欧阳娜娜") {
			t.Errorf("duplicate: %d %s", r.Status, r.Body)
		}
		var found []crm.Customer
		e.Do(u["agent-a1"], "GET", "/customers/lookup?phone=021-12345678", nil).JSON(t, &found)
		if len(found) != 1 || found[0].ID != c.ID {
			t.Errorf("lookup: %+v", found)
		}
		// Tasks: the reminder endpoint the desktop polls.
		soon := time.Now().Add(5 * time.Minute).UTC().Format(time.RFC3339)
		late := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		for _, due := range []string{soon, late, time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)} {
			if r := e.Do(u["agent-a1"], "POST", "/tasks", map[string]any{"customer_id": c.ID, "kind": "return_visit", "due_at": due}); r.Status != 201 {
				t.Fatalf("task: %d %s", r.Status, r.Body)
			}
		}
		var d crm.DueTasks
		r = e.Do(u["agent-a1"], "GET", "/tasks/due?within=10m", nil)
		r.JSON(t, &d)
		if r.Status != 200 || len(d.Overdue) != 1 || len(d.DueSoon) != 1 {
			t.Fatalf("due: %d %s", r.Status, r.Body)
		}
		if r := e.Do(u["agent-a1"], "GET", "/tasks/due?within=soon", nil); r.Status != 400 {
			t.Errorf("bad window: %d", r.Status)
		}
		var ov crm.Overdue
		e.Do(u["lead-a1"], "GET", "/tasks/overdue", nil).JSON(t, &ov)
		if len(ov.ByAgent) != 1 || ov.ByAgent[0].Count != 1 {
			t.Errorf("overdue for the leader: %+v", ov)
		}
		// Release, then two agents claim at once over HTTP: one wins.
		if r := e.Do(u["agent-a1"], "POST", fmt.Sprintf("/customers/%d/release", c.ID), map[string]any{"reason": "换人跟进"}); r.Status != 200 {
			t.Fatalf("release: %d %s", r.Status, r.Body)
		}
		var wg sync.WaitGroup
		results := make([]crmtest.Resp, 2)
		for i, who := range []string{"agent-a1b", "agent-b"} {
			wg.Add(1)
			go func(i int, who string) {
				defer wg.Done()
				results[i] = e.Do(u[who], "POST", "/pool/claim", map[string]any{"customer_ids": []int64{c.ID}})
			}(i, who)
		}
		wg.Wait()
		if results[0].Status+results[1].Status != 200+409 {
			t.Fatalf("racing claims: %d %s / %d %s", results[0].Status, results[0].Body, results[1].Status, results[1].Body)
		}
		for _, res := range results {
			if res.Status == 409 && res.Code() != crm.CodeAlreadyClaimed {
				t.Errorf("loser's error: %s", res.Body)
			}
		}
		// Export: a CSV file download.
		r = e.Do(u["admin1"], "GET", "/customers/export?format=csv&lang=zh-CN", nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") || !bytes.Contains(r.Body, []byte("欧阳娜娜")) {
			t.Fatalf("export: %d %v %s", r.Status, r.Header, r.Body)
		}
		if r := e.Do(u["admin1"], "GET", "/customers/export?format=pdf", nil); r.Status != 400 || r.Header.Get("Content-Disposition") != "" {
			t.Errorf("bad format: %d %v", r.Status, r.Header)
		}
		// The allocation log lists the release and the claim.
		var logs httpx.List[crm.Allocation]
		e.Do(u["admin1"], "GET", "/crm/allocations?limit=10", nil).JSON(t, &logs)
		if logs.Total != 2 || logs.Items[0].Action != crm.ActionClaim || logs.Items[1].Action != crm.ActionRelease {
			t.Errorf("log: %+v", logs.Items)
		}
	})
}

// TestImportOverHTTP uploads a CSV as the request body, starts it, polls
// the progress endpoint, reads the report and deletes the batch.
func TestImportOverHTTP(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *crmtest.Env) {
		o := e.MakeOrg()
		sup := o.Users["sup-a"]
		var b strings.Builder
		b.WriteString("客户姓名,手机号码,公司,客户等级\n")
		for i := 0; i < 2000; i++ {
			phone := fmt.Sprintf("135%08d", i)
			if i == 700 {
				phone = "135-123" // bad
			}
			fmt.Fprintf(&b, "客户%d,%s,公司%d,%s\n", i, phone, i%10, []string{"A", "B", "C"}[i%3])
		}
		var batch crm.Batch
		r := e.Do(sup, "POST", "/crm/imports?file_name=customers.csv&name=%E4%B8%83%E6%9C%88", []byte(b.String()))
		r.JSON(t, &batch)
		if r.Status != 201 || batch.Name != "七月" || fmt.Sprint(batch.Preview.Mapping) != "[name phones company level]" {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		r = e.Do(sup, "POST", fmt.Sprintf("/crm/imports/%d/start", batch.ID), map[string]any{"mapping": batch.Preview.Mapping, "mode": "lenient"})
		if r.Status != 202 {
			t.Fatalf("start: %d %s", r.Status, r.Body)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for batch.Status != crm.BatchDone && batch.Status != crm.BatchFailed {
			if time.Now().After(deadline) {
				t.Fatalf("import still %s", batch.Status)
			}
			time.Sleep(50 * time.Millisecond)
			e.Do(sup, "GET", fmt.Sprintf("/crm/imports/%d", batch.ID), nil).JSON(t, &batch)
		}
		if batch.Status != crm.BatchDone || batch.Imported != 1999 || batch.RowsInvalid != 1 || batch.Progress != 100 {
			t.Fatalf("batch %+v", batch)
		}
		var errs httpx.List[crm.ImportError]
		e.Do(sup, "GET", fmt.Sprintf("/crm/imports/%d/errors", batch.ID), nil).JSON(t, &errs)
		if errs.Total != 1 || errs.Items[0].Line != 702 || errs.Items[0].Code != crm.CodeBadPhone {
			t.Fatalf("errors %+v", errs)
		}
		var l httpx.List[crm.Customer]
		e.Do(o.Users["sup-a"], "GET", fmt.Sprintf("/customers?batch_id=%d&limit=1", batch.ID), nil).JSON(t, &l)
		if l.Total != 1999 || l.Items[0].DepartmentID != o.DeptA {
			t.Fatalf("imported customers %d %+v", l.Total, l.Items)
		}
		if r := e.Do(o.Users["sup-b"], "DELETE", fmt.Sprintf("/crm/imports/%d", batch.ID), nil); r.Status != http.StatusNotFound {
			t.Fatalf("another department's supervisor deleted the batch: %d", r.Status)
		}
		var del struct {
			Deleted int `json:"customers_deleted"`
		}
		r = e.Do(sup, "DELETE", fmt.Sprintf("/crm/imports/%d", batch.ID), nil)
		r.JSON(t, &del)
		if r.Status != 200 || del.Deleted != 1999 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		e.Do(sup, "GET", "/customers", nil).JSON(t, &l)
		if l.Total != 0 {
			t.Fatalf("%d customers left after deleting the batch", l.Total)
		}
	})
}
