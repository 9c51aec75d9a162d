package reportexport

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

// Routes are the export endpoints (an api.Module).
func (s *Service) Routes() []api.Route {
	return []api.Route{
		{Method: "POST", Path: "/reports/exports", Summary: "Export a report (the parameters of GET /reports, plus format) to CSV or XLSX in the background",
			Tag: "reports", Perm: PermExport, Status: http.StatusAccepted, Resp: Job{}, Query: createParams(), Handle: s.handleCreate},
		{Method: "GET", Path: "/reports/exports", Summary: "Your report exports, newest first (kept for the retention, 24 h)", Tag: "reports",
			Perm: PermExport, Resp: []Job{}, Handle: s.handleList},
		{Method: "GET", Path: "/reports/exports/{id}", Summary: "One of your report exports: status and progress", Tag: "reports",
			Perm: PermExport, Resp: Job{}, Handle: s.handleGet},
		{Method: "GET", Path: "/reports/exports/{id}/file", Summary: "Download a finished report export", Tag: "reports",
			Perm: PermExport, Handle: s.handleFile},
	}
}

func createParams() []api.Param {
	p := func(name, typ, desc string) api.Param { return api.Param{Name: name, Type: typ, Desc: desc} }
	return []api.Param{p("format", "string", "csv or xlsx (default xlsx)"), p("lang", "string", "en or zh-CN (default: the UI language)"),
		p("from", "string", "date (inclusive) or RFC 3339"), p("to", "string", "date (inclusive) or RFC 3339"),
		p("interval", "string", "15m, 30m, 60m, day, week, month, total, hour_of_day"),
		p("group_by", "string", "queue, agent, team, department, direction, number, campaign, source, level"),
		p("queue", "string", "repeatable"), p("agent_id", "integer", "repeatable"), p("team_id", "integer", "repeatable"),
		p("department_id", "integer", "repeatable"), p("direction", "string", ""), p("source", "string", "customer source"),
		p("level", "string", "customer level"), p("custom.KEY", "string", "customer custom field")}
}

func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	if err := formIntoQuery(r); err != nil {
		return err
	}
	set, err := s.Reports.Settings(r.Context())
	if err != nil {
		return err
	}
	q, err := report.ParseQuery(r, set.Location())
	if err != nil {
		return err
	}
	v := r.URL.Query()
	format := v.Get("format")
	if format == "" {
		format = "xlsx"
	}
	lang, err := requestLang(r, a)
	if err != nil {
		return err
	}
	v.Del("format")
	v.Del("lang")
	v.Del("csrf_token")
	j, err := s.Create(r.Context(), a, q, v.Encode(), format, lang)
	if err != nil {
		return err
	}
	w.Header().Set("Location", api.Prefix+"/reports/exports/"+strconv.FormatInt(j.ID, 10))
	httpx.WriteJSON(w, http.StatusAccepted, j)
	return nil
}

// formIntoQuery lets a form post carry the parameters in its body, as the
// URL would.
func formIntoQuery(r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("body", "not a form: %v", err)
	}
	r.URL.RawQuery = r.Form.Encode()
	return nil
}

// requestLang is the export's language: the lang parameter, else the UI
// language (its cookie), else the user's saved one, else the browser's.
func requestLang(r *http.Request, a *org.Actor) (string, error) {
	if l := r.URL.Query().Get("lang"); l != "" {
		if !web.ValidLang(l) {
			return "", apperr.Invalid("lang", "en or zh-CN")
		}
		return l, nil
	}
	if c, err := r.Cookie(web.LangCookie); err == nil && web.ValidLang(c.Value) {
		return c.Value, nil
	}
	if web.ValidLang(a.Locale) {
		return a.Locale, nil
	}
	if l := web.Negotiate(r.Header.Get("Accept-Language")); l != "" {
		return l, nil
	}
	return LangEN, nil
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	js, err := s.List(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, js)
	return nil
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	j, err := s.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, j)
	return nil
}

func (s *Service) handleFile(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	j, err := s.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	switch {
	case j.Status == StatusFailed:
		return apperr.Conflict("export_failed", "the export failed: %s", j.Error)
	case j.Status != StatusDone:
		return apperr.Conflict("export_not_ready", "the export is %s (%d%%); download it when it is done", j.Status, j.Progress)
	case j.node != s.Node:
		return apperr.Conflict("export_elsewhere", "the file is kept by server node %s; download it through that node", j.node)
	}
	f, err := os.Open(filepath.Join(s.Dir, filepath.Base(j.path)))
	if err != nil {
		return apperr.NotFound("export file")
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", contentType(j.Format))
	h.Set("Content-Disposition", ContentDisposition(j.FileName))
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, j.FileName, st.ModTime(), f)
	return nil
}

func contentType(format string) string {
	if format == "xlsx" {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}
