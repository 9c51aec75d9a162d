package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sort"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
)

const auditPerPage = 30

// Known values for the audit filters; an entry with another value (a module's
// resource) is still listed and can be filtered by URL.
var (
	auditResources = []string{"users", "departments", "teams", "roles", "api_tokens"}
	auditActions   = []string{"create", "update", "delete", "reset_password", "change_password", "unlock", "revoke"}
)

type auditView struct {
	Rows      []auditRow
	Pager     Pager
	Resource  string
	Action    string
	ActorName string
	ActorErr  bool
	Resources []string
	Actions   []string
}

// auditRow is an entry with the fields that changed.
type auditRow struct {
	audit.Entry
	Diff []diffRow
}

// diffRow is one field of a before/after pair.
type diffRow struct {
	Field  string
	Before string
	After  string
}

func (u *UI) registerAudit(mux *http.ServeMux) {
	mux.Handle("GET /admin/audit", u.Protect(org.P("audit", "view"), u.auditList))
}

func (u *UI) auditList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q := r.URL.Query()
	v := auditView{Resource: q.Get("resource"), Action: q.Get("action"), ActorName: q.Get("actor"),
		Resources: auditResources, Actions: auditActions}
	f := audit.Filter{Resource: v.Resource, Action: v.Action, Limit: auditPerPage, Offset: PageOffset(r, auditPerPage)}
	if v.ActorName != "" {
		c, err := u.Org.CredentialFor(r.Context(), v.ActorName)
		switch {
		case errors.Is(err, org.ErrNoSuchUser):
			v.ActorErr = true
			v.Pager = NewPager(r, 0, auditPerPage)
			u.Render(w, r, "audit", v)
			return nil
		case err != nil:
			return err
		}
		f.ActorID = c.UserID
	}
	es, total, err := audit.List(r.Context(), u.DB, f)
	if err != nil {
		return err
	}
	v.Pager = NewPager(r, total, auditPerPage)
	for _, e := range es {
		v.Rows = append(v.Rows, auditRow{Entry: e, Diff: diff(e.Before, e.After)})
	}
	u.Render(w, r, "audit", v)
	return nil
}

// diff lists the top-level fields whose values differ between two JSON
// objects (all fields of a creation or deletion). Values that are not
// objects are compared whole.
func diff(before, after json.RawMessage) []diffRow {
	b, bok := object(before)
	a, aok := object(after)
	if !bok || !aok {
		if bytes.Equal(before, after) {
			return nil
		}
		return []diffRow{{Field: "", Before: string(before), After: string(after)}}
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var out []diffRow
	for k := range keys {
		bv, av := b[k], a[k]
		if bytes.Equal(bv, av) {
			continue
		}
		out = append(out, diffRow{Field: k, Before: jsonText(bv), After: jsonText(av)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// object decodes a JSON object; empty input is an empty object.
func object(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	m := map[string]json.RawMessage{}
	if len(raw) == 0 {
		return m, true
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false
	}
	return m, true
}

// jsonText shows a JSON value: strings without quotes, the rest as JSON.
func jsonText(v json.RawMessage) string {
	if len(v) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}
