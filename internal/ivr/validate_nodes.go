package ivr

import (
	"fmt"
	"regexp"
	"sort"
	"time"
	"unicode/utf8"
)

// rule says which fields a node type accepts and checks them.
type rule struct {
	allowed map[string]bool
	check   func(c *checker, f *Flow, path string, n *Node)
}

func fields(names ...string) map[string]bool {
	m := map[string]bool{"type": true}
	for _, n := range names {
		m[n] = true
	}
	return m
}

var nodeRules = map[NodeType]rule{
	TypePlay:     {fields("prompt", "interruptible", "next"), checkPlay},
	TypeCollect:  {fields("prompt", "variable", "min_digits", "max_digits", "terminator", "first_digit_timeout", "inter_digit_timeout", "pattern", "next", "on_timeout", "on_invalid", "retries", "invalid_prompt", "timeout_prompt"), checkCollect},
	TypeMenu:     {fields("prompt", "choices", "timeout", "retries", "invalid_prompt", "timeout_prompt", "on_fail"), checkMenu},
	TypeHours:    {fields("timezone", "weekly", "holidays", "workdays", "open", "closed"), checkHours},
	TypeSet:      {fields("vars", "next"), checkSet},
	TypeGotoFlow: {fields("flow"), checkGotoFlow},
	TypeTransfer: {fields("prompt", "target_kind", "target"), checkTransfer},
	TypeHangup:   {fields("prompt"), checkHangup},
}

// presentFields lists the (JSON) names of n's non-zero fields.
func presentFields(n *Node) []string {
	var out []string
	add := func(name string, present bool) {
		if present {
			out = append(out, name)
		}
	}
	add("prompt", len(n.Prompt) > 0)
	add("interruptible", n.Interruptible)
	add("next", n.Next != "")
	add("variable", n.Variable != "")
	add("min_digits", n.MinDigits != 0)
	add("max_digits", n.MaxDigits != 0)
	add("terminator", n.Terminator != "")
	add("first_digit_timeout", n.FirstDigitTimeout != 0)
	add("inter_digit_timeout", n.InterDigitTimeout != 0)
	add("pattern", n.Pattern != "")
	add("on_timeout", n.OnTimeout != "")
	add("on_invalid", n.OnInvalid != "")
	add("retries", n.Retries != nil)
	add("invalid_prompt", len(n.InvalidPrompt) > 0)
	add("timeout_prompt", len(n.TimeoutPrompt) > 0)
	add("choices", len(n.Choices) > 0)
	add("timeout", n.Timeout != 0)
	add("on_fail", n.OnFail != "")
	add("timezone", n.Timezone != "")
	add("weekly", len(n.Weekly) > 0)
	add("holidays", len(n.Holidays) > 0)
	add("workdays", len(n.Workdays) > 0)
	add("open", n.Open != "")
	add("closed", n.Closed != "")
	add("vars", len(n.Vars) > 0)
	add("flow", n.Flow != "")
	add("target_kind", n.TargetKind != "")
	add("target", n.Target != "")
	return out
}

func checkPlay(c *checker, f *Flow, p string, n *Node) {
	c.prompts(p+".prompt", n.Prompt, true)
	c.target(f, p+".next", n.Next, true)
}

func checkCollect(c *checker, f *Flow, p string, n *Node) {
	c.prompts(p+".prompt", n.Prompt, false)
	c.prompts(p+".invalid_prompt", n.InvalidPrompt, false)
	c.prompts(p+".timeout_prompt", n.TimeoutPrompt, false)
	if n.Variable != "" {
		c.identifier(p+".variable", n.Variable)
	}
	switch {
	case n.MaxDigits < 1 || n.MaxDigits > MaxDigits:
		c.errf(p+".max_digits", "must be 1 to %d", MaxDigits)
	case n.MinDigits < 0 || n.MinDigits > n.MaxDigits:
		c.errf(p+".min_digits", "must be 1 to max_digits (%d)", n.MaxDigits)
	}
	if n.Terminator != "" && n.Terminator != "#" && n.Terminator != "*" {
		c.errf(p+".terminator", "must be \"#\" or \"*\" (got %q)", n.Terminator)
	}
	c.timeout(p+".first_digit_timeout", n.FirstDigitTimeout, 60*time.Second)
	c.timeout(p+".inter_digit_timeout", n.InterDigitTimeout, 30*time.Second)
	if n.Pattern != "" {
		if _, err := compilePattern(n.Pattern); err != nil {
			c.errf(p+".pattern", "%v", err)
		}
	}
	c.retries(p+".retries", n.Retries)
	c.target(f, p+".next", n.Next, true)
	c.target(f, p+".on_timeout", n.OnTimeout, false)
	c.target(f, p+".on_invalid", n.OnInvalid, false)
	if n.OnTimeout == "" && n.OnInvalid == "" {
		c.errf(p+".on_timeout", "on_timeout or on_invalid is required: where to go when retries run out")
	}
}

// compilePattern anchors a collect pattern: it must match the whole input.
func compilePattern(s string) (*regexp.Regexp, error) {
	if len(s) > 200 {
		return nil, fmt.Errorf("at most 200 characters")
	}
	re, err := regexp.Compile(`^(?:` + s + `)$`)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %v", err)
	}
	return re, nil
}

func checkMenu(c *checker, f *Flow, p string, n *Node) {
	c.prompts(p+".prompt", n.Prompt, true)
	c.prompts(p+".invalid_prompt", n.InvalidPrompt, false)
	c.prompts(p+".timeout_prompt", n.TimeoutPrompt, false)
	if len(n.Choices) == 0 {
		c.errf(p+".choices", "a menu needs at least one choice")
	}
	for _, key := range sortedKeys(n.Choices) {
		kp := p + ".choices." + key
		if !isKey(key) {
			c.errf(kp, "%q is not a key (0-9, *, #, A-D)", key)
			continue
		}
		c.target(f, kp, n.Choices[key], true)
	}
	c.timeout(p+".timeout", n.Timeout, 60*time.Second)
	c.retries(p+".retries", n.Retries)
	c.target(f, p+".on_fail", n.OnFail, true)
}

