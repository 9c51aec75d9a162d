package complaintui

import (
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/web"
)

var keyRE = regexp.MustCompile(`"(complaints\.[a-z0-9_.]*[a-z0-9_])"`)

// Every catalog key the templates and handlers name exists in both
// languages with the same arguments; keys built from data exist for every
// value the complaint package knows.
func TestCatalogsComplete(t *testing.T) {
	t.Parallel()
	m := files.Messages()
	en, zh := m[web.LangEN], m[web.LangZH]
	used := map[string]bool{"complaints.from_call": true} // the telephony call page's link
	scan := func(b []byte) {
		for _, k := range keyRE.FindAllSubmatch(b, -1) {
			used[string(k[1])] = true
		}
	}
	fs.WalkDir(assets, "templates", func(p string, d fs.DirEntry, err error) error {
		if !d.IsDir() {
			b, _ := assets.ReadFile(p)
			scan(b)
		}
		return nil
	})
	files, _ := fs.Glob(os.DirFS("."), "*.go")
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			b, _ := os.ReadFile(f)
			scan(b)
		}
	}
	events := []string{"created", "assessed", "checked", "unchecked", "forwarded", "replied", "called_back", "closed", "reopened"}
	for prefix, vals := range map[string][]string{
		"complaints.status.":        complaint.Statuses,
		"complaints.severity.":      complaint.Severities,
		"complaints.severity_hint.": complaint.Severities,
		"complaints.liability.":     append([]string{"pending"}, complaint.Liabilities...),
		"complaints.channel.":       complaint.Channels,
		"complaints.step.":          complaint.Steps,
		"complaints.step_hint.":     complaint.Steps,
		"complaints.result.":        complaint.Results,
		"complaints.satisfaction.":  complaint.Satisfactions,
		"complaints.event.":         events,
		"complaints.flash.":         {"assess", "checklist", "forward", "reply", "callback", "close", "reopen"},
	} {
		for _, v := range vals {
			used[prefix+v] = true
		}
	}
	var missing []string
	for k := range used {
		if strings.HasSuffix(k, ".") {
			continue
		}
		if _, ok := en[k]; !ok {
			missing = append(missing, "en:"+k)
		}
		if _, ok := zh[k]; !ok {
			missing = append(missing, "zh-CN:"+k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("missing catalog keys: %v", missing)
	}
	verb := regexp.MustCompile(`%\[\d\][sd]`)
	for k, e := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%s has no zh-CN text", k)
		}
		a, b := verb.FindAllString(e, -1), verb.FindAllString(zh[k], -1)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%s: arguments differ: en %v, zh-CN %v", k, a, b)
		}
	}
}

// The refusals people meet are shown in Chinese.
func TestErrorsTranslate(t *testing.T) {
	t.Parallel()
	zh := files.Messages()[web.LangZH]
	for msg, key := range map[string]string{
		"the complaint is open; this needs it forwarded":                       "complaints.err.wrong_status",
		"the complaint waits for the responsible department's reply":           "complaints.err.waiting",
		"the complaint is closed; reopen it first":                             "complaints.err.closed",
		"step calm is already ticked":                                          "complaints.err.ticked",
		"step calm is already not ticked":                                      "complaints.err.not_ticked",
		"only the department the complaint is forwarded to may reply":          "complaints.err.responsible_only",
		"only those whose scope holds the ticket's agent may do this":          "complaints.err.managers_only",
		"no call abc-1 in your scope":                                          "complaints.err.no_call",
		"say who complained: a customer, a name or a phone number":             "complaints.err.no_contact",
		"ask the customer: one of [satisfied basically_satisfied unsatisfied]": "complaints.err.satisfaction",
		"must be between 0 and 1000000000 fen":                                 "complaints.err.penalty",
	} {
		found := ""
		for _, p := range errPatterns {
			if p.re.MatchString(msg) {
				found = p.key
				break
			}
		}
		if found != key || zh[key] == "" {
			t.Errorf("%q → %q, want %q", msg, found, key)
		}
	}
}
