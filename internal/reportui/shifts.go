package reportui

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/shift"
)

// shiftsView is the week of shifts: a row per agent, a column per day.
type shiftsView struct {
	Week      string // the Monday, YYYY-MM-DD
	Title     string // "2026-03-02 – 2026-03-08"
	Days      []dayHead
	Rows      []agentWeek
	Prev      string
	Next      string
	ThisWeek  string
	CanManage bool
	Own       bool
	Teams     []opt
	Depts     []opt
	TeamID    int64
	DeptID    int64
	TimeZone  string
}

type dayHead struct {
	Date  string
	Label string
	Today bool
}

type agentWeek struct {
	ID    int64
	Name  string
	Days  [7][]shiftCell
	Hours string // phone time scheduled in the week, h:mm
}

// shiftCell is one shift as the week shows it.
type shiftCell struct {
	ID         int64
	Time       string
	Activities []string
	Note       string
}

func (u *UI) shiftsPage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ctx := r.Context()
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	loc := s.Location()
	mon := weekStart(r.URL.Query().Get("week"), u.Now().In(loc))
	q := r.URL.Query()
	v := &shiftsView{Week: mon.Format(dateLayout), CanManage: a.Can(permWFMSet), Own: a.Scope.Kind == org.ScopeOwn && !a.System,
		TeamID: qID(q, "team_id"), DeptID: qID(q, "department_id"), TimeZone: s.TimeZone,
		Title: mon.Format(dateLayout) + " – " + mon.AddDate(0, 0, 6).Format(dateLayout)}
	link := func(d time.Time) string {
		p := url.Values{"week": {d.Format(dateLayout)}}
		if v.TeamID != 0 {
			p.Set("team_id", idStr(v.TeamID))
		}
		if v.DeptID != 0 {
			p.Set("department_id", idStr(v.DeptID))
		}
		return Base + "/shifts?" + p.Encode()
	}
	v.Prev, v.Next, v.ThisWeek = link(mon.AddDate(0, 0, -7)), link(mon.AddDate(0, 0, 7)), link(u.Now().In(loc))
	today := u.Now().In(loc).Format(dateLayout)
	for i := range 7 {
		d := mon.AddDate(0, 0, i)
		v.Days = append(v.Days, dayHead{Date: d.Format(dateLayout), Label: d.Format("01-02") + " " + u.t(r, "reports.wd."+d.Weekday().String()[:3]),
			Today: d.Format(dateLayout) == today})
	}
	shs, err := u.Shifts.List(ctx, a, shift.Filter{From: mon, To: mon.AddDate(0, 0, 7), TeamID: v.TeamID, DepartmentID: v.DeptID})
	if err != nil {
		return err
	}
	if v.Rows, err = u.weekRows(r, a, v, shs, mon, loc); err != nil {
		return err
	}
	if !v.Own {
		var c choices
		if err := u.orgChoices(ctx, a, filter{TeamID: v.TeamID, DepartmentID: v.DeptID}, &c); err != nil {
			return err
		}
		v.Teams, v.Depts = c.Teams, c.Departments
	}
	u.web.Render(w, r, "reports_shifts", v)
	return nil
}

// weekStart is the Monday of the week holding the date given (today when
// none or unreadable).
func weekStart(date string, now time.Time) time.Time {
	loc := now.Location()
	d, err := time.ParseInLocation(dateLayout, date, loc)
	if err != nil {
		d = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	}
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// weekRows lays the shifts out per agent and day: the agents of the scope
// (and filter) who take calls — with a team or an extension — and anyone
// with a shift in the week.
func (u *UI) weekRows(r *http.Request, a *org.Actor, v *shiftsView, shs []shift.Shift, mon time.Time, loc *time.Location) ([]agentWeek, error) {
	rows := map[int64]*agentWeek{}
	active := true
	us, _, err := u.Org.Users(r.Context(), a, org.UserQuery{Active: &active, TeamID: v.TeamID, DepartmentID: v.DeptID,
		Sort: "display_name", Limit: 1000})
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, usr := range us {
		names[usr.ID] = usr.DisplayName
		if usr.TeamID != 0 || usr.Extension != "" || usr.ID == a.UserID && v.Own {
			rows[usr.ID] = &agentWeek{ID: usr.ID, Name: usr.DisplayName}
		}
	}
	phone := map[int64]time.Duration{}
	for _, sh := range shs {
		row := rows[sh.AgentID]
		if row == nil {
			n := names[sh.AgentID]
			if n == "" {
				n = "#" + strconv.FormatInt(sh.AgentID, 10)
			}
			row = &agentWeek{ID: sh.AgentID, Name: n}
			rows[sh.AgentID] = row
		}
		day := int(sh.Start.In(loc).Sub(mon).Hours() / 24)
		if day < 0 || day > 6 {
			continue // begun the week before, shown there
		}
		row.Days[day] = append(row.Days[day], u.shiftCell(r, sh, loc))
		for _, p := range sh.PhoneTime() {
			phone[sh.AgentID] += p.End.Sub(p.Start)
		}
	}
	out := make([]agentWeek, 0, len(rows))
	for id, row := range rows {
		row.Hours = hours(phone[id].Milliseconds())
		out = append(out, *row)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func (u *UI) shiftCell(r *http.Request, sh shift.Shift, loc *time.Location) shiftCell {
	c := shiftCell{ID: sh.ID, Time: span(sh.Start, sh.End, loc), Note: sh.Note}
	for _, act := range sh.Activities {
		c.Activities = append(c.Activities, u.t(r, "reports.activity."+act.Kind)+" "+span(act.Start, act.End, loc))
	}
	return c
}

// span formats a time span of a day, "+1" when it ends the next day.
func span(from, to time.Time, loc *time.Location) string {
	f, t := from.In(loc), to.In(loc)
	s := f.Format("15:04") + "–" + t.Format("15:04")
	if t.YearDay() != f.YearDay() || t.Year() != f.Year() {
		s += " (+1)"
	}
	return s
}

// nextShift is the actor's shift going on now or the next one within two
// weeks (nil when none).
func (u *UI) nextShift(r *http.Request, a *org.Actor, now time.Time) (*shift.Shift, error) {
	shs, err := u.Shifts.List(r.Context(), a, shift.Filter{From: now, To: now.AddDate(0, 0, 14), AgentID: a.UserID})
	if err != nil || len(shs) == 0 {
		return nil, err
	}
	return &shs[0], nil
}

// shiftsBack is the week page holding a shift.
func shiftsBack(t time.Time, loc *time.Location) string {
	return Base + "/shifts?week=" + weekStart(t.In(loc).Format(dateLayout), t.In(loc)).Format(dateLayout)
}
