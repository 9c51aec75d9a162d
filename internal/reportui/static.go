package reportui

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// staticHandler serves the module's embedded files. The pages link them
// with ?v=VERSION, so they may be cached for a day; the vendored ECharts
// (1.1 MB) goes gzip-compressed (about a third) to browsers that accept it.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(assets, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "" || strings.HasSuffix(p, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "public, max-age=86400")
		h.Add("Vary", "Accept-Encoding")
		if strings.HasSuffix(p, ".js") && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			if z, ok := gzipped(sub, p); ok {
				h.Set("Content-Type", "text/javascript; charset=utf-8")
				h.Set("Content-Encoding", "gzip")
				http.ServeContent(w, r, path.Base(p), time.Time{}, bytes.NewReader(z))
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}

var (
	gzMu    sync.Mutex
	gzCache = map[string][]byte{}
)

// gzipped returns the compressed bytes of an embedded file, compressing it
// once.
func gzipped(fsys fs.FS, name string) ([]byte, bool) {
	gzMu.Lock()
	defer gzMu.Unlock()
	if z, ok := gzCache[name]; ok {
		return z, true
	}
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, false
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	gzCache[name] = buf.Bytes()
	return buf.Bytes(), true
}
