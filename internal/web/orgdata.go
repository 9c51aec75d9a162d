package web

import (
	"context"
	"sort"

	"github.com/hotline-cc/hotline/internal/org"
)

// deptRow is a department as a row of the indented tree.
type deptRow struct {
	org.Department
	Depth    int
	Path     string // "Root / Child / Name"
	Children int
	Teams    int
}

// Indent is the depth capped for the CSS classes that indent rows.
func (d deptRow) Indent() int { return min(d.Depth, 8) }

// deptRows orders departments as a depth-first tree (siblings by name).
func deptRows(ds []org.Department) []deptRow {
	kids := map[int64][]org.Department{}
	known := map[int64]bool{}
	for _, d := range ds {
		known[d.ID] = true
	}
	for _, d := range ds {
		p := d.ParentID
		if !known[p] {
			p = 0 // an orphan (should not happen) still shows, at the top
		}
		kids[p] = append(kids[p], d)
	}
	for _, k := range kids {
		sort.SliceStable(k, func(i, j int) bool { return k[i].Name < k[j].Name })
	}
	var out []deptRow
	var walk func(parent int64, depth int, prefix string)
	walk = func(parent int64, depth int, prefix string) {
		for _, d := range kids[parent] {
			path := d.Name
			if prefix != "" {
				path = prefix + " / " + d.Name
			}
			out = append(out, deptRow{Department: d, Depth: depth, Path: path, Children: len(kids[d.ID])})
			if depth < 64 { // a cycle cannot exist, but never recurse without bound
				walk(d.ID, depth+1, path)
			}
		}
	}
	walk(0, 0, "")
	return out
}

// Option is an entry of a select (the "select" partial takes a []Option).
type Option struct {
	Value int64
	Label string
	Group int64 // for team options: the department, so the script can filter
}

// deptOptions lists departments as select options labelled with their
// path (a closed select shows where the department sits), leaving out
// the subtree of exclude (a department cannot move under itself).
func deptOptions(rows []deptRow, exclude int64) []Option {
	var out []Option
	skipBelow := -1
	for _, d := range rows {
		if skipBelow >= 0 && d.Depth > skipBelow {
			continue
		}
		skipBelow = -1
		if d.ID == exclude {
			skipBelow = d.Depth
			continue
		}
		out = append(out, Option{Value: d.ID, Label: d.Path})
	}
	return out
}

// orgChoices are the selects of the user and team forms.
type orgChoices struct {
	Departments []Option
	Teams       []Option
	Roles       []org.Role
	deptPath    map[int64]string
	teamName    map[int64]string
	roleByID    map[int64]org.Role
}

// DeptPath is a department's full path, "" for none.
func (c *orgChoices) DeptPath(id int64) string { return c.deptPath[id] }

// TeamName is a team's name, "" for none.
func (c *orgChoices) TeamName(id int64) string { return c.teamName[id] }

func (u *UI) orgChoices(ctx context.Context) (*orgChoices, error) {
	ds, err := u.Org.Departments(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := u.Org.Teams(ctx, 0)
	if err != nil {
		return nil, err
	}
	rs, err := u.Org.Roles(ctx)
	if err != nil {
		return nil, err
	}
	rows := deptRows(ds)
	c := &orgChoices{Departments: deptOptions(rows, 0), Roles: rs, deptPath: map[int64]string{},
		teamName: map[int64]string{}, roleByID: map[int64]org.Role{}}
	for _, d := range rows {
		c.deptPath[d.ID] = d.Path
	}
	for _, t := range ts {
		c.teamName[t.ID] = t.Name
		label := t.Name
		if p := c.deptPath[t.DepartmentID]; p != "" {
			label += " — " + p
		}
		c.Teams = append(c.Teams, Option{Value: t.ID, Label: label, Group: t.DepartmentID})
	}
	for _, r := range rs {
		c.roleByID[r.ID] = r
	}
	return c, nil
}

// Role returns the role with id (zero Role when unknown).
func (c *orgChoices) Role(id int64) org.Role { return c.roleByID[id] }
