package bus

import (
	"fmt"
	"strings"
)

// Root is the first token of every subject; All is the pattern matching
// every event.
const (
	Root = "hotline"
	All  = Root + ".>"
)

// maxSubjectLen keeps subjects well inside NATS limits and log lines.
const maxSubjectLen = 256

// Subject builds "hotline.<part>.<part>..." and checks every part is a valid
// token, e.g. Subject("call", id) or Subject("org", "user").
func Subject(parts ...string) (string, error) {
	s := Root + "." + strings.Join(parts, ".")
	for _, p := range parts {
		if !validToken(p) {
			return "", fmt.Errorf("%w: token %q in %q (want printable ASCII without space, '.', '*', '>')", ErrInvalidSubject, p, s)
		}
	}
	return s, ValidateSubject(s)
}

// ValidateSubject reports whether s can be published: at least two tokens,
// the first "hotline", no wildcards.
func ValidateSubject(s string) error {
	if err := checkTokens(s, false); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidSubject, err)
	}
	return nil
}

// ValidatePattern reports whether p can be subscribed to: like a subject,
// but a token may be "*" and the last token may be ">".
func ValidatePattern(p string) error {
	if err := checkTokens(p, true); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidPattern, err)
	}
	return nil
}

// Match reports whether subject matches pattern; false if either is invalid.
func Match(pattern, subject string) bool {
	if ValidatePattern(pattern) != nil || ValidateSubject(subject) != nil {
		return false
	}
	return matchTokens(strings.Split(pattern, "."), subject)
}

func checkTokens(s string, wild bool) error {
	if len(s) > maxSubjectLen {
		return fmt.Errorf("%.40q... is longer than %d bytes", s, maxSubjectLen)
	}
	toks := strings.Split(s, ".")
	if len(toks) < 2 || toks[0] != Root {
		return fmt.Errorf("%q must be %s.<token>[.<token>...]", s, Root)
	}
	for i, t := range toks[1:] {
		switch {
		case wild && t == "*":
		case wild && t == ">" && i == len(toks)-2:
		case !validToken(t):
			return fmt.Errorf("%q: bad token %q", s, t)
		}
	}
	return nil
}

// validToken: non-empty printable ASCII without the separator or wildcards.
func validToken(t string) bool {
	return t != "" && printable(t) && !strings.ContainsAny(t, ".*>")
}

// matchTokens matches a valid subject against a split valid pattern without
// allocating; it runs once per subscription per published event.
func matchTokens(pattern []string, subject string) bool {
	rest, more := subject, true
	for _, pt := range pattern {
		if !more {
			return false
		}
		if pt == ">" {
			return true
		}
		var tok string
		tok, rest, more = strings.Cut(rest, ".")
		if pt != "*" && pt != tok {
			return false
		}
	}
	return !more
}