func checkHours(c *checker, f *Flow, p string, n *Node) {
	if n.Timezone == "" {
		c.errf(p+".timezone", "is required (an IANA name like Asia/Shanghai)")
	} else if _, err := time.LoadLocation(n.Timezone); err != nil {
		c.errf(p+".timezone", "unknown timezone %q (want an IANA name like Asia/Shanghai)", n.Timezone)
	}
	for _, day := range sortedKeys(n.Weekly) {
		if !isWeekdayKey(day) {
			c.errf(p+".weekly."+day, "unknown day %q (want mon, tue, wed, thu, fri, sat or sun)", day)
			continue
		}
		c.ranges(p+".weekly."+day, n.Weekly[day])
	}
	seen := map[string]string{}
	c.specialDays(p+".holidays", n.Holidays, seen)
	c.specialDays(p+".workdays", n.Workdays, seen)
	c.target(f, p+".open", n.Open, true)
	c.target(f, p+".closed", n.Closed, true)
}

func isWeekdayKey(s string) bool {
	for _, k := range weekdayKeys {
		if k == s {
			return true
		}
	}
	return false
}

func (c *checker) ranges(path string, list []string) {
	if len(list) > maxRanges {
		c.errf(path, "at most %d time ranges", maxRanges)
		return
	}
	for i, r := range list {
		if _, err := parseRange(r); err != nil {
			c.errf(fmt.Sprintf("%s.%d", path, i), "%v", err)
		}
	}
}

// specialDays checks dates; seen maps each date to the path that listed it,
// so that a date cannot be both a holiday and a make-up workday.
func (c *checker) specialDays(path string, days []SpecialDay, seen map[string]string) {
	if len(days) > maxSpecialDays {
		c.errf(path, "at most %d dates", maxSpecialDays)
		return
	}
	for i, d := range days {
		dp := fmt.Sprintf("%s.%d", path, i)
		if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
			c.errf(dp+".date", "%q is not a date YYYY-MM-DD", d.Date)
			continue
		}
		if prev, dup := seen[d.Date]; dup {
			c.errf(dp+".date", "%s is already listed at %s", d.Date, prev)
			continue
		}
		seen[d.Date] = dp
		if utf8.RuneCountInString(d.Name) > 100 || !utf8.ValidString(d.Name) {
			c.errf(dp+".name", "must be valid text of at most 100 characters")
		}
		c.ranges(dp+".hours", d.Hours)
	}
}

func checkSet(c *checker, f *Flow, p string, n *Node) {
	switch {
	case len(n.Vars) == 0:
		c.errf(p+".vars", "a set node needs at least one variable")
	case len(n.Vars) > maxVars:
		c.errf(p+".vars", "at most %d variables", maxVars)
	}
	for _, name := range sortedKeys(n.Vars) {
		vp := p + ".vars." + name
		c.identifier(vp, name)
		v := n.Vars[name]
		if utf8.RuneCountInString(v) > 1000 || !utf8.ValidString(v) {
			c.errf(vp, "must be valid text of at most 1000 characters")
		} else if err := checkTemplate(v); err != nil {
			c.errf(vp, "%v", err)
		}
	}
	c.target(f, p+".next", n.Next, true)
}

func checkGotoFlow(c *checker, f *Flow, p string, n *Node) {
	switch {
	case n.Flow == "":
		c.errf(p+".flow", "is required")
	case !flowNameRE.MatchString(n.Flow):
		c.errf(p+".flow", "%q is not a flow name", n.Flow)
	}
}

func checkTransfer(c *checker, f *Flow, p string, n *Node) {
	c.prompts(p+".prompt", n.Prompt, false)
	switch n.TargetKind {
	case TargetQueue, TargetExtension, TargetExternal:
	case "":
		c.errf(p+".target_kind", "is required (queue, extension or external)")
	default:
		c.errf(p+".target_kind", "unknown target kind %q (want queue, extension or external)", n.TargetKind)
	}
	if n.Target == "" {
		c.errf(p+".target", "is required")
		return
	}
	if err := checkTemplate(n.Target); err != nil {
		c.errf(p+".target", "%v", err)
		return
	}
	if !hasTemplate(n.Target) {
		if err := checkTarget(n.TargetKind, n.Target); err != nil {
			c.errf(p+".target", "%v", err)
		}
	}
}

// checkTarget checks a transfer target after template expansion.
func checkTarget(kind TargetKind, target string) error {
	switch kind {
	case TargetExtension:
		if !extenRE.MatchString(target) {
			return fmt.Errorf("extension %q must be 1-16 digits", target)
		}
	case TargetExternal:
		if !externalRE.MatchString(target) {
			return fmt.Errorf("external number %q must be 3-20 digits, optionally after '+'", target)
		}
	default:
		if target == "" || utf8.RuneCountInString(target) > 100 || !utf8.ValidString(target) {
			return fmt.Errorf("queue name %q must be 1-100 characters", target)
		}
	}
	return nil
}

func checkHangup(c *checker, f *Flow, p string, n *Node) {
	c.prompts(p+".prompt", n.Prompt, false)
}

// checkPromptName checks the name of a stored prompt.
func checkPromptName(s string) error {
	if !flowNameRE.MatchString(s) {
		return fmt.Errorf("prompt name %q must be 1-64 letters, digits, '_', '-' or '.'", s)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
