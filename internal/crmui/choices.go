package crmui

import (
	"context"
	"sort"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// choices are the people and units the actor may pick in CRM forms: the
// active users in their data scope, and the teams and departments it covers.
type choices struct {
	Users []web.Option
	Teams []web.Option
	Depts []web.Option
	names map[int64]string
	teams map[int64]string
	depts map[int64]string
}

// UserName, TeamName and DeptName label IDs ("" when unknown).
func (c *choices) UserName(id int64) string { return c.names[id] }
func (c *choices) TeamName(id int64) string { return c.teams[id] }
func (c *choices) DeptName(id int64) string { return c.depts[id] }

func (u *UI) choices(ctx context.Context, a *org.Actor) (*choices, error) {
	c := &choices{names: map[int64]string{}, teams: map[int64]string{}, depts: map[int64]string{}}
	o := u.web.Org
	active := true
	users, _, err := o.Users(ctx, a, org.UserQuery{Active: &active, Limit: 1000, Sort: "display_name"})
	if err != nil {
		return nil, err
	}
	for _, x := range users {
		c.Users = append(c.Users, web.Option{Value: x.ID, Label: x.DisplayName + " (" + x.Username + ")", Group: x.TeamID})
		c.names[x.ID] = x.DisplayName
	}
	ds, err := o.Departments(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		c.depts[d.ID] = d.Name
		if a.Scope.Allows(0, 0, d.ID) {
			c.Depts = append(c.Depts, web.Option{Value: d.ID, Label: d.Name})
		}
	}
	ts, err := o.Teams(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		c.teams[t.ID] = t.Name
		if a.Scope.Allows(0, t.ID, t.DepartmentID) {
			c.Teams = append(c.Teams, web.Option{Value: t.ID, Label: t.Name + " — " + c.depts[t.DepartmentID], Group: t.DepartmentID})
		}
	}
	sort.SliceStable(c.Depts, func(i, j int) bool { return c.Depts[i].Label < c.Depts[j].Label })
	return c, nil
}
