package ivr

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Limits that keep a flow reviewable and its interpretation cheap.
const (
	MaxNodes       = 500
	MaxDigits      = 32
	MaxRetries     = 9
	MaxPromptText  = 1000
	maxVars        = 32
	maxSpecialDays = 400
	maxRanges      = 10
)

// Issue is one problem found in a flow, at a dotted field path such as
// "nodes.main.choices.3".
type Issue struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (i Issue) String() string { return i.Path + ": " + i.Message }

// ValidationError lists every error found in a flow, sorted by path. It
// unwraps to an *apperr.Error (KindInvalid) whose Field is the first path,
// so the HTTP layer reports it like any other bad input.
type ValidationError struct {
	Flow   string
	Issues []Issue
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Flow != "" {
		fmt.Fprintf(&b, "flow %q: ", e.Flow)
	}
	b.WriteString(e.Issues[0].String())
	if n := len(e.Issues) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more: ", n)
		for i, is := range e.Issues[1:] {
			if i == 4 {
				b.WriteString("; …")
				break
			}
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(is.String())
		}
		b.WriteString(")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap exposes the first issue as a classified error.
func (e *ValidationError) Unwrap() error {
	msg := e.Issues[0].Message
	if n := len(e.Issues) - 1; n > 0 {
		msg = fmt.Sprintf("%s (and %d more problems)", msg, n)
	}
	return &apperr.Error{Kind: apperr.KindInvalid, Code: "invalid", Field: e.Issues[0].Path, Message: msg}
}

type checker struct{ errs, warns []Issue }

func (c *checker) errf(path, format string, args ...any) {
	c.errs = append(c.errs, Issue{path, fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(path, format string, args ...any) {
	c.warns = append(c.warns, Issue{path, fmt.Sprintf(format, args...)})
}

func sortIssues(list []Issue) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].Path < list[j].Path })
}

var (
	// Flow names and node ids may be Chinese; "/" and "." are reserved for
	// run paths ("flow/node") and field paths ("nodes.id.field").
	flowNameRE = regexp.MustCompile(`^[\p{L}\p{N}_-][\p{L}\p{N}_.-]{0,63}$`)
	nodeIDRE   = regexp.MustCompile(`^[\p{L}\p{N}_-]{1,64}$`)
	langRE     = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	extenRE    = regexp.MustCompile(`^[0-9*#]{1,16}$`)
	externalRE = regexp.MustCompile(`^\+?[0-9]{3,20}$`)
)

// ValidFlowName reports whether s can name a flow.
func ValidFlowName(s string) bool { return flowNameRE.MatchString(s) }

// Validate checks f. It returns warnings (unreachable nodes) and, when f
// cannot run, a *ValidationError listing every error with its field path.
// References to other flows and to stored prompts are checked separately by
// CheckRefs, since they need the database.
func Validate(f *Flow) (warnings []Issue, err error) {
	c := &checker{}
	if f == nil {
		return nil, &ValidationError{Issues: []Issue{{"", "flow is empty"}}}
	}
	c.flowHeader(f)
	ids := sortedIDs(f.Nodes)
	for _, id := range ids {
		c.node(f, id)
	}
	if len(c.errs) == 0 {
		c.graph(f, ids)
	}
	sortIssues(c.errs)
	sortIssues(c.warns)
	if len(c.errs) > 0 {
		return c.warns, &ValidationError{Flow: f.Name, Issues: c.errs}
	}
	return c.warns, nil
}

func sortedIDs(nodes map[string]*Node) []string {
	ids := make([]string, 0, len(nodes))
	for id := range nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func (c *checker) flowHeader(f *Flow) {
	switch {
	case f.Name == "":
		c.errf("name", "is required")
	case !flowNameRE.MatchString(f.Name):
		c.errf("name", "%q must be 1-64 letters, digits, '_', '-' or '.'", f.Name)
	}
	if n := utf8.RuneCountInString(f.Description); n > 500 || !utf8.ValidString(f.Description) {
		c.errf("description", "must be valid text of at most 500 characters")
	}
	switch {
	case len(f.Nodes) == 0:
		c.errf("nodes", "a flow needs at least one node")
	case len(f.Nodes) > MaxNodes:
		c.errf("nodes", "at most %d nodes (got %d)", MaxNodes, len(f.Nodes))
	}
	switch {
	case f.Start == "":
		c.errf("start", "is required")
	case f.Nodes[f.Start] == nil && len(f.Nodes) > 0:
		c.errf("start", "unknown node %q", f.Start)
	}
}

func (c *checker) node(f *Flow, id string) {
	p := "nodes." + id
	n := f.Nodes[id]
	if !nodeIDRE.MatchString(id) {
		c.errf(p, "node id %q must be 1-64 letters, digits, '_' or '-'", id)
		return
	}
	if n == nil {
		c.errf(p, "node is empty")
		return
	}
	rules, ok := nodeRules[n.Type]
	if !ok {
		c.errf(p+".type", "unknown node type %q (want play, collect, menu, hours, set, goto_flow, transfer or hangup)", n.Type)
		return
	}
	for _, field := range presentFields(n) {
		if !rules.allowed[field] {
			c.errf(p+"."+field, "does not apply to %s nodes", n.Type)
		}
	}
	rules.check(c, f, p, n)
}

// target checks a reference to another node of the same flow.
func (c *checker) target(f *Flow, path, id string, required bool) {
	switch {
	case id == "" && required:
		c.errf(path, "is required")
	case id != "" && f.Nodes[id] == nil:
		c.errf(path, "unknown node %q", id)
	}
}

func (c *checker) prompts(path string, ps Prompts, required bool) {
	if len(ps) == 0 && required {
		c.errf(path, "is required")
	}
	if len(ps) > maxPromptList {
		c.errf(path, "at most %d prompts", maxPromptList)
	}
	for i, p := range ps {
		c.prompt(fmt.Sprintf("%s.%d", path, i), p)
	}
}

func (c *checker) prompt(path string, p Prompt) {
	switch {
	case p.Name != "" && (p.Text != "" || p.Lang != ""):
		c.errf(path, "a prompt is either a stored prompt name or text with lang, not both")
	case p.Name != "":
		if err := checkPromptName(p.Name); err != nil {
			c.errf(path, "%v", err)
		}
	case strings.TrimSpace(p.Text) == "":
		c.errf(path, "needs a stored prompt name or text")
	case utf8.RuneCountInString(p.Text) > MaxPromptText || !utf8.ValidString(p.Text):
		c.errf(path+".text", "must be valid text of at most %d characters", MaxPromptText)
	default:
		if err := checkTemplate(p.Text); err != nil {
			c.errf(path+".text", "%v", err)
		}
		if p.Lang != "" && !langRE.MatchString(p.Lang) {
			c.errf(path+".lang", "%q is not a language tag like zh-CN or en", p.Lang)
		}
	}
}

func (c *checker) timeout(path string, d Duration, max time.Duration) {
	if d != 0 && (d.D() < 500*time.Millisecond || d.D() > max) {
		c.errf(path, "%s is out of range (500ms to %s)", d, max)
	}
}

func (c *checker) retries(path string, r *int) {
	if r != nil && (*r < 0 || *r > MaxRetries) {
		c.errf(path, "must be 0 to %d", MaxRetries)
	}
}

func (c *checker) identifier(path, name string) {
	if !identRE.MatchString(name) {
		c.errf(path, "%q is not a variable name (letters, digits and _, not starting with a digit)", name)
	}
}

// isKey reports whether s is one DTMF key.
func isKey(s string) bool {
	return len(s) == 1 && strings.ContainsRune("0123456789*#ABCD", rune(s[0]))
}

func isDTMF(r rune) bool {
	return r >= '0' && r <= '9' || r == '*' || r == '#' || r >= 'A' && r <= 'D'
}
