package deskui

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hotline-cc/hotline/internal/dialer"
)

// The campaign form writes the script's objection answers and the
// dispositions as lines of text, one entry a line, so that no script is
// needed to add rows:
//
//	objection = answer
//	key | label | flags        (flags: success final retry dnc)
//
// The parsers are pure and report the first bad line by number.

// LineError is a bad line of a multi-line input.
type LineError struct {
	Line   int    // 1-based
	Reason string // catalog key: desk.err.line.*
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// maxLines bounds the entries of one input (a pasted novel is refused,
// not parsed).
const maxLines = 200

// splitLines splits text on any line ending; blank lines stay, so that
// line numbers match what the user sees.
func splitLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// ParseObjections reads "objection = answer" lines; blank lines are
// skipped. The first "=" separates the two, so an answer may contain "=".
func ParseObjections(text string) ([]dialer.Objection, error) {
	out := []dialer.Objection{}
	for i, line := range splitLines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(out) == maxLines {
			return nil, &LineError{i + 1, "desk.err.line.too_many"}
		}
		obj, ans, ok := strings.Cut(line, "=")
		obj, ans = strings.TrimSpace(obj), strings.TrimSpace(ans)
		if !ok {
			return nil, &LineError{i + 1, "desk.err.line.no_equals"}
		}
		if obj == "" || ans == "" {
			return nil, &LineError{i + 1, "desk.err.line.objection_empty"}
		}
		out = append(out, dialer.Objection{Objection: obj, Answer: ans})
	}
	return out, nil
}

// FormatObjections writes objections the way ParseObjections reads them.
func FormatObjections(os []dialer.Objection) string {
	var b strings.Builder
	for _, o := range os {
		fmt.Fprintf(&b, "%s = %s\n", oneLine(o.Objection), oneLine(o.Answer))
	}
	return b.String()
}

// dispositionKeyRE is what a disposition key may be: it is stored on
// contacts and sent by the desktop, so keep it plain.
var dispositionKeyRE = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// DispositionFlags are the flags a disposition line may carry.
var DispositionFlags = []string{"success", "final", "retry", "dnc"}

// ParseDispositions reads "key | label | flags" lines; the label defaults
// to the key and flags are optional. Blank lines are skipped; an empty
// text means the dialer's defaults.
func ParseDispositions(text string) ([]dialer.Disposition, error) {
	var out []dialer.Disposition
	seen := map[string]bool{}
	for i, line := range splitLines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(out) == maxLines {
			return nil, &LineError{i + 1, "desk.err.line.too_many"}
		}
		parts := strings.Split(line, "|")
		if len(parts) > 3 {
			return nil, &LineError{i + 1, "desk.err.line.disp_parts"}
		}
		d := dialer.Disposition{Key: strings.TrimSpace(parts[0])}
		if !dispositionKeyRE.MatchString(d.Key) {
			return nil, &LineError{i + 1, "desk.err.line.disp_key"}
		}
		if seen[d.Key] {
			return nil, &LineError{i + 1, "desk.err.line.disp_dup"}
		}
		seen[d.Key] = true
		d.Label = d.Key
		if len(parts) > 1 && strings.TrimSpace(parts[1]) != "" {
			d.Label = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			if !setFlags(&d, parts[2]) {
				return nil, &LineError{i + 1, "desk.err.line.disp_flag"}
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func setFlags(d *dialer.Disposition, s string) bool {
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		switch f {
		case "success":
			d.Success = true
		case "final":
			d.Final = true
		case "retry":
			d.Retry = true
		case "dnc":
			d.DNC = true
		default:
			return false
		}
	}
	return true
}

// FormatDispositions writes dispositions the way ParseDispositions reads them.
func FormatDispositions(ds []dialer.Disposition) string {
	var b strings.Builder
	for _, d := range ds {
		var flags []string
		for _, f := range []struct {
			on   bool
			name string
		}{{d.Success, "success"}, {d.Final, "final"}, {d.Retry, "retry"}, {d.DNC, "dnc"}} {
			if f.on {
				flags = append(flags, f.name)
			}
		}
		fmt.Fprintf(&b, "%s | %s", d.Key, strings.ReplaceAll(oneLine(d.Label), "|", "/"))
		if len(flags) > 0 {
			b.WriteString(" | " + strings.Join(flags, " "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// hourRangeRE is one range of calling hours. The dialer's own check reads
// the numbers and ignores what follows them; the form wants nothing else.
var hourRangeRE = regexp.MustCompile(`^\d{1,2}:\d{2}-\d{1,2}:\d{2}$`)

// ParseHourRanges splits the calling hours input ("09:00-12:00, 13:30-21:00")
// and checks each range; it returns the first bad one.
func ParseHourRanges(text string) ([]string, string) {
	out := []string{}
	for _, r := range strings.FieldsFunc(text, func(c rune) bool { return strings.ContainsRune(",;，；、 \n\r\t", c) }) {
		if len(out) == maxLines {
			return nil, r
		}
		if _, err := dialer.ParseHours("UTC", nil, []string{r}); err != nil || !hourRangeRE.MatchString(r) {
			return nil, r
		}
		out = append(out, r)
	}
	return out, ""
}

// lineSep is how an earlier version stored line breaks in scripts (U+2028
// LINE SEPARATOR); DecodeScript still reads it.
const lineSep = "\u2028"

// EncodeScript normalises a multi-line script for storing: \n line breaks,
// tabs as spaces, no surrounding blank space.
func EncodeScript(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\t", " ")
	return strings.TrimSpace(s)
}

// DecodeScript shows a stored script with its line breaks.
func DecodeScript(s string) string { return strings.ReplaceAll(s, lineSep, "\n") }

// oneLine keeps a value on its line when it is written into a textarea.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\n", " ", "\r", " ", lineSep, " ").Replace(s)), " ")
}
