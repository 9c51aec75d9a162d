package deskui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// jsonHandler wraps a JSON helper: the API's error shape instead of pages, and
// the error message in the page's language.
func (h *handlers) jsonHandler(perm org.Permission, fn web.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := web.Actor(r)
		var err error
		switch {
		case a == nil:
			err = apperr.Unauthorized("login_required", "log in first")
		case perm != (org.Permission{}):
			err = a.Require(perm)
		}
		if err == nil {
			err = fn(w, r, a)
		}
		if err != nil {
			h.writeErr(w, r, err)
		}
	})
}

func (h *handlers) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	status, d := httpx.Detail(r, err)
	if e := apperr.As(err); e != nil && e.Kind != apperr.KindInternal {
		d.Message = h.errText(r, err)
	}
	httpx.WriteJSON(w, status, httpx.ErrorBody{Error: d})
}

func (h *handlers) textOr(r *http.Request, key, fallback string) string {
	if s, ok := h.msgs[web.Lang(r)][key]; ok {
		return s
	}
	return fallback
}

// queryInt reads a positive integer; anything else is 0 (none).
func queryInt(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// fmtDuration writes d as m:ss, or h:mm:ss from an hour.
func fmtDuration(d time.Duration) string {
	s := int64(d / time.Second)
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
