package satisfaction

import (
	"strings"

	"github.com/hotline-cc/hotline/internal/valid"
)

// note trims a multi-line text (a finding, a call-back note, an outcome)
// and checks it: valid.Text refuses control characters, and line breaks
// are the one kind a note may have.
func note(field, s string, lo, hi int) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	return s, valid.Text(field, strings.ReplaceAll(s, "\n", " "), lo, hi)
}
