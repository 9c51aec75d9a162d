package ivr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Document is a provisioning document: stored prompts and flows.
//
//	prompts:
//	  - {name: welcome, kind: tts, language: zh-CN, text: 欢迎致电}
//	flows:
//	  - name: main
//	    start: menu
//	    nodes: {...}
type Document struct {
	Prompts []PromptInput `json:"prompts,omitempty" yaml:"prompts,omitempty"`
	Flows   []*Flow       `json:"flows,omitempty" yaml:"flows,omitempty"`
	// Warnings are non-fatal findings (unreachable nodes) with positions.
	Warnings []string `json:"-" yaml:"-"`
}

// Bounds on provisioning input, so that a hostile document costs little.
const (
	MaxYAMLSize = 1 << 20
	// maxYAMLNodes bounds the node count with every alias expanded; yaml.v3
	// has its own alias-expansion ratio check, this one is absolute.
	maxYAMLNodes = 100_000
)

// YAMLIssue is one problem at a position of a YAML document.
type YAMLIssue struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// YAMLError lists the problems of a YAML document. It unwraps to an
// apperr.Invalid naming the first one.
type YAMLError struct {
	File   string
	Issues []YAMLIssue
}

func (e *YAMLError) Error() string {
	lines := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		lines[i] = e.at(is) + is.Message
	}
	return strings.Join(lines, "\n")
}

func (e *YAMLError) at(is YAMLIssue) string {
	switch {
	case is.Line > 0 && is.Column > 0:
		return fmt.Sprintf("%s:%d:%d: ", e.File, is.Line, is.Column)
	case is.Line > 0:
		return fmt.Sprintf("%s:%d: ", e.File, is.Line)
	}
	return e.File + ": "
}

// Unwrap exposes the first problem as a classified error.
func (e *YAMLError) Unwrap() error {
	return &apperr.Error{Kind: apperr.KindInvalid, Code: "invalid", Field: "yaml",
		Message: strings.TrimSpace(e.at(e.Issues[0]) + e.Issues[0].Message)}
}

func (e *YAMLError) add(n *yaml.Node, format string, args ...any) {
	is := YAMLIssue{Message: fmt.Sprintf(format, args...)}
	if n != nil {
		is.Line, is.Column = n.Line, n.Column
	}
	e.Issues = append(e.Issues, is)
}

// ParseYAML reads a provisioning document and validates every prompt and
// flow in it. Errors carry file:line:column positions taken from the YAML
// nodes. References between the document and the database (goto_flow,
// stored prompts) are checked by Apply.
func ParseYAML(file string, data []byte) (*Document, error) {
	e := &YAMLError{File: file}
	root, err := parseTree(data)
	if err != nil {
		e.Issues = append(e.Issues, yamlIssues(err)...)
		return nil, e
	}
	var doc Document
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		e.Issues = append(e.Issues, yamlIssues(err)...)
		return nil, e
	}
	top := root.Content[0]
	checkDocPrompts(e, &doc, field(top, "prompts"))
	checkDocFlows(e, &doc, field(top, "flows"))
	if len(e.Issues) > 0 {
		return nil, e
	}
	// "flows: []" and no flows at all mean the same; keep one form so a
	// re-encoded document (which omits empty lists) reads back equal.
	if len(doc.Flows) == 0 {
		doc.Flows = nil
	}
	if len(doc.Prompts) == 0 {
		doc.Prompts = nil
	}
	return &doc, nil
}

// parseTree parses data into a node tree and bounds its expanded size.
func parseTree(data []byte) (*yaml.Node, error) {
	if len(data) > MaxYAMLSize {
		return nil, fmt.Errorf("document is larger than %d bytes", MaxYAMLSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("document is empty")
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line %d: only one YAML document is allowed", extra.Line)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: the document must be a mapping with prompts and flows", root.Line)
	}
	budget := maxYAMLNodes
	if !withinBudget(&root, &budget, 0) {
		return nil, fmt.Errorf("document is nested too deeply or expands to more than %d nodes (aliases included)", maxYAMLNodes)
	}
	return &root, nil
}

// withinBudget walks n, following aliases, and fails once more than budget
// nodes have been seen, so the cost is bounded by the budget itself.
func withinBudget(n *yaml.Node, budget *int, depth int) bool {
	if *budget--; *budget < 0 || depth > 200 {
		return false
	}
	if n.Kind == yaml.AliasNode {
		return n.Alias == nil || withinBudget(n.Alias, budget, depth+1)
	}
	for _, c := range n.Content {
		if !withinBudget(c, budget, depth+1) {
			return false
		}
	}
	return true
}

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlIssues turns a yaml.v3 (or custom unmarshaler) error into issues,
// lifting "line N:" prefixes into positions and Go type names out of the text.
func yamlIssues(err error) []YAMLIssue {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make([]YAMLIssue, 0, len(msgs))
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		is := YAMLIssue{Message: m}
		if sub := lineRE.FindStringSubmatch(m); sub != nil {
			is.Line, _ = strconv.Atoi(sub[1])
			is.Message = sub[2]
		}
		is.Message = typeNameRE.ReplaceAllString(is.Message, "")
		out = append(out, is)
	}
	return out
}

var typeNameRE = regexp.MustCompile(` in type \S+`)

// field returns the value node of key in mapping n, or nil.
func field(n *yaml.Node, key string) *yaml.Node {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// item returns element i of sequence n, or n itself when it is not one.
func item(n *yaml.Node, i int) *yaml.Node {
	n = resolveAlias(n)
	if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return n
}

// locate finds the node at a dotted field path below n, or the deepest node
// on the way (a missing field is reported at its parent).
func locate(n *yaml.Node, path string) *yaml.Node {
	if path == "" {
		return n
	}
	for _, seg := range strings.Split(path, ".") {
		c := resolveAlias(n)
		var next *yaml.Node
		switch c.Kind {
		case yaml.MappingNode:
			next = field(c, seg)
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(c.Content) {
				next = c.Content[i]
			}
		default:
			next = c // a single prompt standing for a list of one
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

func checkDocPrompts(e *YAMLError, doc *Document, seq *yaml.Node) {
	seen := map[string]bool{}
	for i := range doc.Prompts {
		n := item(seq, i)
		in := &doc.Prompts[i]
		if err := in.Validate(); err != nil {
			path := ""
			if ae := apperr.As(err); ae != nil {
				path = ae.Field
			}
			e.add(locate(n, path), "prompt %q: %v", in.Name, err)
			continue
		}
		if seen[in.Name] {
			e.add(locate(n, "name"), "prompt %q is defined twice", in.Name)
		}
		seen[in.Name] = true
	}
}

func checkDocFlows(e *YAMLError, doc *Document, seq *yaml.Node) {
	seen := map[string]bool{}
	for i, f := range doc.Flows {
		n := item(seq, i)
		if f == nil {
			e.add(n, "flows.%d: empty flow", i)
			continue
		}
		warns, err := Validate(f)
		for _, w := range warns {
			at := locate(n, w.Path)
			doc.Warnings = append(doc.Warnings, fmt.Sprintf("%s:%d:%d: flow %q: %s", e.File, at.Line, at.Column, f.Name, w))
		}
		var ve *ValidationError
		if errors.As(err, &ve) {
			for _, is := range ve.Issues {
				e.add(locate(n, is.Path), "flow %q: %s", f.Name, is)
			}
			continue
		}
		if seen[f.Name] {
			e.add(locate(n, "name"), "flow %q is defined twice", f.Name)
		}
		seen[f.Name] = true
	}
}
