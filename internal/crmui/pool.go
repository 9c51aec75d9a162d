package crmui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

func (u *UI) poolRoutes(mux *http.ServeMux) {
	p := org.P
	mux.Handle("GET /crm/pool", u.protect(p("pool", "claim"), u.poolList))
	mux.Handle("POST /crm/pool/claim", u.protect(p("pool", "claim"), u.poolClaim))
	mux.Handle("GET /crm/allocate", u.protect(p("customers", "allocate"), u.allocateForm))
	mux.Handle("POST /crm/allocate", u.protect(p("customers", "allocate"), u.allocateSubmit))
	mux.Handle("GET /crm/tasks", u.protect(p("customers", "view"), u.tasksPage))
	mux.Handle("POST /crm/tasks/{id}/done", u.protect(p("customers", "update"), u.taskDone))
}

type poolView struct {
	listView
	Quota *crm.Quota
}

func (u *UI) poolList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ff, f := readFilter(r)
	f.Limit, f.Offset = perPage, web.PageOffset(r, perPage)
	rows, total, err := u.svc.Pool(r.Context(), a, f)
	if err != nil {
		return err
	}
	lists, err := u.svc.Lists(r.Context())
	if err != nil {
		return err
	}
	v := &poolView{listView: listView{Rows: rows, Pager: web.NewPager(r, total, perPage), F: ff, Lists: lists, Ch: &choices{}}}
	if q, err := u.svc.Quota(r.Context(), a, a.UserID); err == nil {
		v.Quota = q
	}
	u.web.Render(w, r, "crm_pool", v)
	return nil
}

