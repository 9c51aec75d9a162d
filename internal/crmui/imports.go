package crmui

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

func (u *UI) importRoutes(mux *http.ServeMux) {
	imp := org.P("customers", "import")
	mux.Handle("GET /crm/imports", u.protect(imp, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		return u.importList(w, r, a, u.web.NewForm(r, "file", "name"), http.StatusOK)
	}))
	mux.Handle("POST /crm/imports", u.protect(imp, u.importUpload))
	mux.Handle("GET /crm/imports/{id}", u.protect(imp, u.importShow))
	mux.Handle("POST /crm/imports/{id}/start", u.protect(imp, u.importStart))
	mux.Handle("POST /crm/imports/{id}/delete", u.protect(imp, u.importDelete))
	mux.Handle("GET /crm/imports/{id}/errors.csv", u.protect(imp, u.importErrorsCSV))
}

type importListView struct {
	Rows  []crm.Batch
	Pager web.Pager
	Form  *web.Form
}

func (u *UI) importList(w http.ResponseWriter, r *http.Request, a *org.Actor, f *web.Form, status int) error {
	bs, total, err := u.svc.Batches(r.Context(), a, perPage, web.PageOffset(r, perPage))
	if err != nil {
		return err
	}
	u.web.RenderStatus(w, r, status, "crm_imports", &importListView{Rows: bs, Pager: web.NewPager(r, total, perPage), Form: f})
	return nil
}

// maxForm bounds what the upload form keeps in memory; larger files spill
// to temporary files.
const maxForm = 8 << 20

