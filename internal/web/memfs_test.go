package web

import (
	"html/template"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestPagesWithPartials(t *testing.T) {
	src := fstest.MapFS{
		"templates/_a.html":    {Data: []byte(`{{define "a"}}A{{end}}`)},
		"templates/_b.html":    {Data: []byte(`{{define "b"}}B{{end}}`)},
		"templates/one.html":   {Data: []byte(`{{define "content"}}1{{template "a"}}{{template "b"}}{{end}}`)},
		"templates/two.html":   {Data: []byte(`{{define "content"}}2{{template "b"}}{{end}}`)},
		"templates/notes.txt":  {Data: []byte("not a page")},
		"elsewhere/three.html": {Data: []byte("not in dir")},
	}
	pages, err := PagesWithPartials(src, "templates")
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(pages, "*.html")
	if err != nil || strings.Join(names, ",") != "one.html,two.html" {
		t.Fatalf("pages %v, %v", names, err)
	}
	for name, want := range map[string]string{"one.html": "1AB", "two.html": "2B"} {
		tpl, err := template.ParseFS(pages, name)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := tpl.ExecuteTemplate(&b, "content", nil); err != nil || b.String() != want {
			t.Errorf("%s renders %q (%v), want %q", name, b.String(), err, want)
		}
	}
	if _, err := fs.ReadFile(pages, "_a.html"); err == nil {
		t.Error("a partial is served as a page")
	}
}
