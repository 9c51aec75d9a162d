package ivr

import (
	"fmt"
	"regexp"
	"strings"
)

// Templates are deliberately tiny: "{{name}}" is replaced by the variable's
// value ("" when unset). There are no expressions, filters or escapes, so a
// flow author cannot write a template that fails or loops at call time.

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// checkTemplate reports the first malformed "{{...}}" in s.
func checkTemplate(s string) error {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			if strings.Contains(s, "}}") {
				return fmt.Errorf("has \"}}\" without \"{{\"")
			}
			return nil
		}
		if strings.Contains(s[:i], "}}") {
			return fmt.Errorf("has \"}}\" without \"{{\"")
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			return fmt.Errorf("has \"{{\" without \"}}\"")
		}
		name := strings.TrimSpace(s[i+2 : i+2+j])
		if !identRE.MatchString(name) {
			return fmt.Errorf("template {{%s}} must name a variable (letters, digits, _)", name)
		}
		s = s[i+2+j+2:]
	}
}

func hasTemplate(s string) bool { return strings.Contains(s, "{{") }

// expand replaces every {{name}} in s (already checked) with vars[name].
func expand(s string, vars map[string]string) string {
	if !hasTemplate(s) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString(vars[strings.TrimSpace(s[i+2:i+2+j])])
		s = s[i+2+j+2:]
	}
	b.WriteString(s)
	return b.String()
}
