// Package valid holds the small input checks shared by domain packages; each
// returns an apperr.Invalid naming the field so that the API can say which
// input was wrong.
package valid

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Text checks that s (already trimmed by the caller if wanted) has between
// min and max characters (runes, so Chinese names count per character) and
// no control characters.
func Text(field, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case n < min && min == 1:
		return apperr.Invalid(field, "is required")
	case n < min:
		return apperr.Invalid(field, "must be at least %d characters", min)
	case n > max:
		return apperr.Invalid(field, "must be at most %d characters (got %d)", max, n)
	case !utf8.ValidString(s):
		return apperr.Invalid(field, "is not valid UTF-8")
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return apperr.Invalid(field, "contains control characters")
		}
	}
	return nil
}

// Date checks an optional YYYY-MM-DD date.
func Date(field, s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return apperr.Invalid(field, "must be a date YYYY-MM-DD")
	}
	return nil
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// Email checks an optional e-mail address.
func Email(field, s string) error {
	if s == "" {
		return nil
	}
	if len(s) > 254 || !emailRE.MatchString(s) {
		return apperr.Invalid(field, "is not an e-mail address")
	}
	return nil
}

var digitsRE = regexp.MustCompile(`^[0-9]+$`)

// Digits checks an optional string of min..max decimal digits.
func Digits(field, s string, min, max int) error {
	if s == "" {
		return nil
	}
	if !digitsRE.MatchString(s) || len(s) < min || len(s) > max {
		return apperr.Invalid(field, "must be %d to %d digits", min, max)
	}
	return nil
}

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 ()-]{2,30}$`)

// Phone checks an optional phone number as people type it.
func Phone(field, s string) error {
	if s == "" {
		return nil
	}
	if !phoneRE.MatchString(s) {
		return apperr.Invalid(field, "is not a phone number")
	}
	return nil
}

// OneOf checks that s is one of the allowed values.
func OneOf(field, s string, allowed ...string) error {
	for _, a := range allowed {
		if s == a {
			return nil
		}
	}
	return apperr.Invalid(field, "must be one of %s", strings.Join(allowed, ", "))
}
