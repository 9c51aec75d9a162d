package ivr

import "strings"

// edge is a reference from one node to another, with the field path that
// holds it.
type edge struct{ path, to string }

// edges lists where n can go next. A goto_flow to the flow itself is an edge
// to the start node, so that a loop through it is seen like any other.
func edges(f *Flow, id string, n *Node) []edge {
	p := "nodes." + id + "."
	var out []edge
	add := func(field, to string) {
		if to != "" {
			out = append(out, edge{p + field, to})
		}
	}
	add("next", n.Next)
	add("on_timeout", n.OnTimeout)
	add("on_invalid", n.OnInvalid)
	add("on_fail", n.OnFail)
	add("open", n.Open)
	add("closed", n.Closed)
	for _, k := range sortedKeys(n.Choices) {
		add("choices."+k, n.Choices[k])
	}
	if n.Type == TypeGotoFlow && n.Flow == f.Name {
		add("flow", f.Start)
	}
	return out
}

// waitsForInput reports whether a node waits for the caller, which is what
// makes a cycle through it acceptable.
func waitsForInput(n *Node) bool { return n.Type == TypeCollect || n.Type == TypeMenu }

// graph warns about nodes unreachable from start and refuses loops that never
// wait for caller input (they would spin without end). It runs only on a
// flow whose references all resolve.
func (c *checker) graph(f *Flow, ids []string) {
	seen := map[string]bool{f.Start: true}
	queue := []string{f.Start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, e := range edges(f, id, f.Nodes[id]) {
			if !seen[e.to] {
				seen[e.to] = true
				queue = append(queue, e.to)
			}
		}
	}
	for _, id := range ids {
		if !seen[id] {
			c.warnf("nodes."+id, "unreachable from start node %q", f.Start)
		}
	}
	c.pureLoops(f, ids)
}

// pureLoops finds cycles among nodes that do not wait for input with a
// depth-first search; each back edge is one loop.
func (c *checker) pureLoops(f *Flow, ids []string) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		color[id] = grey
		stack = append(stack, id)
		for _, e := range edges(f, id, f.Nodes[id]) {
			if waitsForInput(f.Nodes[e.to]) {
				continue
			}
			switch color[e.to] {
			case white:
				visit(e.to)
			case grey:
				c.errf(e.path, "loop %s never waits for caller input (put a menu or collect in it)", loopText(stack, e.to))
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
	}
	for _, id := range ids {
		if color[id] == white && !waitsForInput(f.Nodes[id]) {
			visit(id)
		}
	}
}

func loopText(stack []string, to string) string {
	i := len(stack) - 1
	for i > 0 && stack[i] != to {
		i--
	}
	return strings.Join(append(append([]string{}, stack[i:]...), to), " → ")
}
