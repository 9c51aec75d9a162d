package api

import (
	"encoding/json"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/httpx"
)

// OpenAPI returns the OpenAPI 3.0 document of the route table. Schemas are
// derived from the Go request and response types, so the document describes
// exactly what the handlers decode and encode.
func (a *API) OpenAPI() map[string]any {
	g := &schemaGen{components: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, rt := range a.routes {
		p := Prefix + pathPattern(rt.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.Method)] = g.operation(rt)
	}
	g.components["Error"] = g.schema(reflect.TypeOf(httpx.ErrorBody{}))
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Hotline API", "version": a.Version,
			"description": "Call center platform API. Authenticate with the session cookie (browser; send X-CSRF-Token on changes) or an API token (Authorization: Bearer hl_…). Errors have one shape: {\"error\":{\"code\",\"message\",\"field\"}}."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.components,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "hotline_session"},
				"token":   map[string]any{"type": "http", "scheme": "bearer"},
			},
		},
		"security": []any{map[string]any{"session": []any{}}, map[string]any{"token": []any{}}},
	}
}

var pathParamRE = regexp.MustCompile(`\{([a-zA-Z_]+)(\.\.\.)?\}`)

func (g *schemaGen) operation(rt Route) map[string]any {
	op := map[string]any{"summary": rt.Summary, "tags": []string{rt.Tag},
		"operationId": strings.ToLower(rt.Method) + opName(rt.Path)}
	if rt.Perm.Resource != "" {
		op["description"] = "Needs permission " + rt.Perm.String() + "."
		op["x-permission"] = rt.Perm.String()
	}
	if rt.Public {
		op["security"] = []any{}
	}
	var params []any
	for _, m := range pathParamRE.FindAllStringSubmatch(rt.Path, -1) {
		typ := "integer"
		if m[2] != "" || !strings.HasSuffix(m[1], "id") {
			typ = "string"
		}
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": typ}})
	}
	for _, q := range rt.Query {
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Desc, "schema": map[string]any{"type": q.Type}})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.Body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Body))}}}
	}
	status := rt.Status
	if status == 0 {
		status = 200
	}
	success := map[string]any{"description": "success"}
	if rt.Resp != nil && status != 204 {
		success["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Resp))}}
	}
	errRef := map[string]any{"description": "error", "content": map[string]any{
		"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	op["responses"] = map[string]any{strconv.Itoa(status): success, "default": errRef}
	return op
}

func opName(path string) string {
	var b strings.Builder
	for _, part := range strings.Split(path, "/") {
		part = strings.Trim(part, "{}.")
		if part == "" {
			continue
		}
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '_' || r == '-' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

type schemaGen struct {
	components map[string]any
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{"description": "any JSON value"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		if _, ref := s["$ref"]; ref {
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		s["nullable"] = true
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		return g.structRef(t)
	case reflect.Interface:
		return map[string]any{"description": "any JSON value"}
	}
	return map[string]any{}
}

func (g *schemaGen) structRef(t reflect.Type) map[string]any {
	name := typeName(t)
	ref := map[string]any{"$ref": "#/components/schemas/" + name}
	if _, done := g.components[name]; done {
		return ref
	}
	g.components[name] = map[string]any{} // placeholder breaks recursion
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	g.components[name] = s
	return ref
}

// fields adds t's JSON fields, flattening embedded structs as encoding/json does.
func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.fields(f.Type, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// typeName gives a component name: the type name, or for generic
// instantiations like List[pkg.User] "UserList".
func typeName(t reflect.Type) string {
	n := t.Name()
	if i := strings.IndexByte(n, '['); i >= 0 {
		arg := n[i+1 : len(n)-1]
		if j := strings.LastIndexByte(arg, '.'); j >= 0 {
			arg = arg[j+1:]
		}
		return nonWord.ReplaceAllString(arg, "") + n[:i]
	}
	if t.PkgPath() != "" {
		parts := strings.Split(t.PkgPath(), "/")
		pkg := parts[len(parts)-1]
		if pkg != "api" {
			return strings.ToUpper(pkg[:1]) + pkg[1:] + n
		}
	}
	return n
}