func formIDs(r *http.Request, name string) []int64 {
	var out []int64
	for _, s := range r.Form[name] {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

func (u *UI) poolClaim(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	ids := formIDs(r, "id")
	if len(ids) == 0 {
		u.web.Flash(w, web.FlashError, "crm.flash.none_selected")
		web.Redirect(w, r, "/crm/pool")
		return nil
	}
	res, err := u.svc.Claim(r.Context(), a, crm.ClaimInput{CustomerIDs: ids})
	switch {
	case err != nil && crm.CodeOf(err) != "":
		u.web.Flash(w, web.FlashError, "crm.flash.claim_failed", u.errText(r, err))
	case err != nil:
		return err
	case len(res.Failed) > 0:
		u.web.Flash(w, web.FlashInfo, "crm.flash.claimed_some", strconv.Itoa(len(res.Claimed)), strconv.Itoa(len(res.Failed)),
			u.errText(r, failErr(res.Failed[0])))
	default:
		u.web.Flash(w, web.FlashOK, "crm.flash.claimed", strconv.Itoa(len(res.Claimed)))
	}
	web.Redirect(w, r, "/crm/pool")
	return nil
}

func failErr(f crm.ClaimFailure) error {
	return crm.ClaimError(f)
}

// allocateView is the allocation form (also distribution from the pool).
type allocateView struct {
	Form    *web.Form
	Pool    bool // distribute pool customers
	IDs     []int64
	Lists   *crm.Lists
	Ch      *choices
	Result  *crm.AllocationResult
	Rules   []int
	Targets map[string]bool
}

// Opts are the choices of a configurable list.
func (v *allocateView) Opts(kind string) []strOpt { return listOpts(v.Lists.Of(kind)) }

// RuleFields are what allocation rules can look at.
func (v *allocateView) RuleFields() []string { return []string{"source", "level", "status", "tag"} }

// Checked reports whether a target ("agent:12") is ticked.
func (v *allocateView) Checked(kind string, id int64) bool { return v.Targets[kind+":"+idStr(id)] }

// Count is the count typed for a target.
func (v *allocateView) Count(kind string, id int64) string {
	return v.Form.Get("count_" + kind + ":" + idStr(id))
}

// Rule is a value of rule row i.
func (v *allocateView) Rule(i int, part string) string {
	return v.Form.Get("rule" + strconv.Itoa(i) + "_" + part)
}

var allocFields = []string{"mode", "reason", "status", "level", "source", "tag", "owner_id", "team_id", "limit", "targets", "rules"}

func (u *UI) allocateForm(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.web.NewForm(r, allocFields...)
	f.Set("mode", crm.ModeEven)
	pool := r.URL.Query().Get("pool") == "1"
	if pool && !a.Can(org.P("pool", "distribute")) {
		u.web.Forbidden(w, r, org.P("pool", "distribute"))
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	return u.allocatePage(w, r, a, &allocateView{Form: f, Pool: pool, IDs: formIDs(r, "id")}, http.StatusOK)
}

func (u *UI) allocatePage(w http.ResponseWriter, r *http.Request, a *org.Actor, v *allocateView, status int) error {
	var err error
	if v.Lists, err = u.svc.Lists(r.Context()); err != nil {
		return err
	}
	if v.Ch, err = u.choices(r.Context(), a); err != nil {
		return err
	}
	v.Rules = []int{0, 1, 2}
	if v.Targets == nil {
		v.Targets = map[string]bool{}
	}
	u.web.RenderStatus(w, r, status, "crm_allocate", v)
	return nil
}

func (u *UI) allocateSubmit(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.web.ParseForm(r, allocFields...)
	v := &allocateView{Form: f, Pool: f.Get("pool") == "1", IDs: formIDs(r, "id"), Targets: map[string]bool{}}
	in := crm.AllocateInput{CustomerIDs: v.IDs, Mode: f.Get("mode"), Reason: f.Get("reason"), DryRun: f.Get("action") != "apply"}
	if len(v.IDs) == 0 {
		in.Filter = &crm.Filter{Status: f.Get("status"), Level: f.Get("level"), Source: f.Get("source"), Tag: f.Get("tag"),
			OwnerID: f.ID("owner_id"), TeamID: f.ID("team_id"), Unassigned: f.Get("owner_id") == "none"}
		if in.Filter.Unassigned {
			delete(f.Errors, "owner_id")
		}
		in.Limit, _ = strconv.Atoi(f.Get("limit"))
	}
	for _, t := range f.Values["target"] {
		tg, ok := parseTarget(t)
		if !ok {
			continue
		}
		v.Targets[t] = true
		tg.Count, _ = strconv.Atoi(f.Get("count_" + t))
		in.Targets = append(in.Targets, *tg)
	}
	for i := 0; i < 3; i++ {
		p := "rule" + strconv.Itoa(i) + "_"
		tg, ok := parseTarget(f.Get(p + "target"))
		if ok && f.Get(p+"value") != "" {
			in.Rules = append(in.Rules, crm.AllocRule{Field: f.Get(p + "field"), Value: f.Get(p + "value"), Target: *tg})
		}
	}
	status, err := f.Save(func() (err error) {
		if v.Pool {
			v.Result, err = u.svc.Distribute(r.Context(), a, in)
		} else {
			v.Result, err = u.svc.Allocate(r.Context(), a, in)
		}
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 || in.DryRun {
		return u.allocatePage(w, r, a, v, max(status, http.StatusOK))
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.allocated", strconv.Itoa(v.Result.Moved))
	web.Redirect(w, r, "/crm/allocations")
	return nil
}

// tasksView is the agent's tasks and, for leaders, the overdue summary.
type tasksView struct {
	Overdue  []crm.Task
	DueSoon  []crm.Task
	Upcoming []crm.Task
	Summary  *crm.Overdue
	Leader   bool
}

func (u *UI) tasksPage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ctx := r.Context()
	due, err := u.svc.Due(ctx, a, 24*time.Hour)
	if err != nil {
		return err
	}
	open := false
	mine, _, err := u.svc.Tasks(ctx, a, crm.TaskFilter{OwnerID: a.UserID, Done: &open, Limit: 200})
	if err != nil {
		return err
	}
	v := &tasksView{Overdue: due.Overdue, DueSoon: due.DueSoon, Leader: a.Scope.Kind != org.ScopeOwn}
	limit := time.Now().Add(24 * time.Hour)
	for _, t := range mine {
		if t.DueAt.After(limit) {
			v.Upcoming = append(v.Upcoming, t)
		}
	}
	if v.Leader {
		if v.Summary, err = u.svc.OverdueSummary(ctx, a); err != nil {
			return err
		}
	}
	u.web.Render(w, r, "crm_tasks", v)
	return nil
}

func (u *UI) taskDone(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	to := back(r, "/crm/tasks")
	if _, err := u.svc.CompleteTask(r.Context(), a, id, crm.TaskDone{Result: strings.TrimSpace(r.FormValue("result"))}); err != nil {
		if k := apperr.KindOf(err); k == apperr.KindInternal || k == apperr.KindNotFound {
			return err
		}
		u.web.Flash(w, web.FlashError, "crm.flash.task_failed", u.errText(r, err))
	} else {
		u.web.Flash(w, web.FlashOK, "crm.flash.task_done")
	}
	web.Redirect(w, r, to)
	return nil
}
