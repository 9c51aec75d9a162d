package reportexport_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/reportexport"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// env is a running Hotline (app.Open, served by httptest) with its export
// workers running, the fixture's call center and an API token per user.
type env struct {
	t      *testing.T
	app    *app.App
	url    string
	f      *reportexport.Fixture
	tokens map[string]string
}

func start(t *testing.T, dbURL string) *env {
	t.Helper()
	cfg := config.ForTest(t.TempDir())
	cfg.DatabaseURL = dbURL
	cfg.AdminPassword = "admin-password-1"
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Org.Hasher = password.Fast
	srv := httptest.NewServer(a.Handler())
	// Serve starts the workers through runManagement; this test serves
	// the handler itself, so it starts them the same way.
	ctx, cancel := context.WithCancel(context.Background())
	a.Mgmt.Exports.Poll = 50 * time.Millisecond
	done := make(chan struct{})
	go func() { a.Mgmt.Exports.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
		a.Close()
	})
	e := &env{t: t, app: a, url: srv.URL, f: reportexport.NewFixture(t, a.DB, a.Org, a.Mgmt.Reports), tokens: map[string]string{}}
	for _, u := range []string{"agent-a", "lead-a", "sup", "admin2", "admin3"} {
		tok, _, err := a.Auth.CreateToken(context.Background(), e.f.Actor(u), "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u] = tok
	}
	return e
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) code() string {
	var b struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(r.body, &b)
	return b.Error.Code
}

func (e *env) do(who, method, path, ctype, body string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+api.Prefix+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, raw}
}

func (e *env) job(r resp) reportexport.Job {
	e.t.Helper()
	var j reportexport.Job
	if err := json.Unmarshal(r.body, &j); err != nil {
		e.t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	return j
}

// post starts an export and checks the 202 and its job.
func (e *env) post(who, params string) reportexport.Job {
	e.t.Helper()
	r := e.do(who, "POST", "/reports/exports?"+params, "", "")
	if r.status != http.StatusAccepted {
		e.t.Fatalf("POST as %s: %d %s", who, r.status, r.body)
	}
	j := e.job(r)
	if loc := r.header.Get("Location"); loc != api.Prefix+"/reports/exports/"+strconv.FormatInt(j.ID, 10) {
		e.t.Errorf("Location %q", loc)
	}
	return j
}

// wait polls a job, as the report page does, until it ends.
func (e *env) wait(who string, id int64) reportexport.Job {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := e.do(who, "GET", "/reports/exports/"+strconv.FormatInt(id, 10), "", "")
		if r.status != http.StatusOK {
			e.t.Fatalf("GET job: %d %s", r.status, r.body)
		}
		j := e.job(r)
		if j.Status == reportexport.StatusDone || j.Status == reportexport.StatusFailed {
			return j
		}
		if j.Progress < 0 || j.Progress > 100 || time.Now().After(deadline) {
			e.t.Fatalf("job %+v", j)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) report(who string, q report.Query) *report.Result {
	e.t.Helper()
	res, err := e.app.Mgmt.Reports.Report(context.Background(), e.f.Actor(who), q)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// TestExports runs, on a started app of each dialect: the API's
// permissions, an export of a month to Excel and CSV read back against the
// report, the jobs' ownership, failures and bad requests, the audit; then
// the service's own phases (round trips, queueing, restart, retention).
func TestExports(t *testing.T) {
	for dialect, dbURL := range storetest.URLs(t) {
		t.Run(dialect, func(t *testing.T) {
			e := start(t, dbURL(t))
			permissions(t, e)
			lead, admin := exportMonth(t, e)
			ownership(t, e, lead, admin)
			failures(t, e)
			es, _, err := audit.List(context.Background(), e.app.DB, audit.Filter{Resource: "report_exports"})
			if err != nil || len(es) != 3 {
				t.Fatalf("audit of the three exports written: %+v %v", es, err)
			}
			// The service's own tests run on the same call center (one
			// database per dialect keeps the package fast).
			reportexport.ServicePhases(t, e.f)
		})
	}
}

// permissions: an agent (reports:view, not reports:export) gets 403 from
// every export endpoint.
func permissions(t *testing.T, e *env) {
	for _, c := range [][2]string{{"POST", "/reports/exports?from=2026-03-01&to=2026-03-31"}, {"GET", "/reports/exports"},
		{"GET", "/reports/exports/1"}, {"GET", "/reports/exports/1/file"}} {
		if r := e.do("agent-a", c[0], c[1], "", ""); r.status != http.StatusForbidden {
			t.Errorf("agent %s %s: %d %s", c[0], c[1], r.status, r.body)
		}
	}
}

// exportMonth: the acceptance path — a team leader exports March to
// Excel, by agent, in Chinese; the administrator to CSV. The files
// download under their names and read back equal to each one's report.
func exportMonth(t *testing.T, e *env) (lead, admin reportexport.Job) {
	lead = e.post("lead-a", "from=2026-03-01&to=2026-03-31&interval=day&group_by=agent&format=xlsx&lang=zh-CN")
	var raw map[string]any
	json.Unmarshal(e.do("lead-a", "GET", "/reports/exports/"+strconv.FormatInt(lead.ID, 10), "", "").body, &raw)
	for _, k := range []string{"id", "status", "progress", "error", "created_at", "finished_at", "format", "file_name", "size"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("the job has no %q: %v", k, raw)
		}
	}
	if lead.Status != reportexport.StatusQueued || lead.FileName != "话务报表_2026-03-01_2026-03-31.xlsx" || lead.Format != "xlsx" {
		t.Errorf("new job %+v", lead)
	}
	admin = e.post("admin2", "from=2026-03-01&to=2026-03-31&format=csv&lang=en")
	lead, admin = e.wait("lead-a", lead.ID), e.wait("admin2", admin.ID)
	for _, j := range []reportexport.Job{lead, admin} {
		if j.Status != reportexport.StatusDone || j.Progress != 100 || j.Size == 0 || j.FinishedAt == nil {
			t.Fatalf("job %+v", j)
		}
	}
	r := e.do("lead-a", "GET", lead.DownloadURL[len(api.Prefix):], "", "")
	if r.status != http.StatusOK || r.header.Get("Content-Disposition") != reportexport.ContentDisposition(lead.FileName) ||
		!strings.Contains(r.header.Get("Content-Disposition"), "filename*=UTF-8''%E8%AF%9D%E5%8A%A1%E6%8A%A5%E8%A1%A8_2026-03-01_2026-03-31.xlsx") ||
		r.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		int64(len(r.body)) != lead.Size {
		t.Fatalf("download: %d %v (%d bytes)", r.status, r.header, len(r.body))
	}
	res := e.report("lead-a", e.f.Month(report.GroupAgent))
	reportexport.CheckXLSX(t, r.body, res, reportexport.LangZH)
	if res.Total.Values["total_calls"].V != 4 {
		t.Errorf("the leader's month has %v calls, not their team's 4", res.Total.Values["total_calls"].V)
	}
	r = e.do("admin2", "GET", "/reports/exports/"+strconv.FormatInt(admin.ID, 10)+"/file", "", "")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV download: %d %v", r.status, r.header)
	}
	res = e.report("admin2", e.f.Month(report.GroupNone))
	reportexport.CheckCSV(t, r.body, res, reportexport.LangEN)
	if res.Total.Values["total_calls"].V != 10 {
		t.Errorf("the center's month has %v calls", res.Total.Values["total_calls"].V)
	}
	return lead, admin
}

// ownership: a job and its file belong to whoever started it; anyone
// else — also an administrator — gets 404, and lists only their own.
func ownership(t *testing.T, e *env, lead, admin reportexport.Job) {
	id := "/reports/exports/" + strconv.FormatInt(lead.ID, 10)
	for _, who := range []string{"sup", "admin2", "admin3"} {
		for _, p := range []string{id, id + "/file"} {
			if r := e.do(who, "GET", p, "", ""); r.status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d %s", who, p, r.status, r.body)
			}
		}
	}
	for who, want := range map[string]int64{"lead-a": lead.ID, "admin2": admin.ID} {
		var js []reportexport.Job
		json.Unmarshal(e.do(who, "GET", "/reports/exports", "", "").body, &js)
		if len(js) != 1 || js[0].ID != want {
			t.Errorf("%s lists %+v", who, js)
		}
	}
}

