package crm

import (
	"strconv"

	"github.com/hotline-cc/hotline/internal/store"
)

// binder hands out placeholders for statements with many parameters (bulk
// inserts, long IN lists): "?" on SQLite, whose lookup of "$N" names is
// linear per parameter (so a 2,000-parameter statement costs quadratic
// time), and "$N" on PostgreSQL. Every placeholder must appear once, in
// the order it was handed out.
type binder struct {
	vals  []any
	qmark bool
}

func (s *Service) binder() *binder { return &binder{qmark: s.db.Dialect == store.SQLite} }

// Add appends v and returns its placeholder.
func (b *binder) Add(v any) string {
	b.vals = append(b.vals, v)
	if b.qmark {
		return "?"
	}
	return "$" + strconv.Itoa(len(b.vals))
}

// In appends each value and returns "(p1, p2, ...)"; empty yields "(NULL)".
func (b *binder) In(vals ...int64) string {
	if len(vals) == 0 {
		return "(NULL)"
	}
	s := make([]byte, 0, len(vals)*6)
	s = append(s, '(')
	for i, v := range vals {
		if i > 0 {
			s = append(s, ", "...)
		}
		s = append(s, b.Add(v)...)
	}
	return string(append(s, ')'))
}

// Values returns the collected arguments.
func (b *binder) Values() []any { return b.vals }
