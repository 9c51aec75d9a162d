package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// ModuleFiles are a UI module's embedded files, laid out as every module
// lays them out: templates/*.html (the pages; _*.html are partials put in
// front of each), i18n/<language>.json (the catalogs) and static/ (its
// scripts and styles). The files are fixed at build time, so a broken one
// is a programming error and panics when the module is built.
type ModuleFiles struct {
	Name string // for the panic message
	FS   fs.FS
}

// Pages returns the page templates with the module's partials.
func (m ModuleFiles) Pages() fs.FS {
	p, err := PagesWithPartials(m.FS, "templates")
	if err != nil {
		panic(fmt.Sprintf("%s: templates: %v", m.Name, err))
	}
	return p
}

// Messages reads the catalogs, one per language.
func (m ModuleFiles) Messages() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, l := range Languages() {
		b, err := fs.ReadFile(m.FS, path.Join("i18n", l+".json"))
		if err != nil {
			panic(fmt.Sprintf("%s: %v", m.Name, err))
		}
		cat := map[string]string{}
		if err := json.Unmarshal(b, &cat); err != nil {
			panic(fmt.Sprintf("%s: i18n/%s.json: %v", m.Name, l, err))
		}
		out[l] = cat
	}
	return out
}

// Static serves static/ (mount it under a prefix with http.StripPrefix):
// files only, no directory listings, cached for an hour.
func (m ModuleFiles) Static() http.Handler {
	sub, err := fs.Sub(m.FS, "static")
	if err != nil {
		panic(fmt.Sprintf("%s: %v", m.Name, err))
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
