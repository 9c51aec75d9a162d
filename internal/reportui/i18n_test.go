package reportui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/web"
)

var keyRE = regexp.MustCompile(`"(reports\.[a-z0-9_.]*[a-z0-9_])"`)

// verbRE finds the format verbs of a text.
var verbRE = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// Every key the templates and handlers name exists in both languages with
// the same format verbs; keys built from data exist for every value.
func TestCatalogsComplete(t *testing.T) {
	m := files.Messages()
	en, zh := m[web.LangEN], m[web.LangZH]
	used := map[string]bool{}
	scan := func(b []byte) {
		for _, k := range keyRE.FindAllSubmatch(b, -1) {
			used[string(k[1])] = true
		}
	}
	fs.WalkDir(assets, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := assets.ReadFile(p)
			scan(b)
		}
		return nil
	})
	gos, _ := filepath.Glob("*.go")
	for _, f := range gos {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scan(b)
	}
	var intervals, groups []string
	for _, iv := range report.Intervals {
		intervals = append(intervals, string(iv))
	}
	for _, g := range report.Groupings {
		groups = append(groups, groupKey(g))
	}
	var states []string
	for _, p := range stateParts {
		states = append(states, p.key)
	}
	families := map[string][]string{
		"reports.period.":   periods,
		"reports.interval.": intervals,
		"reports.group.":    groups,
		"reports.dir.":      directions,
		"reports.note.":     {report.NoteNoData, report.NoteNotApplicable, report.NoteNoQA, report.NoteNoCost, report.NoteNoSchedule},
		"reports.state.":    append(states, "not_ready"),
		"reports.activity.": shift.Kinds,
		"reports.mode.":     {report.AbandonIgnored, report.AbandonAgainst, report.AbandonForWithin, report.AbandonIgnored + "_desc", report.AbandonAgainst + "_desc", report.AbandonForWithin + "_desc"},
		"reports.kind.":     {string(report.KindMin), string(report.KindMax), string(report.KindRange)},
		"reports.wd.":       {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"},
		"reports.reason.":   {"break", "lunch", "training", "meeting", "after_call_work"},
	}
	for prefix, vals := range families {
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
	for k, e := range en {
		z, ok := zh[k]
		if !ok {
			missing = append(missing, "zh-CN:"+k)
			continue
		}
		if a, b := verbRE.FindAllString(e, -1), verbRE.FindAllString(z, -1); strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("%s: verbs %v in English, %v in Chinese", k, a, b)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			missing = append(missing, "en:"+k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("missing catalog keys:\n%s", strings.Join(missing, "\n"))
	}
}
