package crmui

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

const perPage = 25

func (u *UI) customerRoutes(mux *http.ServeMux) {
	p := org.P
	mux.Handle("GET /customers", u.protect(p("customers", "view"), u.customerList))
	mux.Handle("GET /customers/new", u.protect(p("customers", "create"), func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		return u.customerPage(w, r, a, nil, u.customerForm(r, nil), http.StatusOK)
	}))
	mux.Handle("POST /customers", u.protect(p("customers", "create"), u.customerCreate))
	mux.Handle("GET /customers/export", u.protect(p("customers", "export"), u.customerExport))
	mux.Handle("GET /customers/{id}", u.protect(p("customers", "view"), u.customerShow))
	mux.Handle("POST /customers/{id}", u.protect(p("customers", "update"), u.customerUpdate))
	mux.Handle("POST /customers/{id}/delete", u.protect(p("customers", "delete"), u.customerDelete))
	mux.Handle("POST /customers/{id}/notes", u.protect(p("customers", "update"), u.customerNote))
	mux.Handle("POST /customers/{id}/tasks", u.protect(p("customers", "update"), u.customerTask))
	mux.Handle("POST /customers/{id}/release", u.protect(p("pool", "release"), u.customerRelease))
	mux.Handle("POST /customers/{id}/claim", u.protect(p("pool", "claim"), u.customerClaim))
}

// filterForm is the list's search and filters as given in the query.
type filterForm struct {
	Q, Status, Level, Source, Tag, Pool string
	Owner, Team                         int64
	Batch                               int64
}

func readFilter(r *http.Request) (filterForm, crm.Filter) {
	q := r.URL.Query()
	ff := filterForm{Q: q.Get("q"), Status: q.Get("status"), Level: q.Get("level"), Source: q.Get("source"), Tag: q.Get("tag"),
		Pool: q.Get("pool"), Owner: queryID(r, "owner_id"), Team: queryID(r, "team_id"), Batch: queryID(r, "batch_id")}
	if ff.Pool != "only" && ff.Pool != "exclude" {
		ff.Pool = ""
	}
	f := crm.Filter{Q: ff.Q, Status: ff.Status, Level: ff.Level, Source: ff.Source, Tag: ff.Tag, Pool: ff.Pool,
		OwnerID: ff.Owner, TeamID: ff.Team, BatchID: ff.Batch}
	return ff, f
}

type listView struct {
	Rows    []crm.Customer
	Pager   web.Pager
	F       filterForm
	Lists   *crm.Lists
	Ch      *choices
	Query   string // the filter, for the export links
	Overdue time.Time
}

// Overdue reports whether a follow-up time has passed.
func (v *listView) Late(t time.Time) bool { return !t.IsZero() && t.Before(v.Overdue) }

func (u *UI) customerList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ff, f := readFilter(r)
	f.Limit, f.Offset = perPage, web.PageOffset(r, perPage)
	rows, total, err := u.svc.Customers(r.Context(), a, f)
	if err != nil {
		if apperr.KindOf(err) == apperr.KindInvalid {
			u.web.Flash(w, web.FlashError, "crm.flash.bad_filter")
			web.Redirect(w, r, "/customers")
			return nil
		}
		return err
	}
	lists, err := u.svc.Lists(r.Context())
	if err != nil {
		return err
	}
	ch, err := u.choices(r.Context(), a)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	q.Del("page")
	u.web.Render(w, r, "crm_customers", &listView{Rows: rows, Pager: web.NewPager(r, total, perPage), F: ff, Lists: lists,
		Ch: ch, Query: q.Encode(), Overdue: time.Now()})
	return nil
}

func (u *UI) customerExport(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	_, f := readFilter(r)
	format := r.URL.Query().Get("format")
	if format != "xlsx" {
		format = "csv"
	}
	return u.svc.Export(r.Context(), a, f, format, web.Lang(r), download(w, "customers", format))
}

// download is a file response whose headers go out with the first byte,
// so that an error found before any row still shows the error page.
func download(w http.ResponseWriter, name, format string) io.Writer {
	return &lazyDownload{w: w, name: name + "-" + time.Now().Format("20060102-150405") + "." + format, format: format}
}

type lazyDownload struct {
	w            http.ResponseWriter
	name, format string
	started      bool
}

