package satisfactionui

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/satisfaction"
	"github.com/hotline-cc/hotline/internal/web"
)

var reasonFields = []string{"code", "name", "name_en", "sort", "active"}

type reasonsView struct {
	Reasons []satisfaction.Reason
	New     *web.Form
	EditID  int64     // the row whose edit failed
	Edit    *web.Form // its form
	CanEdit bool
}

func (u *UI) reasons(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.renderReasons(w, r, a, u.UI.NewForm(r, reasonFields...), 0, nil, http.StatusOK)
}

func (u *UI) renderReasons(w http.ResponseWriter, r *http.Request, a *org.Actor, create *web.Form, editID int64, edit *web.Form, status int) error {
	rs, err := u.Svc.Reasons(r.Context())
	if err != nil {
		return err
	}
	if create.Get("sort") == "" {
		create.Set("sort", strconv.Itoa(nextSort(rs)))
	}
	u.UI.RenderStatus(w, r, status, "satisfaction_reasons", &reasonsView{Reasons: rs, New: create, EditID: editID, Edit: edit,
		CanEdit: a.Can(satisfaction.PermReview)})
	return nil
}

func nextSort(rs []satisfaction.Reason) int {
	n := 0
	for _, r := range rs {
		n = max(n, r.Sort)
	}
	return n + 10
}

// reasonInput reads a reason's form; a malformed sort is the form's error.
func reasonInput(f *web.Form) satisfaction.ReasonInput {
	in := satisfaction.ReasonInput{Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en")}
	if s := f.Get("sort"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100000 {
			f.Invalid("sort", "err.number")
		}
		in.Sort = n
	}
	active := f.Has("active", "1")
	in.Active = &active
	return in
}

func (u *UI) reasonCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.UI.ParseForm(r, reasonFields...)
	in := reasonInput(f)
	var created *satisfaction.Reason
	status, err := u.save(r, f, reasonFields, func() error {
		var err error
		created, err = u.Svc.CreateReason(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.renderReasons(w, r, a, f, 0, nil, status)
	}
	u.UI.Flash(w, web.FlashOK, "satisfaction.flash.reason_created", created.Name)
	web.Redirect(w, r, Base+"/reasons")
	return nil
}

func (u *UI) reasonUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	f := u.UI.ParseForm(r, reasonFields...)
	in := reasonInput(f)
	status, err := u.save(r, f, reasonFields, func() error {
		_, err := u.Svc.UpdateReason(r.Context(), a, id, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.renderReasons(w, r, a, u.UI.NewForm(r, reasonFields...), id, f, status)
	}
	u.UI.Flash(w, web.FlashOK, "satisfaction.flash.reason_saved", in.Name)
	web.Redirect(w, r, Base+"/reasons")
	return nil
}

func (u *UI) reasonDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	f := u.UI.NewForm(r)
	status, err := u.save(r, f, nil, func() error { return u.Svc.DeleteReason(r.Context(), a, id) })
	if err != nil {
		return err
	}
	if status != 0 {
		return u.renderReasons(w, r, a, u.UI.NewForm(r, reasonFields...), id, f, status)
	}
	u.UI.Flash(w, web.FlashOK, "satisfaction.flash.reason_deleted")
	web.Redirect(w, r, Base+"/reasons")
	return nil
}

func sortOptions(os []web.Option) {
	sort.Slice(os, func(i, j int) bool { return os[i].Label < os[j].Label })
}
