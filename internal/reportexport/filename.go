package reportexport

import (
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/report"
)

// FileName names an export: 话务报表_2026-03-01_2026-03-31.xlsx (or
// call-report_… in English), the first and last local day of the period.
func FileName(q report.Query, loc *time.Location, lang, format string) string {
	from := q.From.In(loc)
	last := q.To.Add(-time.Millisecond).In(loc)
	if !last.After(from) {
		last = from
	}
	return tr(NormLang(lang), "stem") + "_" + from.Format("2006-01-02") + "_" + last.Format("2006-01-02") + "." + format
}

// ContentDisposition is the header of a download named name: a plain
// ASCII filename for old clients and the exact UTF-8 name as RFC 5987/6266
// filename*.
func ContentDisposition(name string) string {
	return `attachment; filename="` + asciiName(name) + `"; filename*=UTF-8''` + rfc5987(name)
}

// asciiName keeps the ASCII of name that is safe in a quoted string; a
// name that had non-ASCII in front (话务报表_…) becomes report_….
func asciiName(name string) string {
	var b strings.Builder
	lost := false
	for _, r := range name {
		switch {
		case r >= 0x80:
			lost = true
		case r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == '/':
			b.WriteByte('_')
		default:
			if lost && b.Len() == 0 {
				b.WriteString("report")
			}
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "report"
	}
	return b.String()
}

// rfc5987 percent-encodes every byte of s that is not an attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// isAttrChar reports whether c may appear unencoded in an RFC 5987 value.
func isAttrChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