func (l *lazyDownload) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		ctype := "text/csv; charset=utf-8"
		if l.format == "xlsx" {
			ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		l.w.Header().Set("Content-Type", ctype)
		l.w.Header().Set("Content-Disposition", `attachment; filename="`+l.name+`"`)
		l.w.Header().Set("Cache-Control", "no-store")
	}
	return l.w.Write(p)
}

// customerFields are the inputs of the customer form; custom fields add
// "custom.<key>".
var customerFields = []string{"name", "phones", "company", "level", "source", "status", "tags", "owner_id"}

func (u *UI) customerForm(r *http.Request, c *crm.Customer) *web.Form {
	fields := append([]string(nil), customerFields...)
	if fs, err := u.svc.Fields(r.Context()); err == nil {
		for _, fd := range fs {
			fields = append(fields, "custom."+fd.Key)
		}
	}
	f := u.web.NewForm(r, fields...)
	if c != nil {
		f.Set("name", c.Name)
		f.Set("phones", strings.Join(c.Phones, "\n"))
		f.Set("company", c.Company)
		f.Set("level", c.Level)
		f.Set("source", c.Source)
		f.Set("status", c.Status)
		f.Set("tags", strings.Join(c.Tags, ", "))
		for k, v := range c.Custom {
			f.Set("custom."+k, v)
		}
	}
	return f
}

// formInput reads a customer from the posted form.
func formInput(f *web.Form, fields []crm.Field) crm.CustomerInput {
	in := crm.CustomerInput{Name: f.Get("name"), Phones: []string{f.Values.Get("phones")}, Company: f.Get("company"),
		Level: f.Get("level"), Source: f.Get("source"), Status: f.Get("status"), Tags: []string{f.Get("tags")},
		Custom: map[string]string{}, OwnerID: f.ID("owner_id")}
	for _, fd := range fields {
		if v := f.Get("custom." + fd.Key); v != "" {
			in.Custom[fd.Key] = v
		}
	}
	return in
}

// customerView is the customer page (new when C is nil).
type customerView struct {
	C           *crm.Customer
	Form        *web.Form
	NoteForm    *web.Form
	TaskForm    *web.Form
	ReleaseForm *web.Form
	Lists       *crm.Lists
	Fields      []crm.Field
	Ch          *choices
	CanEdit     bool
	CanClaim    bool
	CanRelease  bool
	Timeline    []timelineRow
	Tasks       []crm.Task
	TaskKinds   []string
	Now         time.Time
}

// Opts are the choices of a configurable list.
func (v *customerView) Opts(kind string) []strOpt { return listOpts(v.Lists.Of(kind)) }

// Value is the form's value of a custom field.
func (v *customerView) Value(key string) string { return v.Form.Get("custom." + key) }

// Err is the form's error on a custom field.
func (v *customerView) Err(key string) string { return v.Form.Err("custom." + key) }

func (u *UI) customerPage(w http.ResponseWriter, r *http.Request, a *org.Actor, c *crm.Customer, f *web.Form, status int) error {
	return u.customerPageWith(w, r, a, c, &customerView{Form: f}, status)
}

func (u *UI) customerPageWith(w http.ResponseWriter, r *http.Request, a *org.Actor, c *crm.Customer, v *customerView, status int) error {
	ctx := r.Context()
	var err error
	v.C, v.Now, v.TaskKinds = c, time.Now(), crm.TaskKinds
	if v.Lists, err = u.svc.Lists(ctx); err != nil {
		return err
	}
	if v.Fields, err = u.svc.Fields(ctx); err != nil {
		return err
	}
	if v.Ch, err = u.choices(ctx, a); err != nil {
		return err
	}
	if v.NoteForm == nil {
		v.NoteForm = u.web.NewForm(r, "body")
	}
	if v.TaskForm == nil {
		v.TaskForm = u.web.NewForm(r, "kind", "title", "due_at", "owner_id")
		v.TaskForm.Set("due_at", inputTime(time.Now().Add(24*time.Hour).Truncate(time.Hour)))
	}
	if v.ReleaseForm == nil {
		v.ReleaseForm = u.web.NewForm(r, "reason")
	}
	if c == nil {
		v.CanEdit = true
	} else {
		v.CanEdit = a.Can(org.P("customers", "update")) && crm.CanWrite(a, c)
		v.CanClaim = c.InPool && a.Can(org.P("pool", "claim"))
		v.CanRelease = !c.InPool && a.Can(org.P("pool", "release")) && crm.CanWrite(a, c)
		items, err := u.svc.Timeline(ctx, a, c.ID, 100)
		if err != nil {
			return err
		}
		v.Timeline = u.timelineRows(r, items, v.Lists)
		if v.Tasks, _, err = u.svc.Tasks(ctx, org.System(), crm.TaskFilter{CustomerID: c.ID, Limit: 100}); err != nil {
			return err
		}
	}
	u.web.RenderStatus(w, r, status, "crm_customer", v)
	return nil
}

