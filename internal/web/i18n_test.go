package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/org"
)

var (
	keyRE  = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	litRE  = regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)
	verbRE = regexp.MustCompile(`%(\[\d+\])?[a-z]`)
)

func mustCatalog(t *testing.T) catalog {
	t.Helper()
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Both catalogs have the same keys, no empty text, and the same format
// verbs per key (a translation that drops or adds an argument breaks Sprintf).
func TestCatalogsMatch(t *testing.T) {
	c := mustCatalog(t)
	en, zh := c[LangEN], c[LangZH]
	for k, v := range en {
		z, ok := zh[k]
		if !ok {
			t.Errorf("key %q is in en but not in zh-CN", k)
			continue
		}
		if strings.TrimSpace(v) == "" || strings.TrimSpace(z) == "" {
			t.Errorf("key %q has an empty text", k)
		}
		if a, b := verbs(v), verbs(z); a != b {
			t.Errorf("key %q: en uses %s, zh-CN uses %s", k, a, b)
		}
		if !keyRE.MatchString(k) {
			t.Errorf("key %q is not of the form section.name", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is in zh-CN but not in en", k)
		}
	}
}

func verbs(s string) string {
	v := verbRE.FindAllString(s, -1)
	sort.Strings(v)
	return strings.Join(v, " ")
}

// Every key the templates and the Go code name exists in the catalogs.
func TestUsedKeysExist(t *testing.T) {
	c := mustCatalog(t)
	used := map[string]string{} // key → where
	err := fs.WalkDir(assets, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, p)
		for _, m := range litRE.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	nTemplates := len(used)
	for k, where := range goKeys(t) {
		used[k] = where
	}
	if nTemplates < 100 || len(used) <= nTemplates {
		t.Fatalf("found %d template keys and %d in all: the scan is broken", nTemplates, len(used))
	}
	for k, where := range used {
		for _, l := range Languages() {
			if _, ok := c[l][k]; !ok {
				t.Errorf("%s uses key %q, missing from the %s catalog", where, k, l)
			}
		}
	}
}

// goKeys returns the string literals of the package's Go code that look
// like catalog keys (comments are not code, so examples there do not count).
func goKeys(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range pkgs {
		for name, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err == nil && keyRE.MatchString(s) && !strings.HasSuffix(s, ".html") && !strings.HasSuffix(s, ".json") {
					out[s] = name
				}
				return true
			})
		}
	}
	return out
}

// Keys built from data (resource, action, scope, role, audit action, nav)
// exist for everything the foundation has.
func TestDynamicKeysExist(t *testing.T) {
	c := mustCatalog(t)
	var keys []string
	for _, ra := range org.Catalog {
		keys = append(keys, "res."+ra.Resource)
		for _, a := range ra.Actions {
			keys = append(keys, "act."+a)
		}
	}
	for _, r := range auditResources {
		keys = append(keys, "res."+r)
	}
	for _, a := range auditActions {
		keys = append(keys, "audit.action."+a)
	}
	for _, s := range []org.DataScope{org.ScopeOwn, org.ScopeTeam, org.ScopeDepartment, org.ScopeAll} {
		keys = append(keys, "scope."+string(s), "scope.desc."+string(s))
	}
	for _, b := range org.BuiltinRoles {
		keys = append(keys, "role."+b.Key, "role.desc."+b.Key)
	}
	for _, n := range builtinNav() {
		keys = append(keys, n.Label)
		if n.Section != "" {
			keys = append(keys, n.Section)
		}
		if n.Desc != "" {
			keys = append(keys, n.Desc)
		}
	}
	for _, k := range errCodeKeys {
		keys = append(keys, k)
	}
	for _, p := range errPatterns {
		keys = append(keys, p.key)
	}
	for _, k := range keys {
		for _, l := range Languages() {
			if _, ok := c[l][k]; !ok {
				t.Errorf("key %q is missing from the %s catalog", k, l)
			}
		}
	}
}

func TestCatalogT(t *testing.T) {
	c := mustCatalog(t)
	if got := c.T(LangZH, "home.hello", "王"); got != "您好，王" {
		t.Errorf("T with an argument: %q", got)
	}
	if got := c.T(LangZH, "no.such_key"); got != "no.such_key" {
		t.Errorf("a missing key shows as %q, want the key", got)
	}
	if got := c.Or(LangEN, "res.unknown_module", "unknown_module"); got != "unknown_module" {
		t.Errorf("Or fallback: %q", got)
	}
}

func TestCatalogMerge(t *testing.T) {
	c := mustCatalog(t)
	if err := c.merge(map[string]map[string]string{LangEN: {"x.y": "X"}}); err == nil {
		t.Error("a key without a Chinese text was accepted")
	}
	if err := c.merge(map[string]map[string]string{LangEN: {"nav.home": "X"}, LangZH: {"nav.home": "X"}}); err == nil {
		t.Error("a key defined twice was accepted")
	}
	if err := c.merge(map[string]map[string]string{"fr": {"x.y": "X"}}); err == nil {
		t.Error("an unknown language was accepted")
	}
	if err := c.merge(map[string]map[string]string{LangEN: {"x.y": "X"}, LangZH: {"x.y": "叉"}}); err != nil {
		t.Fatal(err)
	}
	if c.T(LangZH, "x.y") != "叉" {
		t.Error("merged key not found")
	}
}

func TestNegotiate(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"zh-CN,zh;q=0.9":                 LangZH,
		"ZH-hk":                          LangZH,
		"zh":                             LangZH,
		"zhx":                            "",
		"en-GB":                          LangEN,
		"fr;q=1, en;q=0.2, zh;q=0.5":     LangZH,
		"zh;q=0, en":                     LangEN,
		"zh;q=abc, en;q=0.1":             LangEN,
		"zh;q=2":                         "",
		"*":                              "",
		"de, fr, ja":                     "",
		" en-US ; q=0.8 , zh-CN ; q=0.9": LangZH,
	} {
		if got := Negotiate(in); got != want {
			t.Errorf("Negotiate(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"zh-CN,zh;q=0.9,en;q=0.8", "en", ";q=", ",,,", "zh;q=1e309"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := Negotiate(s); got != "" && !ValidLang(got) {
			t.Fatalf("Negotiate(%q) = %q, not a UI language", s, got)
		}
	})
}
