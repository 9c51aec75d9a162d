package reportui

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

// costsView is the center cost page: the entered months and the form.
type costsView struct {
	F        *web.Form
	Rows     []costRow
	Depts    []opt
	Currency string
}

type costRow struct {
	Month     string
	Dept      string
	DeptID    int64
	Amount    string
	Note      string
	UpdatedBy string
	UpdatedAt string
}

var costFields = []string{"month", "department_id", "amount", "note"}

func (u *UI) costsPage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.web.NewForm(r, costFields...)
	f.Set("month", u.Now().Format("2006-01"))
	return u.renderCosts(w, r, a, http.StatusOK, f)
}

func (u *UI) renderCosts(w http.ResponseWriter, r *http.Request, a *org.Actor, status int, f *web.Form) error {
	ctx := r.Context()
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	cs, err := report.Costs(ctx, u.DB, a, "0000-01", "9999-12")
	if err != nil {
		return err
	}
	ds, err := u.Org.Departments(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{0: u.t(r, "reports.costs.center")}
	for _, d := range ds {
		names[d.ID] = d.Name
	}
	all := a.System || a.Scope.Kind == org.ScopeAll
	v := costsView{F: f, Currency: s.Currency}
	if all {
		v.Depts = append(v.Depts, opt{Value: "0", Label: names[0], Sel: f.Get("department_id") == "0"})
	}
	for _, d := range ds {
		if all || (a.Scope.Kind == org.ScopeDepartment && slices.Contains(a.Scope.DeptIDs, d.ID)) {
			v.Depts = append(v.Depts, opt{Value: idStr(d.ID), Label: d.Name, Sel: f.Get("department_id") == idStr(d.ID)})
		}
	}
	fm := fmtr{lang: web.Lang(r), currency: s.Currency, t: func(k string, args ...any) string { return u.t(r, k, args...) }}
	users := map[int64]string{}
	for i := len(cs) - 1; i >= 0; i-- { // newest month first
		c := cs[i]
		if _, ok := users[c.UpdatedBy]; !ok && c.UpdatedBy != 0 {
			if usr, err := u.Org.User(ctx, org.System(), c.UpdatedBy); err == nil {
				users[c.UpdatedBy] = usr.DisplayName
			}
		}
		v.Rows = append(v.Rows, costRow{Month: c.Month, Dept: names[c.DepartmentID], DeptID: c.DepartmentID,
			Amount: fm.money(c.Amount, 2), Note: c.Note, UpdatedBy: users[c.UpdatedBy], UpdatedAt: c.UpdatedAt.In(s.Location()).Format("2006-01-02 15:04")})
	}
	u.web.RenderStatus(w, r, status, "reports_costs", v)
	return nil
}

func (u *UI) costSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.web.ParseForm(r, costFields...)
	c := report.Cost{Month: f.Get("month"), DepartmentID: f.ID("department_id"), Note: f.Get("note")}
	amt, err := strconv.ParseFloat(f.Get("amount"), 64)
	if err != nil {
		f.Invalid("amount", "reports.err.number")
	}
	c.Amount = amt
	status, err := f.Save(func() error {
		_, err := report.SetCost(r.Context(), u.DB, a, c)
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.renderCosts(w, r, a, status, f)
	}
	u.web.Flash(w, web.FlashOK, "reports.costs.saved", c.Month)
	web.Redirect(w, r, Base+"/costs")
	return nil
}

func (u *UI) costDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	month := r.PostForm.Get("month")
	dept, _ := strconv.ParseInt(r.PostForm.Get("department_id"), 10, 64)
	if err := report.DeleteCost(r.Context(), u.DB, a, month, dept); err != nil {
		return u.localize(r, err)
	}
	u.web.Flash(w, web.FlashOK, "reports.costs.deleted", month)
	web.Redirect(w, r, Base+"/costs")
	return nil
}
