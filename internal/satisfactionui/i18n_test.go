package satisfactionui

import (
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/satisfaction"
	"github.com/hotline-cc/hotline/internal/web"
)

var keyRE = regexp.MustCompile(`"(satisfaction\.[a-z0-9_.]*[a-z0-9_])"`)

// Every catalog key the templates and handlers name exists in both
// languages with the same arguments; keys built from data exist for every
// value the satisfaction package knows.
func TestCatalogsComplete(t *testing.T) {
	t.Parallel()
	m := files.Messages()
	en, zh := m[web.LangEN], m[web.LangZH]
	used := map[string]bool{}
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
	for prefix, vals := range map[string][]string{
		"satisfaction.status.": satisfaction.Statuses,
		"satisfaction.result.": satisfaction.Results,
		"satisfaction.step.":   {satisfaction.StepReview, satisfaction.StepAssign, satisfaction.StepCallback, satisfaction.StepClose},
		"satisfaction.flash.":  {satisfaction.StepReview, satisfaction.StepAssign, satisfaction.StepCallback, satisfaction.StepClose},
		"satisfaction.period.": {satisfaction.PeriodDay, satisfaction.PeriodWeek, satisfaction.PeriodMonth},
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

// The refusals a supervisor meets are shown in Chinese.
func TestErrorsTranslate(t *testing.T) {
	t.Parallel()
	zh := files.Messages()[web.LangZH]
	for msg, key := range map[string]string{
		"the case is new; close needs it called_back":                       "satisfaction.err.wrong_status",
		"the customer was reached (resolved); close the case instead":       "satisfaction.err.reached",
		"the after-sales team may only record the call-back of this case":   "satisfaction.err.after_sales_only",
		"user 7 is not an active member of that team":                       "satisfaction.err.not_member",
		`reason "价格" is used by 3 cases; deactivate it instead`:             "satisfaction.err.reason_in_use",
		"say what the customer said (up to 2000 characters)":                "satisfaction.err.callback_note",
		"choose the after-sales team that calls back":                       "satisfaction.err.choose_team",
		"use 2–32 lower-case letters, digits and _, starting with a letter": "satisfaction.err.code",
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
