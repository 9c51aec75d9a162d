package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The UI languages.
const (
	LangEN = "en"
	LangZH = "zh-CN"
)

// LangCookie holds the language a visitor chose with the switcher.
const LangCookie = "lang"

// Languages lists the UI languages in the switcher's order.
func Languages() []string { return []string{LangZH, LangEN} }

// ValidLang reports whether l is a UI language.
func ValidLang(l string) bool { return l == LangEN || l == LangZH }

//go:embed i18n/*.json
var i18nFS embed.FS

// catalog maps language → message key → text. Texts are fmt formats when the
// caller passes arguments (%[1]s lets a translation reorder them).
type catalog map[string]map[string]string

func loadCatalog() (catalog, error) {
	c := catalog{}
	for _, l := range Languages() {
		b, err := i18nFS.ReadFile("i18n/" + l + ".json")
		if err != nil {
			return nil, fmt.Errorf("web: catalog %s: %w", l, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web: catalog %s: %w", l, err)
		}
		c[l] = m
	}
	return c, nil
}

// merge adds a module's messages, all or none; a key may not be defined
// twice, and a module must translate every key it adds into every language.
func (c catalog) merge(add map[string]map[string]string) error {
	if err := c.checkMerge(add); err != nil {
		return err
	}
	for l, m := range add {
		for k, v := range m {
			c[l][k] = v
		}
	}
	return nil
}

func (c catalog) checkMerge(add map[string]map[string]string) error {
	for l, m := range add {
		if !ValidLang(l) {
			return fmt.Errorf("messages for unknown language %q", l)
		}
		for k := range m {
			if _, dup := c[l][k]; dup {
				return fmt.Errorf("message key %q is already defined", k)
			}
			for _, other := range Languages() {
				if _, ok := add[other][k]; !ok {
					return fmt.Errorf("message key %q has no %s text", k, other)
				}
			}
		}
	}
	return nil
}

// T returns the text of key in lang, formatted with args. A missing key
// shows as the key itself so that it is noticed, never as an empty string.
func (c catalog) T(lang, key string, args ...any) string {
	s, ok := c[lang][key]
	if !ok {
		if s, ok = c[LangEN][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Or returns the text of key, or fallback when the catalog has none (for
// keys built from data, such as a resource name a module added).
func (c catalog) Or(lang, key, fallback string) string {
	if s, ok := c[lang][key]; ok {
		return s
	}
	return fallback
}

// Lang is the language of a request: the lang cookie when it names a UI
// language, else the best match of the browser's Accept-Language, else English.
func Lang(r *http.Request) string {
	if c, err := r.Cookie(LangCookie); err == nil && ValidLang(c.Value) {
		return c.Value
	}
	if l := Negotiate(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return LangEN
}

// Negotiate picks the UI language for an Accept-Language header: the
// acceptable tag with the highest weight that is Chinese (any zh variant →
// zh-CN) or English. It returns "" when none is.
func Negotiate(header string) string {
	type choice struct {
		lang string
		q    float64
		pos  int
	}
	var cs []choice
	for i, part := range strings.SplitN(header, ",", 33) {
		if i == 32 {
			break // a real browser sends a handful; ignore the rest of a huge header
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		l := ""
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			l = LangZH
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			l = LangEN
		}
		if l != "" && q > 0 {
			cs = append(cs, choice{l, q, i})
		}
	}
	if len(cs) == 0 {
		return ""
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].q > cs[j].q })
	return cs[0].lang
}

// T translates key into the request's language.
func (u *UI) T(r *http.Request, key string, args ...any) string {
	return u.cat.T(Lang(r), key, args...)
}

// switchLang is the language switcher: it remembers the choice for a year
// and goes back to the page it was clicked on.
func (u *UI) switchLang(w http.ResponseWriter, r *http.Request) {
	l := r.URL.Query().Get("to")
	if ValidLang(l) {
		setLangCookie(w, l, u.SecureCookies)
	}
	Redirect(w, r, LocalPath(r.URL.Query().Get("next")))
}

func setLangCookie(w http.ResponseWriter, l string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: secure, HttpOnly: true})
}
