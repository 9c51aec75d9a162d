package appraisal

import (
	"net/http"
	"strconv"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
)

// Routes are the appraisal endpoints (an api.Module).
type Routes struct{ Svc *Service }

const tag = "appraisal"

// Routes implements api.Module.
func (m Routes) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: "/appraisal/catalog", Summary: "What schemes may use: report metrics per agent, QA figures, complaint counts, rule kinds, measures, comparisons",
			Tag: tag, Perm: PermView, Resp: Catalog{}, Handle: m.catalog},
		{Method: "GET", Path: "/appraisal/schemes", Summary: "Appraisal schemes in their current versions", Tag: tag, Perm: PermView,
			Resp: []Scheme{}, Handle: m.schemes},
		{Method: "POST", Path: "/appraisal/schemes", Summary: "Create a scheme (version 1); its targets must be in your data scope",
			Tag: tag, Perm: PermManage, Body: SchemeInput{}, Resp: Scheme{}, Status: http.StatusCreated, Handle: m.create},
		{Method: "GET", Path: "/appraisal/schemes/{id}", Summary: "A scheme in its current version", Tag: tag, Perm: PermView,
			Resp: Scheme{}, Handle: m.scheme},
		{Method: "PUT", Path: "/appraisal/schemes/{id}", Summary: "Change a scheme: saved as a new version (send the version you changed)",
			Tag: tag, Perm: PermManage, Body: SchemeInput{}, Resp: Scheme{}, Handle: m.update},
		{Method: "DELETE", Path: "/appraisal/schemes/{id}", Summary: "Delete a scheme without closed months (not the last one)",
			Tag: tag, Perm: PermManage, Status: http.StatusNoContent, Handle: m.remove},
		{Method: "GET", Path: "/appraisal/schemes/{id}/versions", Summary: "A scheme's versions, newest first", Tag: tag, Perm: PermView,
			Resp: []Version{}, Handle: m.versions},
		{Method: "GET", Path: "/appraisal/schemes/{id}/versions/{version}", Summary: "One version of a scheme", Tag: tag, Perm: PermView,
			Resp: Version{}, Handle: m.version},
		{Method: "GET", Path: "/appraisal/schemes/{id}/months/{month}", Summary: "A scheme's month (YYYY-MM): every agent in your scope with score, bonus and flags; live until closed",
			Tag: tag, Perm: PermView, Resp: MonthView{}, Handle: m.month},
		{Method: "POST", Path: "/appraisal/schemes/{id}/months/{month}/close", Summary: "Close (freeze) a month that is over",
			Tag: tag, Perm: PermManage, Resp: MonthState{}, Handle: m.close},
		{Method: "POST", Path: "/appraisal/schemes/{id}/months/{month}/reopen", Summary: "Reopen a closed month, with the reason",
			Tag: tag, Perm: PermManage, Body: ReopenInput{}, Resp: MonthState{}, Handle: m.reopen},
		{Method: "GET", Path: "/appraisal/agents/{id}/months/{month}", Summary: "An agent's appraisal of a month: items, raw values, sources, points, manual values and their history",
			Tag: tag, Perm: PermView, Resp: AgentView{}, Handle: m.agent},
		{Method: "PUT", Path: "/appraisal/agents/{id}/months/{month}/manual/{item}", Summary: "Enter or change an agent's value for an item (or commission_count / commission_amount) of an open month",
			Tag: tag, Perm: PermScore, Body: ManualInput{}, Resp: Entry{}, Handle: m.setManual},
		{Method: "DELETE", Path: "/appraisal/agents/{id}/months/{month}/manual/{item}", Summary: "Remove a manual value (note: why)",
			Tag: tag, Perm: PermScore, Status: http.StatusNoContent, Query: []api.Param{{Name: "note", Type: "string", Desc: "why"}},
			Handle: m.deleteManual},
	}
}

func reply(w http.ResponseWriter, status int, v any) error {
	httpx.WriteJSON(w, status, v)
	return nil
}

// Catalog lists what a scheme may refer to.
type Catalog struct {
	Sources     []string        `json:"sources"`
	Metrics     []report.Metric `json:"metrics"` // the report metrics with a figure per agent
	QA          []string        `json:"qa"`
	Complaints  []string        `json:"complaints"`
	RuleKinds   []string        `json:"rule_kinds"`
	Measures    []string        `json:"measures"`
	Comparisons []string        `json:"comparisons"`
	Default     Definition      `json:"default"` // the 120-point model
}

// CatalogOf is the catalog.
func CatalogOf() Catalog {
	c := Catalog{Sources: SourceKinds, QA: QAFigures, Complaints: ComplaintFields, RuleKinds: RuleKinds, Measures: Measures,
		Comparisons: Comparisons, Default: DefaultDefinition()}
	for _, mt := range report.Metrics {
		if perAgent(mt) {
			c.Metrics = append(c.Metrics, mt)
		}
	}
	return c
}

func (m Routes) catalog(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return reply(w, http.StatusOK, CatalogOf())
}

func (m Routes) schemes(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ss, err := m.Svc.Schemes(r.Context())
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, ss)
}

func (m Routes) create(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var in SchemeInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	sc, err := m.Svc.CreateScheme(r.Context(), a, in)
	if err != nil {
		return err
	}
	return reply(w, http.StatusCreated, sc)
}

func (m Routes) scheme(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := m.Svc.Scheme(r.Context(), id)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, sc)
}

func (m Routes) update(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in SchemeInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	sc, err := m.Svc.UpdateScheme(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, sc)
}

func (m Routes) remove(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := m.Svc.DeleteScheme(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (m Routes) versions(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	vs, err := m.Svc.Versions(r.Context(), id)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, vs)
}

func (m Routes) version(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 1 {
		return apperr.Invalid("version", "must be a version number")
	}
	v, err := m.Svc.VersionOf(r.Context(), id, n)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, v)
}

// idMonth reads the {id} and {month} of a path.
func idMonth(r *http.Request) (int64, Month, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, "", err
	}
	mo, err := ParseMonth(r.PathValue("month"))
	return id, mo, err
}

func (m Routes) month(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, mo, err := idMonth(r)
	if err != nil {
		return err
	}
	v, err := m.Svc.Month(r.Context(), a, id, mo)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, v)
}

func (m Routes) close(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, mo, err := idMonth(r)
	if err != nil {
		return err
	}
	st, err := m.Svc.Close(r.Context(), a, id, mo)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, st)
}

func (m Routes) reopen(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, mo, err := idMonth(r)
	if err != nil {
		return err
	}
	var in ReopenInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := m.Svc.Reopen(r.Context(), a, id, mo, in)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, st)
}

func (m Routes) agent(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, mo, err := idMonth(r)
	if err != nil {
		return err
	}
	v, err := m.Svc.Agent(r.Context(), a, id, mo)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, v)
}

func (m Routes) setManual(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, mo, err := idMonth(r)
	if err != nil {
		return err
	}
	var in ManualInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	e, err := m.Svc.SetManual(r.Context(), a, id, mo, r.PathValue("item"), in)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, e)
}

func (m Routes) deleteManual(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, mo, err := idMonth(r)
	if err != nil {
		return err
	}
	if err := m.Svc.DeleteManual(r.Context(), a, id, mo, r.PathValue("item"), r.URL.Query().Get("note")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
