package media

import (
	"slices"
	"strings"
)

// sdpRank gives the RFC 4566 order of line types within a section.
const sessionOrder, mediaOrder = "vosiuepcbtrzka", "micbka"

// normalizeSDP puts the lines of each section in RFC 4566 order and adds a
// missing s= and t= line.
func normalizeSDP(text string) string {
	var sections [][]string
	cur := []string{}
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		if len(line) < 2 || line[1] != '=' {
			continue
		}
		if line[0] == 'm' {
			sections = append(sections, cur)
			cur = []string{}
		}
		cur = append(cur, line)
	}
	sections = append(sections, cur)
	session := sections[0]
	if !slices.ContainsFunc(session, func(l string) bool { return l[0] == 's' }) {
		session = append(session, "s=-")
	}
	if !slices.ContainsFunc(session, func(l string) bool { return l[0] == 't' }) {
		session = append(session, "t=0 0")
	}
	sortSection(session, sessionOrder)
	var b strings.Builder
	for i, sec := range append([][]string{session}, sections[1:]...) {
		if i > 0 {
			sortSection(sec, mediaOrder)
		}
		for _, l := range sec {
			b.WriteString(l)
			b.WriteString("\r\n")
		}
	}
	return b.String()
}

func sortSection(lines []string, order string) {
	rank := func(l string) int {
		if i := strings.IndexByte(order, l[0]); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(lines, func(a, b string) int { return rank(a) - rank(b) })
}
