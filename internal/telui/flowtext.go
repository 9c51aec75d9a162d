package telui

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hotline-cc/hotline/internal/ivr"
)

// issue is one finding about a flow's text: where (line and column in the
// text, 0 when unknown; the field path) and what — an English message from
// the validators, or a catalog key of the module's own.
type issue struct {
	Line, Col int
	Path      string
	Msg       string
	Key       string
	Args      []any
}

// flowCheck is the result of reading a flow's text.
type flowCheck struct {
	Flow     *ivr.Flow // nil when the text has errors
	Errors   []issue
	Warnings []issue
	root     *yaml.Node // the text's mapping, for locating paths; nil if unreadable
}

// wrapLines is how many lines wrapFlow puts before the user's text, and
// wrapCols how far it indents it.
const (
	wrapLines = 2
	wrapCols  = 2
)

// wrapFlow makes a provisioning document of one flow's text so that
// ivr.ParseYAML reads and validates it with positions: the text becomes
// the only item of "flows", indented by two columns. JSON is YAML, so a
// flow written as JSON is read the same way.
func wrapFlow(text string) []byte {
	var b bytes.Buffer
	b.Grow(len(text) + len(text)/8 + 16)
	b.WriteString("flows:\n-\n")
	for _, l := range strings.Split(text, "\n") {
		b.WriteString("  ")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// normalizeText removes what browsers and editors add that YAML would
// misread: a byte-order mark, CR line ends, a leading document marker.
func normalizeText(text string) string {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	if first, rest, _ := strings.Cut(text, "\n"); strings.TrimRight(first, " \t") == "---" {
		text = "\n" + rest // keep the line numbers
	}
	return text
}

// flowPrefixRE and pathRE take apart ParseYAML's messages:
// `flow "main": nodes.menu.choices.1: unknown node "x"`.
var (
	flowPrefixRE = regexp.MustCompile(`^flow "(?:[^"\\]|\\.)*": `)
	pathRE       = regexp.MustCompile(`^((?:name|description|start|nodes)(?:\.[^\s:]+)?): (.*)$`)
	lineInMsgRE  = regexp.MustCompile(`\bline (\d+)\b`)
)

// parseFlowText reads and validates a flow written as YAML or JSON.
func parseFlowText(text string) *flowCheck {
	text = normalizeText(text)
	c := &flowCheck{}
	if strings.TrimSpace(text) == "" {
		c.Errors = append(c.Errors, issue{Key: "tel.flow.err_empty"})
		return c
	}
	if len(text) > ivr.MaxFlowJSON {
		c.Errors = append(c.Errors, issue{Key: "tel.flow.err_too_big", Args: []any{ivr.MaxFlowJSON / 1024}})
		return c
	}
	c.root = textRoot(text)
	doc, err := ivr.ParseYAML("flow", wrapFlow(text))
	var ye *ivr.YAMLError
	switch {
	case errors.As(err, &ye):
		for _, is := range ye.Issues {
			c.Errors = append(c.Errors, fromYAMLIssue(is))
		}
		return c
	case err != nil:
		c.Errors = append(c.Errors, issue{Msg: err.Error()})
		return c
	case doc == nil || len(doc.Flows) != 1 || doc.Flows[0] == nil:
		c.Errors = append(c.Errors, issue{Key: "tel.flow.err_empty"})
		return c
	}
	c.Flow = doc.Flows[0]
	warns, _ := ivr.Validate(c.Flow) // ParseYAML validated it; this returns the warnings with paths
	for _, w := range warns {
		c.Warnings = append(c.Warnings, c.at(w.Path, issue{Path: w.Path, Msg: w.Message}))
	}
	return c
}

// fromYAMLIssue moves a position of the wrapped document back into the
// user's text and separates the field path from the message.
func fromYAMLIssue(is ivr.YAMLIssue) issue {
	msg := flowPrefixRE.ReplaceAllString(is.Message, "")
	// Messages may name other lines of the wrapped document ("already
	// defined at line 9"); those move back too.
	msg = lineInMsgRE.ReplaceAllStringFunc(msg, func(s string) string {
		n, err := strconv.Atoi(strings.TrimPrefix(s, "line "))
		if err != nil || n <= wrapLines {
			return s
		}
		return "line " + strconv.Itoa(n-wrapLines)
	})
	out := issue{Msg: msg}
	if is.Line > wrapLines {
		out.Line = is.Line - wrapLines
		if is.Column > wrapCols {
			out.Col = is.Column - wrapCols
		}
	}
	if m := pathRE.FindStringSubmatch(out.Msg); m != nil {
		out.Path, out.Msg = m[1], m[2]
	}
	return out
}

// textRoot parses text into a node tree for locating paths, or nil.
func textRoot(text string) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	if n := doc.Content[0]; n.Kind == yaml.MappingNode {
		return n
	}
	return nil
}

// at returns is with the line and column of path in the text.
func (c *flowCheck) at(path string, is issue) issue {
	if n := locate(c.root, path); n != nil {
		is.Line, is.Col = n.Line, n.Column
	}
	return is
}

// locate finds the node at a dotted field path ("nodes.menu.choices.1"),
// or the deepest node on the way (a missing field is reported at its
// parent); nil when the tree is unknown.
func locate(n *yaml.Node, path string) *yaml.Node {
	if n == nil || path == "" {
		return n
	}
	for _, seg := range strings.Split(path, ".") {
		c := deref(n)
		var next *yaml.Node
		switch c.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(c.Content); i += 2 {
				if c.Content[i].Value == seg {
					next = c.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(c.Content) {
				next = c.Content[i]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// flowYAML writes a flow as YAML for the editor: nodes in the outline's
// order (start first, then along the branches), short mappings and lists
// on one line.
func flowYAML(f *ivr.Flow) (string, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) {
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }
	add("name", str(f.Name))
	if f.Description != "" {
		add("description", str(f.Description))
	}
	add("start", str(f.Start))
	nodes := &yaml.Node{Kind: yaml.MappingNode}
	for _, id := range nodeOrder(f) {
		var v yaml.Node
		if err := v.Encode(f.Nodes[id]); err != nil {
			return "", err
		}
		orderWeekly(&v)
		compact(&v)
		nodes.Content = append(nodes.Content, str(id), &v)
	}
	add("nodes", nodes)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// orderWeekly lists a schedule's days Monday first, as people read them
// (the encoder sorts map keys alphabetically).
func orderWeekly(n *yaml.Node) {
	w := locate(n, "weekly")
	if w == n || w.Kind != yaml.MappingNode {
		return
	}
	rank := map[string]int{}
	for i, d := range weekdays {
		rank[d] = i
	}
	type pair struct{ k, v *yaml.Node }
	pairs := make([]pair, 0, len(w.Content)/2)
	for i := 0; i+1 < len(w.Content); i += 2 {
		pairs = append(pairs, pair{w.Content[i], w.Content[i+1]})
	}
	sort.SliceStable(pairs, func(i, j int) bool { return rank[pairs[i].k.Value] < rank[pairs[j].k.Value] })
	w.Content = w.Content[:0]
	for _, p := range pairs {
		w.Content = append(w.Content, p.k, p.v)
	}
}

// compactWidth is the longest mapping or list written on one line.
const compactWidth = 72

// compact puts short mappings and lists of scalars in flow style, as
// people write them: {type: transfer, target_kind: queue, target: sales}.
func compact(n *yaml.Node) {
	for _, c := range n.Content {
		compact(c)
	}
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return
	}
	width := 0
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || strings.Contains(c.Value, "\n") {
			return
		}
		width += len(c.Value) + 2
	}
	if width <= compactWidth {
		n.Style = yaml.FlowStyle
	}
}

// flowJSON writes a flow as indented JSON.
func flowJSON(f *ivr.Flow) (string, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}
