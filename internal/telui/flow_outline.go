package telui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hotline-cc/hotline/internal/ivr"
)

// outlineNode is one node of a flow as the outline shows it.
type outlineNode struct {
	ID          string
	Type        string // node type; the template translates tel.node.<type>
	Start       bool
	Unreachable bool
	Says        []string
	Details     []string
	Branches    []branch
}

// branch is one way out of a node.
type branch struct {
	Label   string // translated: "key 1", "no input", ...
	To      string // node id, flow, queue, extension or number
	Anchor  string // "#node-x" for a node of this flow
	URL     string // page of a flow or queue, when it exists
	Missing bool   // a transfer target that does not exist
}

// translator translates a catalog key with arguments.
type translator func(key string, args ...any) string

// targets says which flows, queues and extensions exist (name → page URL).
type targets struct {
	flows, queues, exts map[string]string
}

// nodeOrder lists a flow's node ids from the start node along the
// branches (breadth first), then the unreachable ones by name.
func nodeOrder(f *ivr.Flow) []string {
	out := reachable(f)
	seen := make(map[string]bool, len(out))
	for _, id := range out {
		seen[id] = true
	}
	rest := make([]string, 0, len(f.Nodes)-len(out))
	for id := range f.Nodes {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// edge is a branch to another node of the same flow; key is the catalog
// key of its label and arg the menu key.
type edge struct{ key, arg, to string }

func nodeEdges(n *ivr.Node) []edge {
	var out []edge
	add := func(key, arg, to string) {
		if to != "" {
			out = append(out, edge{key, arg, to})
		}
	}
	for _, k := range menuKeys(n.Choices) {
		add("tel.br.key", k, n.Choices[k])
	}
	add("tel.br.next", "", n.Next)
	add("tel.br.open", "", n.Open)
	add("tel.br.closed", "", n.Closed)
	add("tel.br.on_timeout", "", n.OnTimeout)
	add("tel.br.on_invalid", "", n.OnInvalid)
	add("tel.br.on_fail", "", n.OnFail)
	return out
}

// menuKeys orders menu keys as on a keypad: 1–9, 0, *, #, then letters.
func menuKeys(m map[string]string) []string {
	const pad = "1234567890*#ABCD"
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		if i := strings.Index(pad, k); i >= 0 && len(k) == 1 {
			return i
		}
		return len(pad)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}

// outline describes every node of f for the read-only view.
func outline(f *ivr.Flow, t translator, tg targets) []outlineNode {
	reach := map[string]bool{}
	for _, id := range reachable(f) {
		reach[id] = true
	}
	var out []outlineNode
	for _, id := range nodeOrder(f) {
		n := f.Nodes[id]
		o := outlineNode{ID: id, Start: id == f.Start, Unreachable: !reach[id]}
		if n != nil {
			o.Type = string(n.Type)
			o.Says = promptTexts(n.Prompt)
			o.Details = nodeDetails(n, t)
			for _, e := range nodeEdges(n) {
				label := t(e.key)
				if e.arg != "" {
					label = t(e.key, e.arg)
				}
				o.Branches = append(o.Branches, branch{Label: label, To: e.to, Anchor: "#node-" + e.to})
			}
			if b, ok := exitBranch(n, t, tg); ok {
				o.Branches = append(o.Branches, b)
			}
		}
		out = append(out, o)
	}
	return out
}

// reachable lists the nodes reachable from the start node.
func reachable(f *ivr.Flow) []string {
	seen := map[string]bool{}
	queue := []string{f.Start}
	var out []string
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		n, ok := f.Nodes[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
		if n != nil {
			for _, e := range nodeEdges(n) {
				queue = append(queue, e.to)
			}
		}
	}
	return out
}

// exitBranch is where a transfer or goto_flow node leaves the flow.
func exitBranch(n *ivr.Node, t translator, tg targets) (branch, bool) {
	templated := strings.Contains(n.Target, "{{")
	switch {
	case n.Type == ivr.TypeGotoFlow:
		url, ok := tg.flows[n.Flow]
		return branch{Label: t("tel.br.goto_flow"), To: n.Flow, URL: url, Missing: !ok}, true
	case n.Type != ivr.TypeTransfer:
		return branch{}, false
	case n.TargetKind == ivr.TargetQueue:
		url, ok := tg.queues[n.Target]
		return branch{Label: t("tel.br.to_queue"), To: n.Target, URL: url, Missing: !ok && !templated}, true
	case n.TargetKind == ivr.TargetExtension:
		url, ok := tg.exts[n.Target]
		return branch{Label: t("tel.br.to_extension"), To: n.Target, URL: url, Missing: !ok && !templated}, true
	}
	return branch{Label: t("tel.br.to_external"), To: n.Target}, true
}

func promptTexts(ps ivr.Prompts) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if p.Name != "" {
			out = append(out, "▶ "+p.Name)
			continue
		}
		s := "“" + p.Text + "”"
		if p.Lang != "" {
			s += " (" + p.Lang + ")"
		}
		out = append(out, s)
	}
	return out
}

