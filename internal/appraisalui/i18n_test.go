package appraisalui

import (
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/web"
)

var keyRE = regexp.MustCompile(`"(appraisal\.[a-z0-9_.]*[a-z0-9_])"`)

// Every catalog key the templates and handlers name exists in both
// languages with the same arguments; keys built from data exist for every
// value the appraisal package knows.
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
	for _, p := range errPatterns {
		used[p.key] = true
	}
	notes := []string{appraisal.NoteNoData, appraisal.NoteNoQA, appraisal.NoteNoEntry, appraisal.NoteOutOfRange,
		"not_applicable", "no_schedule", "no_cost"}
	for prefix, vals := range map[string][]string{
		"appraisal.source_kind.":  appraisal.SourceKinds,
		"appraisal.qa.":           appraisal.QAFigures,
		"appraisal.complaints.":   appraisal.ComplaintFields,
		"appraisal.rule.":         append([]string{appraisal.FlagProbationFail}, appraisal.RuleKinds...),
		"appraisal.rule_applies.": appraisal.RuleKinds,
		"appraisal.measure.":      appraisal.Measures,
		"appraisal.cond.":         appraisal.Measures,
		"appraisal.rule_cond.":    appraisal.Measures,
		"appraisal.note.":         notes,
		"appraisal.input.":        {appraisal.KeyCommissionCount, appraisal.KeyCommissionAmount},
		"appraisal.change.":       {"set", "change", "delete"},
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

// The refusals of the appraisal service are shown in Chinese: each
// message below is one the service really gives (validate.go, schemes.go,
// manual.go, months.go).
func TestErrorsTranslate(t *testing.T) {
	t.Parallel()
	zh := files.Messages()[web.LangZH]
	for msg, key := range map[string]string{
		"the weights add up to 99%; they must add up to 100%":                         "appraisal.err.weights",
		"leaves a gap between 1 and 2":                                                "appraisal.err.tier_gap",
		"leaves 30 in no tier":                                                        "appraisal.err.tier_point",
		"overlaps the tier before at 1":                                               "appraisal.err.tier_overlap",
		"the tiers must start at 0 or below (the first starts at >0)":                 "appraisal.err.tier_start",
		"the last tier must reach the maximum 120":                                    "appraisal.err.tier_max",
		"is empty: its lower edge 3 is not below its upper edge 3":                    "appraisal.err.tier_empty",
		"metric turnover has no figure per agent":                                     "appraisal.err.metric_center",
		`department "客服部" is already appraised by scheme "默认"`:                        "appraisal.err.dept_taken",
		`another scheme ("默认") already appraises all agents`:                          "appraisal.err.all_taken",
		"the scheme changed meanwhile (it is at version 3); reload it and edit again": "appraisal.err.changed",
		"2026-04 is closed; reopen it to change its values":                           "appraisal.err.closed",
		"2026-05 is not over yet":                                                     "appraisal.err.not_over",
		"must be 1 to the window (12 months)":                                         "appraisal.err.count",
		"is in no tier of the item":                                                   "appraisal.err.value_tier",
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