// failures: a query the engine refuses fails its job with the reason; bad
// parameters are refused at once; a form post carries the parameters too.
func failures(t *testing.T, e *env) {
	j := e.wait("lead-a", e.post("lead-a", "from=2026-01-01&to=2026-03-31&interval=15m&format=csv").ID)
	if j.Status != reportexport.StatusFailed || !strings.Contains(j.Error, "31 days") || j.DownloadURL != "" {
		t.Errorf("the 15-minute quarter: %+v", j)
	}
	if r := e.do("lead-a", "GET", "/reports/exports/"+strconv.FormatInt(j.ID, 10)+"/file", "", ""); r.status != http.StatusConflict ||
		r.code() != "export_failed" {
		t.Errorf("the failed job's file: %d %s", r.status, r.body)
	}
	for _, p := range []string{"from=2026-03-01&to=2026-03-31&format=pdf", "to=2026-03-31", "from=2026-03-01&to=2026-03-31&lang=fr",
		"from=yesterday&to=2026-03-31"} {
		if r := e.do("admin3", "POST", "/reports/exports?"+p, "", ""); r.status != http.StatusBadRequest {
			t.Errorf("POST ?%s: %d %s", p, r.status, r.body)
		}
	}
	form := url.Values{"from": {"2026-03-02"}, "to": {"2026-03-03"}, "interval": {"total"}, "format": {"csv"}}
	r := e.do("admin3", "POST", "/reports/exports", "application/x-www-form-urlencoded", form.Encode())
	if r.status != http.StatusAccepted {
		t.Fatalf("form post: %d %s", r.status, r.body)
	}
	fj := e.job(r)
	if fj.Query.Interval != report.IntTotal || fj.FileName != "call-report_2026-03-02_2026-03-03.csv" {
		t.Errorf("form post job %+v", fj)
	}
	if fj = e.wait("admin3", fj.ID); fj.Status != reportexport.StatusDone {
		t.Errorf("form post job %+v", fj)
	}
}
