package server

import (
	"net/http"
	"net/http/pprof"
)

// DebugHandler serves Go's profiles (net/http/pprof) for HOTLINE_DEBUG_ADDR:
// a separate listener, off by default and meant for loopback, because the
// profiles are unauthenticated and show the process's internals.
// /debug/pprof/heap?gc=1 collects garbage first, so the heap figures that
// follow in /metrics are live memory (bench/media-bench.sh uses this).
func DebugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