// nodeDetails are the settings of a node worth reading in the outline.
func nodeDetails(n *ivr.Node, t translator) []string {
	var out []string
	switch n.Type {
	case ivr.TypePlay:
		if n.Interruptible {
			out = append(out, t("tel.outline.interruptible"))
		}
	case ivr.TypeCollect:
		v := n.Variable
		if v == "" {
			v = ivr.VarDigits
		}
		minD := max(n.MinDigits, 1)
		out = append(out, t("tel.outline.collect", minD, n.MaxDigits, v))
		if n.Terminator != "" {
			out = append(out, t("tel.outline.terminator", n.Terminator))
		}
		if n.Pattern != "" {
			out = append(out, t("tel.outline.pattern", n.Pattern))
		}
	case ivr.TypeMenu:
		if n.Timeout > 0 {
			out = append(out, t("tel.outline.timeout", n.Timeout.String()))
		}
	case ivr.TypeHours:
		out = append(out, hoursDetails(n, t)...)
	case ivr.TypeSet:
		for _, k := range sortedVarKeys(n.Vars) {
			out = append(out, k+" = "+n.Vars[k])
		}
	}
	if n.Retries != nil && (n.Type == ivr.TypeMenu || n.Type == ivr.TypeCollect) {
		out = append(out, t("tel.outline.retries", *n.Retries))
	}
	return out
}

var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// hoursDetails summarises a schedule: days with the same hours together.
func hoursDetails(n *ivr.Node, t translator) []string {
	out := []string{t("tel.outline.timezone", n.Timezone)}
	var groups []string
	byHours := map[string][]string{}
	for _, d := range weekdays {
		hs, ok := n.Weekly[d]
		if !ok {
			continue
		}
		key := strings.Join(hs, ", ")
		if _, seen := byHours[key]; !seen {
			groups = append(groups, key)
		}
		byHours[key] = append(byHours[key], t("tel.day."+d))
	}
	for _, g := range groups {
		hours := g
		if hours == "" {
			hours = t("tel.outline.closed_day")
		}
		out = append(out, strings.Join(byHours[g], " ")+": "+hours)
	}
	if len(n.Holidays) > 0 {
		out = append(out, t("tel.outline.holidays", len(n.Holidays)))
	}
	if len(n.Workdays) > 0 {
		out = append(out, t("tel.outline.workdays", len(n.Workdays)))
	}
	return out
}

func sortedVarKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// targetWarnings are the transfers to queues or extensions that do not
// exist (targets with {{templates}} are decided at call time).
func targetWarnings(c *flowCheck, tg targets) {
	f := c.Flow
	for _, id := range nodeOrder(f) {
		n := f.Nodes[id]
		if n == nil || n.Type != ivr.TypeTransfer || strings.Contains(n.Target, "{{") {
			continue
		}
		path := fmt.Sprintf("nodes.%s.target", id)
		switch {
		case n.TargetKind == ivr.TargetQueue && tg.queues[n.Target] == "":
			c.Warnings = append(c.Warnings, c.at(path, issue{Path: path, Key: "tel.flow.warn_no_queue", Args: []any{n.Target}}))
		case n.TargetKind == ivr.TargetExtension && tg.exts[n.Target] == "":
			c.Warnings = append(c.Warnings, c.at(path, issue{Path: path, Key: "tel.flow.warn_no_ext", Args: []any{n.Target}}))
		}
	}
}
