package alertui

import (
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/web"
)

var (
	keyRE   = regexp.MustCompile(`"(alerts\.[a-z0-9_.]*[a-z0-9_])"`)
	jsKeyRE = regexp.MustCompile(`\bt\("([a-z0-9_.]*[a-z0-9_])"`)
)

// Every catalog key the templates, handlers and the script name exists in
// both languages with the same arguments, including the keys built from
// metrics and levels; every key is the module's own.
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
	gos, _ := fs.Glob(os.DirFS("."), "*.go")
	for _, f := range gos {
		if !strings.HasSuffix(f, "_test.go") {
			b, _ := os.ReadFile(f)
			scan(b)
		}
	}
	js, err := assets.ReadFile("static/notify.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range jsKeyRE.FindAllSubmatch(js, -1) {
		used[jsPrefix+string(k[1])] = true
	}
	for _, mt := range alert.Metrics {
		for _, p := range []string{"alerts.metric.", "alerts.metric_hint.", "alerts.js.metric."} {
			used[p+string(mt)] = true
		}
	}
	for _, l := range []alert.Level{alert.LevelWarning, alert.LevelCritical} {
		used["alerts.level."+string(l)] = true
		used["alerts.js.level."+string(l)] = true
	}
	for _, k := range []string{"alerts.form.warning_above", "alerts.form.warning_below", "alerts.form.critical_above", "alerts.form.critical_below"} {
		used[k] = true
	}
	if len(used) < 80 {
		t.Fatalf("only %d keys found: the scan is broken", len(used))
	}
	var missing []string
	for k := range used {
		if strings.HasSuffix(k, ".") || strings.HasSuffix(k, "_") {
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
		if !strings.HasPrefix(k, "alerts.") {
			t.Errorf("%s is not the module's key", k)
		}
		z, ok := zh[k]
		if !ok {
			t.Errorf("%s has no zh-CN text", k)
		}
		a, b := verb.FindAllString(e, -1), verb.FindAllString(z, -1)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%s: arguments differ: en %v, zh-CN %v", k, a, b)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%s has no English text", k)
		}
	}
}
