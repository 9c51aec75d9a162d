package reportui

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
)

// opt is an option of a select.
type opt struct {
	Value string
	Label string
	Sel   bool
}

// choices are the options of the filter form. The people and teams
// offered are those of the actor's scope; an agent (own scope) gets none,
// since their report is their own.
type choices struct {
	Periods, Intervals, Groupings, Directions []opt
	Queues, Departments, Teams, Agents        []opt
	Sources, Levels, Fields                   []opt
}

var directions = []string{"inbound", "outbound", "internal", "callback"}

func (u *UI) choices(r *http.Request, a *org.Actor, f filter) (choices, error) {
	ctx := r.Context()
	var c choices
	for _, p := range periods {
		c.Periods = append(c.Periods, opt{p, u.t(r, "reports.period."+p), p == f.Period})
	}
	for _, iv := range report.Intervals {
		c.Intervals = append(c.Intervals, opt{string(iv), u.t(r, "reports.interval."+string(iv)), string(iv) == f.Interval})
	}
	for _, g := range report.Groupings {
		if a.Scope.Kind == org.ScopeOwn && (g == report.GroupAgent || g == report.GroupTeam || g == report.GroupDepartment) {
			continue // one agent's own figures have one group
		}
		c.Groupings = append(c.Groupings, opt{string(g), u.t(r, "reports.group."+groupKey(g)), string(g) == f.GroupBy})
	}
	for _, d := range directions {
		c.Directions = append(c.Directions, opt{d, u.t(r, "reports.dir."+d), d == f.Direction})
	}
	if u.Queues != nil {
		qs, err := u.Queues.List(ctx)
		if err != nil {
			return c, err
		}
		for _, q := range qs {
			c.Queues = append(c.Queues, opt{q.Name, q.Name, q.Name == f.Queue})
		}
	}
	if err := u.orgChoices(ctx, a, f, &c); err != nil {
		return c, err
	}
	return c, u.crmChoices(ctx, f, &c)
}

func groupKey(g report.GroupBy) string {
	if g == report.GroupNone {
		return "none"
	}
	return string(g)
}

func (u *UI) orgChoices(ctx context.Context, a *org.Actor, f filter, c *choices) error {
	sc := a.Scope
	if sc.Kind == org.ScopeOwn && !a.System {
		return nil
	}
	all := sc.Kind == org.ScopeAll || a.System
	if all || sc.Kind == org.ScopeDepartment {
		ds, err := u.Org.Departments(ctx)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if all || slices.Contains(sc.DeptIDs, d.ID) {
				c.Departments = append(c.Departments, opt{idStr(d.ID), d.Name, d.ID == f.DepartmentID})
			}
		}
	}
	ts, err := u.Org.Teams(ctx, 0)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if all || (sc.Kind == org.ScopeDepartment && slices.Contains(sc.DeptIDs, t.DepartmentID)) || t.ID == sc.TeamID {
			c.Teams = append(c.Teams, opt{idStr(t.ID), t.Name, t.ID == f.TeamID})
		}
	}
	active := true
	us, _, err := u.Org.Users(ctx, a, org.UserQuery{Active: &active, Sort: "display_name", Limit: 1000})
	if err != nil {
		return err
	}
	for _, usr := range us {
		c.Agents = append(c.Agents, opt{idStr(usr.ID), usr.DisplayName, usr.ID == f.AgentID})
	}
	return nil
}

func (u *UI) crmChoices(ctx context.Context, f filter, c *choices) error {
	if u.CRM == nil {
		return nil
	}
	ls, err := u.CRM.Lists(ctx)
	if err != nil {
		return err
	}
	for _, o := range ls.Sources {
		c.Sources = append(c.Sources, opt{o.Key, o.Label, o.Key == f.Source})
	}
	for _, o := range ls.Levels {
		c.Levels = append(c.Levels, opt{o.Key, o.Label, o.Key == f.Level})
	}
	fs, err := u.CRM.Fields(ctx)
	if err != nil {
		return err
	}
	for _, fd := range fs {
		c.Fields = append(c.Fields, opt{fd.Key, fd.Label, fd.Key == f.CFKey})
	}
	return nil
}

func idStr(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