func (u *UI) importUpload(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.web.NewForm(r, "file", "name")
	r.Body = http.MaxBytesReader(w, r.Body, crm.MaxUploadBytes+1<<20)
	if err := r.ParseMultipartForm(maxForm); err != nil {
		f.Invalid("file", "crm.err.upload")
		return u.importList(w, r, a, f, http.StatusUnprocessableEntity)
	}
	f.Set("name", r.FormValue("name"))
	file, hdr, err := r.FormFile("file")
	if err != nil {
		f.Invalid("file", "crm.err.no_file")
		return u.importList(w, r, a, f, http.StatusUnprocessableEntity)
	}
	defer file.Close()
	var b *crm.Batch
	status, err := f.Save(func() (err error) {
		b, err = u.svc.Upload(r.Context(), a, crm.UploadInput{Name: f.Get("name"), FileName: hdr.Filename}, file)
		if e := apperr.As(err); e != nil && e.Field == "file_name" {
			e.Field = "file"
		}
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.importList(w, r, a, f, status)
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.uploaded", b.FileName)
	web.Redirect(w, r, "/crm/imports/"+idStr(b.ID))
	return nil
}

// importView is one batch: the mapping form before it runs (and after a
// rejection), the progress while it runs, the report afterwards.
type importView struct {
	B        *crm.Batch
	Form     *web.Form
	Columns  []importColumn
	Targets  []strOpt
	Assign   []strOpt
	Sources  []strOpt
	Errors   []importErrorRow
	Pager    web.Pager
	CanStart bool
	Running  bool
}

type importColumn struct {
	Index   int
	Header  string
	Samples []string
	Target  string
}

type importErrorRow struct {
	crm.ImportError
	Text string
}

func (u *UI) batch(r *http.Request, a *org.Actor) (*crm.Batch, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return u.svc.Batch(r.Context(), a, id)
}

func (u *UI) importShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	b, err := u.batch(r, a)
	if err != nil {
		return err
	}
	f := u.web.NewForm(r, "mode", "assign", "tags", "source")
	mode := crm.ModeStrict
	if b.Options != nil {
		for i, m := range b.Options.Mapping {
			f.Set("col"+strconv.Itoa(i), m)
		}
		if b.Status == crm.BatchRejected {
			mode = crm.ModeLenient // the usual next step after a strict run found bad rows
		}
		f.Set("tags", strings.Join(b.Options.Tags, ", "))
		f.Set("source", b.Options.Source)
	}
	f.Set("mode", mode)
	return u.importPage(w, r, a, b, f, http.StatusOK)
}

func (u *UI) importPage(w http.ResponseWriter, r *http.Request, a *org.Actor, b *crm.Batch, f *web.Form, status int) error {
	ctx := r.Context()
	v := &importView{B: b, Form: f, Running: b.Status == crm.BatchRunning}
	v.CanStart = b.Status == crm.BatchUploaded || b.Status == crm.BatchRejected || b.Status == crm.BatchFailed
	if b.Preview != nil && v.CanStart {
		for i, h := range b.Preview.Headers {
			col := importColumn{Index: i, Header: h, Target: f.Get("col" + strconv.Itoa(i))}
			for _, row := range b.Preview.Rows {
				if len(col.Samples) < 3 && i < len(row) {
					col.Samples = append(col.Samples, row[i])
				}
			}
			v.Columns = append(v.Columns, col)
		}
		if err := u.importChoices(r, a, v); err != nil {
			return err
		}
	}
	if !v.Running && b.RowsInvalid > 0 {
		const errPage = 50
		es, total, err := u.svc.BatchErrors(ctx, a, b.ID, errPage, web.PageOffset(r, errPage))
		if err != nil {
			return err
		}
		for _, e := range es {
			v.Errors = append(v.Errors, importErrorRow{ImportError: e, Text: u.importReason(r, e)})
		}
		v.Pager = web.NewPager(r, total, errPage)
	}
	u.web.RenderStatus(w, r, status, "crm_import", v)
	return nil
}

// importChoices fills the mapping targets and the placement choices.
func (u *UI) importChoices(r *http.Request, a *org.Actor, v *importView) error {
	t := func(k string) string { return u.web.T(r, k) }
	v.Targets = []strOpt{{crm.ColName, t("crm.name")}, {crm.ColPhones, t("crm.phones")}, {crm.ColCompany, t("crm.company")},
		{crm.ColLevel, t("crm.level")}, {crm.ColSource, t("crm.source")}, {crm.ColStatus, t("crm.status")}, {crm.ColTags, t("crm.tags")}}
	fields, err := u.svc.Fields(r.Context())
	if err != nil {
		return err
	}
	for _, fd := range fields {
		v.Targets = append(v.Targets, strOpt{"custom:" + fd.Key, fd.Label})
	}
	lists, err := u.svc.Lists(r.Context())
	if err != nil {
		return err
	}
	v.Sources = listOpts(lists.Sources)
	if a.Can(org.P("pool", "distribute")) {
		v.Assign = append(v.Assign, strOpt{"pool", t("crm.place.pool")})
	}
	if a.Can(org.P("customers", "allocate")) {
		ch, err := u.choices(r.Context(), a)
		if err != nil {
			return err
		}
		for _, d := range ch.Depts {
			v.Assign = append(v.Assign, strOpt{"department:" + idStr(d.Value), u.web.T(r, "crm.assign.department", d.Label)})
		}
		for _, tm := range ch.Teams {
			v.Assign = append(v.Assign, strOpt{"team:" + idStr(tm.Value), u.web.T(r, "crm.assign.team", tm.Label)})
		}
		for _, us := range ch.Users {
			v.Assign = append(v.Assign, strOpt{"agent:" + idStr(us.Value), u.web.T(r, "crm.assign.agent", us.Label)})
		}
	}
	return nil
}

// parseTarget reads "agent:12", "team:3", "department:2".
func parseTarget(s string) (*crm.Target, bool) {
	kind, id, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 {
		return nil, false
	}
	return &crm.Target{Kind: kind, ID: n}, true
}

func (u *UI) importStart(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	b, err := u.batch(r, a)
	if err != nil {
		return err
	}
	f := u.web.ParseForm(r, "mode", "assign", "tags", "source")
	opts := crm.ImportOptions{Mode: f.Get("mode"), Tags: []string{f.Get("tags")}, Source: f.Get("source")}
	if b.Preview != nil {
		for i := range b.Preview.Headers {
			opts.Mapping = append(opts.Mapping, f.Get("col"+strconv.Itoa(i)))
		}
	}
	switch as := f.Get("assign"); {
	case as == "pool":
		opts.ToPool = true
	case as != "":
		t, ok := parseTarget(as)
		if !ok {
			f.Invalid("assign", "err.bad_form")
		}
		opts.AssignTo = t
	}
	status, err := f.Save(func() error {
		_, err := u.svc.StartImport(r.Context(), a, b.ID, opts)
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.importPage(w, r, a, b, f, status)
	}
	web.Redirect(w, r, "/crm/imports/"+idStr(b.ID))
	return nil
}

func (u *UI) importDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	b, err := u.batch(r, a)
	if err != nil {
		return err
	}
	n, err := u.svc.DeleteBatch(r.Context(), a, b.ID)
	if err != nil {
		f := u.web.NewForm(r)
		if s := f.Fail(u.localize(r, err)); s != 0 {
			return u.importPage(w, r, a, b, f, s)
		}
		return err
	}
	u.web.Flash(w, web.FlashOK, "crm.flash.batch_deleted", b.Name, strconv.Itoa(n))
	web.Redirect(w, r, "/crm/imports")
	return nil
}

// importErrorsCSV downloads the whole report of a batch.
func (u *UI) importErrorsCSV(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	b, err := u.batch(r, a)
	if err != nil {
		return err
	}
	es, _, err := u.svc.BatchErrors(r.Context(), a, b.ID, 100_000, 0)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="import-`+idStr(b.ID)+`-errors.csv"`)
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Write([]string{u.web.T(r, "crm.report.line"), u.web.T(r, "crm.report.field"), u.web.T(r, "crm.report.value"),
		u.web.T(r, "crm.report.reason")})
	for _, e := range es {
		cw.Write([]string{strconv.Itoa(e.Line), e.Field, crm.CSVSafe(e.Value), crm.CSVSafe(u.importReason(r, e))})
	}
	cw.Flush()
	return errors.Join(cw.Error())
}
