package bus

import (
	"errors"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, subject string
		want             bool
	}{
		{"hotline.call.1", "hotline.call.1", true},
		{"hotline.call.1", "hotline.call.2", false},
		{"hotline.call.*", "hotline.call.1", true},
		{"hotline.call.*", "hotline.call", false},
		{"hotline.call.*", "hotline.call.1.leg", false},
		{"hotline.call.>", "hotline.call.1", true},
		{"hotline.call.>", "hotline.call.1.leg.a", true},
		{"hotline.call.>", "hotline.call", false},
		{"hotline.>", "hotline.org.user", true},
		{"hotline.*.user", "hotline.org.user", true},
		{"hotline.*.user", "hotline.org.users", false},
		{"hotline.*.*", "hotline.org", false},
		{"hotline.call.*", "hotline.callx.1", false},
		{"hotline.>", "hotline.*", false},     // invalid subject
		{"hotline.>.x", "hotline.a.x", false}, // invalid pattern
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.subject); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.subject, got, tt.want)
		}
	}
}

func TestSubject(t *testing.T) {
	s, err := Subject("call", "0193a6f2-7c1e-7d4b-9a55-1c2f3e4d5a6b")
	if err != nil || s != "hotline.call.0193a6f2-7c1e-7d4b-9a55-1c2f3e4d5a6b" {
		t.Errorf("Subject = %q, %v", s, err)
	}
	for _, parts := range [][]string{nil, {""}, {"call", "a.b"}, {"call", "*"}, {"call", ">"}, {"call", "a b"}, {"坐席"}, {strings.Repeat("x", 300)}} {
		if _, err := Subject(parts...); !errors.Is(err, ErrInvalidSubject) {
			t.Errorf("Subject(%q) = %v, want ErrInvalidSubject", parts, err)
		}
	}
}

// FuzzMatch: validation and matching never panic, and agree with the
// rules: a valid subject matches itself as a pattern and matches All.
func FuzzMatch(f *testing.F) {
	f.Add("hotline.call.*", "hotline.call.1")
	f.Add("hotline.>", "hotline.a.b.c")
	f.Add("hotline.*.x", "hotline..x")
	f.Add(">", "")
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		m := Match(pattern, subject)
		if ValidateSubject(subject) != nil {
			if m {
				t.Fatalf("invalid subject %q matched %q", subject, pattern)
			}
			return
		}
		if !Match(subject, subject) || !Match(All, subject) {
			t.Fatalf("valid subject %q does not match itself or %s", subject, All)
		}
		if m && ValidatePattern(pattern) != nil {
			t.Fatalf("invalid pattern %q matched", pattern)
		}
	})
}