func (u *UI) scopedCustomer(r *http.Request, a *org.Actor) (*crm.Customer, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return u.svc.Customer(r.Context(), a, id)
}

func (u *UI) customerShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c, err := u.scopedCustomer(r, a)
	if err != nil {
		return err
	}
	return u.customerPage(w, r, a, c, u.customerForm(r, c), http.StatusOK)
}

// parseCustomerForm reads the posted customer form with its custom fields.
func (u *UI) parseCustomerForm(r *http.Request) (*web.Form, []crm.Field, error) {
	fields, err := u.svc.Fields(r.Context())
	if err != nil {
		return nil, nil, err
	}
	names := append([]string(nil), customerFields...)
	for _, fd := range fields {
		names = append(names, "custom."+fd.Key)
	}
	return u.web.ParseForm(r, names...), fields, nil
}

func (u *UI) customerCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f, fields, err := u.parseCustomerForm(r)
	if err != nil {
		return err
	}
	var c *crm.Customer
	status, err := f.Save(func() (err error) {
		c, err = u.svc.Create(r.Context(), a, formInput(f, fields))
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.customerPage(w, r, a, nil, f, status)
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.created", c.Name)
	web.Redirect(w, r, "/customers/"+idStr(c.ID))
	return nil
}

func (u *UI) customerUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c, err := u.scopedCustomer(r, a)
	if err != nil {
		return err
	}
	f, fields, err := u.parseCustomerForm(r)
	if err != nil {
		return err
	}
	status, err := f.Save(func() error {
		_, err := u.svc.Update(r.Context(), a, c.ID, formInput(f, fields))
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.customerPage(w, r, a, c, f, status)
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.saved", f.Get("name"))
	web.Redirect(w, r, "/customers/"+idStr(c.ID))
	return nil
}

// customerAction runs a one-form action on the customer and comes back to
// its page, or shows the page again with the refusal on that form.
func (u *UI) customerAction(w http.ResponseWriter, r *http.Request, a *org.Actor, fields []string,
	place func(v *customerView, f *web.Form), fn func(c *crm.Customer, f *web.Form) (string, []string, error)) error {
	c, err := u.scopedCustomer(r, a)
	if err != nil {
		return err
	}
	f := u.web.ParseForm(r, fields...)
	var key string
	var args []string
	status, err := f.Save(func() (err error) {
		key, args, err = fn(c, f)
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		v := &customerView{Form: u.customerForm(r, c)}
		place(v, f)
		return u.customerPageWith(w, r, a, c, v, status)
	}
	u.web.Flash(w, web.FlashOK, key, args...)
	web.Redirect(w, r, "/customers/"+idStr(c.ID))
	return nil
}

func (u *UI) customerNote(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.customerAction(w, r, a, []string{"body"}, func(v *customerView, f *web.Form) { v.NoteForm = f },
		func(c *crm.Customer, f *web.Form) (string, []string, error) {
			_, err := u.svc.AddNote(r.Context(), a, c.ID, crm.NoteInput{Body: f.Values.Get("body")})
			return "crm.flash.note_added", nil, err
		})
}

func (u *UI) customerTask(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.customerAction(w, r, a, []string{"kind", "title", "due_at", "owner_id"}, func(v *customerView, f *web.Form) { v.TaskForm = f },
		func(c *crm.Customer, f *web.Form) (string, []string, error) {
			due, ok := parseInputTime(f.Get("due_at"))
			if !ok {
				return "", nil, apperr.Invalid("due_at", "must be a date and time")
			}
			_, err := u.svc.CreateTask(r.Context(), a, crm.TaskInput{CustomerID: c.ID, Kind: f.Get("kind"), Title: f.Get("title"),
				DueAt: due, OwnerID: f.ID("owner_id")})
			return "crm.flash.task_added", nil, err
		})
}

func (u *UI) customerRelease(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.customerAction(w, r, a, []string{"reason"}, func(v *customerView, f *web.Form) { v.ReleaseForm = f },
		func(c *crm.Customer, f *web.Form) (string, []string, error) {
			_, err := u.svc.Release(r.Context(), a, c.ID, crm.ReleaseInput{Reason: f.Get("reason")})
			return "crm.flash.released", []string{c.Name}, err
		})
}

func (u *UI) customerClaim(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.customerAction(w, r, a, nil, func(v *customerView, f *web.Form) { v.Form.Error = f.Error },
		func(c *crm.Customer, f *web.Form) (string, []string, error) {
			_, err := u.svc.Claim(r.Context(), a, crm.ClaimInput{CustomerIDs: []int64{c.ID}})
			return "crm.flash.claimed_one", []string{c.Name}, err
		})
}

func (u *UI) customerDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c, err := u.scopedCustomer(r, a)
	if err != nil {
		return err
	}
	if err := u.svc.Delete(r.Context(), a, c.ID); err != nil {
		return err
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.deleted", c.Name)
	web.Redirect(w, r, "/customers")
	return nil
}

// timelineRow is a timeline item as the page shows it.
type timelineRow struct {
	At     time.Time
	Kind   string
	Title  string
	Detail string
	Actor  string
	Link   string
}

func (u *UI) timelineRows(r *http.Request, items []crm.TimelineItem, lists *crm.Lists) []timelineRow {
	out := make([]timelineRow, 0, len(items))
	t := func(key string, args ...any) string { return u.web.T(r, key, args...) }
	for _, it := range items {
		row := timelineRow{At: it.At, Kind: it.Kind, Actor: it.ActorName}
		d := it.Data
		switch it.Kind {
		case crm.KindCall:
			row.Title = t("crm.tl.call."+it.Code) + " · " + t("crm.outcome."+str(d["outcome"]))
			if ms, ok := d["talk_ms"].(int64); ok && ms > 0 {
				row.Detail = t("crm.tl.talk", (time.Duration(ms) * time.Millisecond).Round(time.Second).String())
			}
		case crm.KindNote:
			row.Title, row.Detail = t("crm.tl.note"), it.Summary
		case crm.KindTask:
			row.Title = t("crm.tl.task."+it.Code, t("crm.task_kind."+str(d["kind"])))
			row.Detail = it.Summary
			if res := str(d["result"]); res != "" {
				row.Detail = strings.TrimSpace(row.Detail + " — " + res)
			}
		case crm.KindMove:
			row.Title = t("crm.tl.move."+it.Code, u.placeText(r, d, "from"), u.placeText(r, d, "to"))
			row.Detail = it.Summary
		case crm.KindEvent:
			row.Title = u.web.T(r, "crm.tl.event."+it.Code)
			if it.Code == "updated" && d["to"] != nil {
				row.Detail = t("crm.tl.status", lists.Label(crm.ListStatus, str(d["from"])), lists.Label(crm.ListStatus, str(d["to"])))
			} else if it.Code == "imported" {
				row.Link = "/crm/imports/" + str(d["batch_id"])
			}
		default:
			row.Title, row.Detail = it.Kind, it.Summary
		}
		out = append(out, row)
	}
	return out
}

func (u *UI) placeText(r *http.Request, d map[string]any, side string) string {
	switch {
	case d[side+"_pool"] == true:
		return u.web.T(r, "crm.place.pool")
	case str(d[side+"_owner"]) != "":
		return str(d[side+"_owner"])
	}
	return u.web.T(r, "crm.place.unassigned")
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// back is where a form on another page returns to (a local path only).
func back(r *http.Request, fallback string) string {
	next := r.FormValue("next")
	if next == "" || web.LocalPath(next) != next {
		return fallback
	}
	if _, err := url.Parse(next); err != nil {
		return fallback
	}
	return next
}
