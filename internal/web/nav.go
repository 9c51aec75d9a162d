package web

import (
	"sort"
	"strings"

	"github.com/hotline-cc/hotline/internal/org"
)

// NavItem is one entry of the left navigation. Labels are catalog keys.
// Sections appear in the order of their smallest item Order; the foundation
// uses 0 (home), 100–199 (organisation) and 900–999 (system), so modules
// fit their sections between 200 and 899.
type NavItem struct {
	Section string         // catalog key of the section heading; "" for the top block
	Label   string         // catalog key of the entry
	Desc    string         // catalog key of a one-line description on the home page; optional
	Path    string         // URL path; the entry is highlighted on it and below it
	Perm    org.Permission // needed to see the entry; zero = every logged-in user
	Order   int
}

// NavSection is a heading with the entries an actor may see.
type NavSection struct {
	Label string
	Items []NavLink
}

// NavLink is an entry as shown: with whether it is the current page.
type NavLink struct {
	NavItem
	Active bool
}

func builtinNav() []NavItem {
	p := org.P
	return []NavItem{
		{Label: "nav.home", Path: "/", Order: 0},
		{Section: "nav.section.org", Label: "nav.departments", Desc: "home.desc.departments", Path: "/admin/departments",
			Perm: p("departments", "view"), Order: 110},
		{Section: "nav.section.org", Label: "nav.teams", Desc: "home.desc.teams", Path: "/admin/teams",
			Perm: p("teams", "view"), Order: 120},
		{Section: "nav.section.org", Label: "nav.users", Desc: "home.desc.users", Path: "/admin/users",
			Perm: p("users", "view"), Order: 130},
		{Section: "nav.section.org", Label: "nav.roles", Desc: "home.desc.roles", Path: "/admin/roles",
			Perm: p("roles", "view"), Order: 140},
		{Section: "nav.section.system", Label: "nav.audit", Desc: "home.desc.audit", Path: "/admin/audit",
			Perm: p("audit", "view"), Order: 910},
		{Section: "nav.section.system", Label: "nav.account", Desc: "home.desc.account", Path: "/account", Order: 990},
	}
}

// allowed reports whether a may see the entry.
func (n NavItem) allowed(a *org.Actor) bool {
	return a != nil && (n.Perm == (org.Permission{}) || a.Can(n.Perm))
}

// visibleNav returns the entries a may see, grouped into sections, with the
// entry of path marked active (the longest matching path wins).
func visibleNav(items []NavItem, a *org.Actor, path string) []NavSection {
	vis := make([]NavItem, 0, len(items))
	for _, it := range items {
		if it.allowed(a) {
			vis = append(vis, it)
		}
	}
	sortNav(vis)
	active := ""
	for _, it := range vis {
		if matchesPath(it.Path, path) && len(it.Path) > len(active) {
			active = it.Path
		}
	}
	var out []NavSection
	index := map[string]int{}
	for _, it := range vis {
		i, ok := index[it.Section]
		if !ok {
			i = len(out)
			index[it.Section] = i
			out = append(out, NavSection{Label: it.Section})
		}
		out[i].Items = append(out[i].Items, NavLink{NavItem: it, Active: it.Path == active})
	}
	return out
}

func matchesPath(item, path string) bool {
	if item == "/" {
		return path == "/"
	}
	return path == item || strings.HasPrefix(path, item+"/")
}

func sortNav(items []NavItem) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].Order < items[j].Order })
}
