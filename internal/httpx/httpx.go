// Package httpx holds the JSON conventions of Hotline's HTTP API: one error
// shape {"error":{"code","message","field"}}, strict request decoding that
// names the offending field, and list paging and sorting.
package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// MaxBody is the largest JSON request body accepted.
const MaxBody = 1 << 20

// ErrorBody is the one error shape of the API.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail describes what went wrong.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// WriteJSON writes v with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v != nil {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
	}
}

// Status maps an error kind to its HTTP status.
func Status(k apperr.Kind) int {
	switch k {
	case apperr.KindInvalid:
		return http.StatusBadRequest
	case apperr.KindNotFound:
		return http.StatusNotFound
	case apperr.KindConflict:
		return http.StatusConflict
	case apperr.KindForbidden:
		return http.StatusForbidden
	case apperr.KindUnauthorized:
		return http.StatusUnauthorized
	case apperr.KindLocked:
		return http.StatusLocked
	case apperr.KindTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Detail returns the public description of err; internal errors are logged
// and described generically so that no internals leak.
func Detail(r *http.Request, err error) (int, ErrorDetail) {
	if e := apperr.As(err); e != nil && e.Kind != apperr.KindInternal {
		return Status(e.Kind), ErrorDetail{Code: e.Code, Message: e.Message, Field: e.Field}
	}
	slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, ErrorDetail{Code: "internal", Message: "internal error; see the server log"}
}

// WriteError writes err in the API's error shape.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	status, d := Detail(r, err)
	WriteJSON(w, status, ErrorBody{Error: d})
}

// Decode reads a JSON body into v strictly: unknown fields, wrong types,
// malformed JSON, trailing data and oversized bodies are errors naming the
// field (or the position) at fault.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apperr.Invalid("", "Content-Type must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeErr(err)
	}
	if dec.More() {
		return apperr.Invalid("", "unexpected data after the JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.Invalid("", "unexpected data after the JSON value")
	}
	return nil
}

func decodeErr(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &syn):
		return apperr.Invalid("", "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		return apperr.Invalid(typ.Field, "must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value)
	case errors.As(err, &tooBig):
		return apperr.Invalid("", "request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return apperr.Invalid("", "request body is empty; a JSON object is expected")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Invalid("", "malformed JSON: unexpected end of input")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Invalid(f, "unknown field")
	}
	return apperr.Invalid("", "malformed JSON: %v", err)
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice":
		return "an array"
	case kind == "struct", kind == "map":
		return "an object"
	}
	return kind
}

// Page is the paging and sorting of a list request:
// ?limit=50&offset=0&sort=name&order=asc|desc (or sort=-name).
type Page struct {
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Sort   string `json:"sort,omitempty"`
	Desc   bool   `json:"desc,omitempty"`
}

// ParsePage reads paging parameters; sort must be one of keys.
func ParsePage(r *http.Request, keys []string) (Page, error) {
	q := r.URL.Query()
	p := Page{Limit: 50}
	var err error
	if v := q.Get("limit"); v != "" {
		if p.Limit, err = strconv.Atoi(v); err != nil || p.Limit < 1 || p.Limit > 1000 {
			return p, apperr.Invalid("limit", "must be a number from 1 to 1000")
		}
	}
	if v := q.Get("offset"); v != "" {
		if p.Offset, err = strconv.Atoi(v); err != nil || p.Offset < 0 {
			return p, apperr.Invalid("offset", "must be a number ≥ 0")
		}
	}
	p.Sort = q.Get("sort")
	if strings.HasPrefix(p.Sort, "-") {
		p.Sort, p.Desc = p.Sort[1:], true
	}
	switch q.Get("order") {
	case "", "asc":
	case "desc":
		p.Desc = true
	default:
		return p, apperr.Invalid("order", "must be asc or desc")
	}
	if p.Sort != "" {
		ok := false
		for _, k := range keys {
			ok = ok || k == p.Sort
		}
		if !ok {
			return p, apperr.Invalid("sort", "must be one of %s", strings.Join(keys, ", "))
		}
	}
	return p, nil
}

// List is the envelope of every list response.
type List[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// QueryInt64 reads an optional integer query parameter.
func QueryInt64(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, apperr.Invalid(name, "must be a number")
	}
	return n, nil
}

// QueryBool reads an optional boolean query parameter.
func QueryBool(r *http.Request, name string) (*bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, apperr.Invalid(name, "must be true or false")
	}
	return &b, nil
}

// PathID reads the {id} path value.
func PathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Invalid(name, "must be a positive number, got %q", r.PathValue(name))
	}
	return n, nil
}

// ClientIP is the remote address without port.
func ClientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
