package reportui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/web"
)

// actRows is how many activity lines the shift form offers.
const actRows = 5

// shiftFormView is the form of a new or existing shift.
type shiftFormView struct {
	F        *web.Form
	ID       int64
	Agents   []opt
	Kinds    []opt
	Acts     []int
	Back     string
	TimeZone string
}

var shiftFields = []string{"agent_id", "date", "start", "end", "note", "activities"}

func (u *UI) shiftNew(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	loc := s.Location()
	f := u.web.NewForm(r, shiftFields...)
	q := r.URL.Query()
	date := q.Get("date")
	if _, err := time.ParseInLocation(dateLayout, date, loc); err != nil {
		date = u.Now().In(loc).Format(dateLayout)
	}
	f.Set("agent_id", q.Get("agent_id"))
	f.Set("date", date)
	f.Set("start", "09:00")
	f.Set("end", "18:00")
	f.Set("act_kind_0", shift.Lunch)
	f.Set("act_start_0", "12:00")
	f.Set("act_end_0", "13:00")
	d, _ := time.ParseInLocation(dateLayout, date, loc)
	return u.renderShiftForm(w, r, a, http.StatusOK, f, 0, shiftsBack(d, loc))
}

func (u *UI) shiftEdit(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	sh, err := u.Shifts.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	loc := s.Location()
	f := u.web.NewForm(r, shiftFields...)
	st := sh.Start.In(loc)
	f.Set("agent_id", idStr(sh.AgentID))
	f.Set("date", st.Format(dateLayout))
	f.Set("start", st.Format("15:04"))
	f.Set("end", sh.End.In(loc).Format("15:04"))
	f.Set("note", sh.Note)
	for i, act := range sh.Activities {
		if i == actRows {
			break
		}
		n := strconv.Itoa(i)
		f.Set("act_kind_"+n, act.Kind)
		f.Set("act_start_"+n, act.Start.In(loc).Format("15:04"))
		f.Set("act_end_"+n, act.End.In(loc).Format("15:04"))
	}
	return u.renderShiftForm(w, r, a, http.StatusOK, f, id, shiftsBack(sh.Start, loc))
}

func (u *UI) renderShiftForm(w http.ResponseWriter, r *http.Request, a *org.Actor, status int, f *web.Form, id int64, back string) error {
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	v := shiftFormView{F: f, ID: id, Back: back, TimeZone: s.TimeZone}
	active := true
	us, _, err := u.Org.Users(r.Context(), a, org.UserQuery{Active: &active, Sort: "display_name", Limit: 1000})
	if err != nil {
		return err
	}
	for _, usr := range us {
		v.Agents = append(v.Agents, opt{Value: idStr(usr.ID), Label: usr.DisplayName})
	}
	for _, k := range shift.Kinds {
		v.Kinds = append(v.Kinds, opt{Value: k, Label: u.t(r, "reports.activity."+k)})
	}
	for i := range actRows {
		v.Acts = append(v.Acts, i)
	}
	u.web.RenderStatus(w, r, status, "reports_shift_form", v)
	return nil
}

func (u *UI) shiftCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.shiftSave(w, r, a, 0)
}

func (u *UI) shiftUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := u.Shifts.Get(r.Context(), a, id); err != nil {
		return err
	}
	return u.shiftSave(w, r, a, id)
}

func (u *UI) shiftSave(w http.ResponseWriter, r *http.Request, a *org.Actor, id int64) error {
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	loc := s.Location()
	f := u.web.ParseForm(r, shiftFields...)
	in := readShift(f, loc)
	var saved *shift.Shift
	status, err := f.Save(func() error {
		var err error
		if id == 0 {
			saved, err = u.Shifts.Create(r.Context(), a, in)
		} else {
			saved, err = u.Shifts.Update(r.Context(), a, id, in)
		}
		return u.localize(r, err)
	})
	if err != nil {
		return err
	}
	if status != 0 {
		back := Base + "/shifts"
		if !in.Start.IsZero() {
			back = shiftsBack(in.Start, loc)
		}
		return u.renderShiftForm(w, r, a, status, f, id, back)
	}
	u.web.Flash(w, web.FlashOK, "reports.shifts.saved")
	web.Redirect(w, r, shiftsBack(saved.Start, loc))
	return nil
}

func (u *UI) shiftDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	sh, err := u.Shifts.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := u.Shifts.Delete(r.Context(), a, id); err != nil {
		return err
	}
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	u.web.Flash(w, web.FlashOK, "reports.shifts.deleted")
	web.Redirect(w, r, shiftsBack(sh.Start, s.Location()))
	return nil
}

// readShift reads the form: the date and the times of day are local to
// the report's time zone; an end at or before its start is the next day
// (a night shift), as is an activity that starts before the shift.
func readShift(f *web.Form, loc *time.Location) shift.Input {
	in := shift.Input{AgentID: f.ID("agent_id"), Note: f.Get("note")}
	day, err := time.ParseInLocation(dateLayout, f.Get("date"), loc)
	if err != nil {
		f.Invalid("date", "reports.err.date")
		return in
	}
	at := func(field, hm string) (time.Time, bool) {
		t, err := time.ParseInLocation(dateLayout+" 15:04", day.Format(dateLayout)+" "+hm, loc)
		if err != nil {
			f.Invalid(field, "reports.err.time")
			return time.Time{}, false
		}
		return t, true
	}
	start, ok1 := at("start", f.Get("start"))
	end, ok2 := at("end", f.Get("end"))
	if !ok1 || !ok2 {
		return in
	}
	if !end.After(start) {
		end = end.AddDate(0, 0, 1)
	}
	in.Start, in.End = start, end
	for i := range actRows {
		n := strconv.Itoa(i)
		kind := f.Get("act_kind_" + n)
		if kind == "" {
			continue
		}
		as, ok1 := at("activities", f.Get("act_start_"+n))
		ae, ok2 := at("activities", f.Get("act_end_"+n))
		if !ok1 || !ok2 {
			continue
		}
		if as.Before(start) {
			as = as.AddDate(0, 0, 1)
		}
		if !ae.After(as) {
			ae = ae.AddDate(0, 0, 1)
		}
		in.Activities = append(in.Activities, shift.Activity{Kind: kind, Start: as, End: ae})
	}
	return in
}
