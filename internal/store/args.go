package store

import "strconv"

// Args collects the arguments of a query built in pieces and hands out their
// $N placeholders, so dynamic WHERE clauses stay parameterised.
type Args struct{ vals []any }

// Add appends v and returns its placeholder.
func (a *Args) Add(v any) string {
	a.vals = append(a.vals, v)
	return "$" + strconv.Itoa(len(a.vals))
}

// In appends each value and returns "($1, $2, ...)"; an empty list yields
// "(NULL)", which matches nothing.
func (a *Args) In(vals ...int64) string {
	if len(vals) == 0 {
		return "(NULL)"
	}
	s := "("
	for i, v := range vals {
		if i > 0 {
			s += ", "
		}
		s += a.Add(v)
	}
	return s + ")"
}

// Values returns the collected arguments.
func (a *Args) Values() []any { return a.vals }

// InText is In for text values.
func (a *Args) InText(vals ...string) string {
	if len(vals) == 0 {
		return "(NULL)"
	}
	s := "("
	for i, v := range vals {
		if i > 0 {
			s += ", "
		}
		s += a.Add(v)
	}
	return s + ")"
}
