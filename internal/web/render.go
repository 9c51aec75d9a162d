package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/auth"
	"github.com/hotline-cc/hotline/internal/org"
)

//go:embed templates static
var assets embed.FS

// templates holds, per language, every page parsed together with the layout
// and partials. A set per language lets the t function be bound to its
// language once, so pages are escaped once and not per request.
type templates struct {
	base  map[string]*template.Template // language → layout and partials
	pages map[string]map[string]*template.Template
}

func parseTemplates(u *UI) (*templates, error) {
	ts := &templates{base: map[string]*template.Template{}, pages: map[string]map[string]*template.Template{}}
	for _, l := range Languages() {
		b, err := template.New("").Funcs(u.funcs(l)).ParseFS(assets, "templates/layout.html", "templates/partials.html")
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		ts.base[l] = b
		ts.pages[l] = map[string]*template.Template{}
	}
	pages, err := fs.Sub(assets, "templates/pages")
	if err != nil {
		return nil, err
	}
	return ts, ts.addPages(pages)
}

// addPages parses each *.html file at the root of fsys as a page and adds
// them all, or none when one fails.
func (ts *templates) addPages(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return err
	}
	parsed := map[string]map[string]*template.Template{}
	for _, n := range names {
		page := strings.TrimSuffix(path.Base(n), ".html")
		for l, base := range ts.base {
			if _, dup := ts.pages[l][page]; dup {
				return fmt.Errorf("page %q is already defined", page)
			}
			c, err := base.Clone()
			if err != nil {
				return err
			}
			if c, err = c.ParseFS(fsys, n); err != nil {
				return fmt.Errorf("web: page %s: %w", page, err)
			}
			if parsed[l] == nil {
				parsed[l] = map[string]*template.Template{}
			}
			parsed[l][page] = c
		}
	}
	for l, pages := range parsed {
		for name, t := range pages {
			ts.pages[l][name] = t
		}
	}
	return nil
}

// funcs are the template functions, bound to one language.
func (u *UI) funcs(lang string) template.FuncMap {
	c := u.cat
	return template.FuncMap{
		"t":   func(key string, args ...any) string { return c.T(lang, key, args...) },
		"tOr": func(key, fallback string) string { return c.Or(lang, key, fallback) },
		"res": func(r string) string { return c.Or(lang, "res."+r, r) },
		"act": func(a string) string { return c.Or(lang, "act."+a, a) },
		"scope": func(s any) string {
			k := fmt.Sprint(s)
			return c.Or(lang, "scope."+k, k)
		},
		"roleName": func(builtin, name string) string { return roleLabel(c, lang, builtin, name) },
		"fmtTime":  fmtTime,
		"dict":     dict,
		"add":      func(a, b int) int { return a + b },
		"initial":  initial,
	}
}

// roleLabel is a role's name in the UI language: built-in roles are
// translated, custom roles keep the name their author gave.
func roleLabel(c catalog, lang, builtin, name string) string {
	if builtin == "" {
		return name
	}
	return c.Or(lang, "role."+builtin, name)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// initial is the first letter of a name, for the avatar.
func initial(name string) string {
	for _, r := range strings.TrimSpace(name) {
		return strings.ToUpper(string(r))
	}
	return "?"
}

// dict builds a map from key/value pairs, to pass several values to a partial.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// View is what every template sees: the page's data plus what the layout
// needs (who is logged in, navigation, language, CSRF token, flash).
type View struct {
	Lang      string
	LangLinks []LangLink
	Actor     *org.Actor
	RoleLabel string
	CSRF      string
	CSRFField template.HTML
	Nav       []NavSection
	Flash     *FlashMessage
	Path      string
	Version   string
	Scripts   []string // modules' scripts for every page (Module.Scripts the actor may have)
	Data      any
}

// LangLink is one entry of the language switcher.
type LangLink struct {
	Lang    string
	Label   string
	URL     string
	Current bool
}

// Can reports whether the actor's role grants perm, written "resource:action".
func (v *View) Can(perm string) bool {
	p, ok := org.ParsePermission(perm)
	return ok && v.Actor.Can(p)
}

// Render writes page inside the layout with status 200.
func (u *UI) Render(w http.ResponseWriter, r *http.Request, page string, data any) {
	u.RenderStatus(w, r, http.StatusOK, page, data)
}

// RenderStatus writes page inside the layout with status. The page is
// rendered into a buffer first so that a template error becomes a clean 500.
func (u *UI) RenderStatus(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	lang := Lang(r)
	t := u.tmpl.pages[lang][page]
	if t == nil {
		u.Log.Error("web: no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v := u.view(w, r, lang, data)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		u.Log.Error("web: render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages carry CSRF tokens and personal data
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (u *UI) view(w http.ResponseWriter, r *http.Request, lang string, data any) *View {
	a := Actor(r)
	v := &View{Lang: lang, Actor: a, Path: r.URL.Path, Version: u.Version, Data: data,
		CSRF: CSRFToken(r), CSRFField: CSRFField(r), Flash: u.takeFlash(w, r, lang)}
	if a != nil {
		v.Nav = visibleNav(u.nav, a, r.URL.Path)
		v.RoleLabel = roleLabel(u.cat, lang, a.RoleKey, a.RoleName)
		for _, s := range u.scripts {
			if s.Perm == (org.Permission{}) || a.Can(s.Perm) {
				v.Scripts = append(v.Scripts, s.Src)
			}
		}
	}
	here := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		here = r.URL.Path // a re-rendered form: come back to the page, not the POST
	}
	for _, l := range Languages() {
		v.LangLinks = append(v.LangLinks, LangLink{Lang: l, Label: u.cat.T(l, "lang.name"), Current: l == lang,
			URL: "/lang?to=" + url.QueryEscape(l) + "&next=" + url.QueryEscape(here)})
	}
	return v
}

// Actor is the logged-in actor of the request, or nil.
func Actor(r *http.Request) *org.Actor { return auth.ActorFrom(r.Context()) }

// CSRFToken is the session's CSRF token ("" without a browser session).
func CSRFToken(r *http.Request) string {
	if s := auth.SessionFrom(r.Context()); s != nil {
		return s.CSRF
	}
	return ""
}

// CSRFField is the hidden input that every POST form must carry.
func CSRFField(r *http.Request) template.HTML {
	return template.HTML(`<input type="hidden" name="csrf_token" value="` + template.HTMLEscapeString(CSRFToken(r)) + `">`)
}

// Redirect answers a POST (or a GET that moved) with 303 See Other.
func Redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// LocalPath returns next when it is a path on this site, else "/": it keeps
// redirects after login and language switches from leaving the site.
func LocalPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (u *UI) static() http.Handler {
	sub, _ := fs.Sub(assets, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
