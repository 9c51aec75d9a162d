package crm

import (
	"strings"
	"unicode"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Import column targets; a custom field is "custom:<key>", "" ignores the
// column.
const (
	ColName    = "name"
	ColPhones  = "phones"
	ColCompany = "company"
	ColLevel   = "level"
	ColSource  = "source"
	ColStatus  = "status"
	ColTags    = "tags"
	ColIgnore  = ""
)

// builtinColumns are the built-in import targets in form order.
var builtinColumns = []string{ColName, ColPhones, ColCompany, ColLevel, ColSource, ColStatus, ColTags}

// headerWords are the column titles people use, Chinese and English,
// normalised (see normHeader).
var headerWords = map[string][]string{
	ColName: {"姓名", "名字", "客户名称", "客户姓名", "客户名", "联系人", "联系人姓名", "name", "customername",
		"fullname", "contactname"},
	ColPhones: {"电话", "手机", "手机号", "手机号码", "电话号码", "联系电话", "联系方式", "座机", "固话", "固定电话", "移动电话",
		"phone", "phones", "mobile", "tel", "telephone", "phonenumber", "cell", "cellphone", "mobilephone", "landline"},
	ColCompany: {"公司", "公司名称", "单位", "工作单位", "企业", "企业名称", "company", "organization", "organisation", "org",
		"companyname", "employer"},
	ColLevel:  {"等级", "客户等级", "级别", "客户级别", "level", "grade", "customerlevel", "tier"},
	ColSource: {"来源", "客户来源", "渠道", "来源渠道", "source", "channel", "customersource", "leadsource"},
	ColStatus: {"状态", "客户状态", "status", "state"},
	ColTags:   {"标签", "tags", "tag", "labels", "label"},
}

// normHeader lower-cases a title and drops spaces and punctuation.
func normHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// GuessMapping proposes a target for each column from its title: the
// built-in fields by their Chinese and English names, custom fields by label
// or key. Several columns may map to phones; other targets take the first
// column that matches.
func GuessMapping(headers []string, fields []Field) []string {
	out := make([]string, len(headers))
	taken := map[string]bool{}
	for i, h := range headers {
		t := guessOne(h, fields)
		if t == "" || (taken[t] && t != ColPhones) {
			continue
		}
		taken[t] = true
		out[i] = t
	}
	return out
}

func guessOne(h string, fields []Field) string {
	cands := []string{normHeader(h)}
	for _, w := range strings.Fields(h) {
		cands = append(cands, normHeader(w))
	}
	for _, c := range cands {
		if c == "" {
			continue
		}
		for _, col := range builtinColumns {
			for _, w := range headerWords[col] {
				if c == w {
					return col
				}
			}
		}
		for _, f := range fields {
			if c == normHeader(f.Label) || c == f.Key {
				return "custom:" + f.Key
			}
		}
	}
	return ColIgnore
}

// colTarget is a checked mapping entry.
type colTarget struct {
	col   string // built-in column, or "custom"
	field *Field // for custom
}

// checkMapping validates a mapping against the headers and custom fields.
func checkMapping(mapping []string, headers int, fields []Field) ([]colTarget, error) {
	if len(mapping) > headers {
		return nil, apperr.Invalid("mapping", "has %d entries for %d columns", len(mapping), headers)
	}
	out := make([]colTarget, headers)
	seen := map[string]bool{}
	for i, m := range mapping {
		m = strings.TrimSpace(m)
		switch {
		case m == ColIgnore:
			continue
		case strings.HasPrefix(m, "custom:"):
			key := strings.TrimPrefix(m, "custom:")
			var f *Field
			for j := range fields {
				if fields[j].Key == key {
					f = &fields[j]
				}
			}
			if f == nil {
				return nil, apperr.Invalid("mapping", "column %d: %q is not a custom field", i+1, clip(key))
			}
			out[i] = colTarget{col: "custom", field: f}
		default:
			known := false
			for _, c := range builtinColumns {
				known = known || c == m
			}
			if !known {
				return nil, apperr.Invalid("mapping", "column %d: %q is not a customer field", i+1, clip(m))
			}
			out[i] = colTarget{col: m}
		}
		if seen[m] && m != ColPhones {
			return nil, apperr.Invalid("mapping", "%s is mapped to more than one column", m)
		}
		seen[m] = true
	}
	if !seen[ColName] {
		return nil, apperr.Invalid("mapping", "map a column to the name")
	}
	if !seen[ColPhones] {
		return nil, apperr.Invalid("mapping", "map at least one column to phones")
	}
	return out, nil
}

// rowInput builds a customer from a row through the mapping.
func rowInput(cells []string, cols []colTarget, opts *ImportOptions) CustomerInput {
	in := CustomerInput{Custom: map[string]string{}}
	for i, t := range cols {
		if i >= len(cells) || t.col == "" {
			continue
		}
		raw := cells[i]
		if t.col == ColPhones {
			raw = strings.NewReplacer("\r\n", ";", "\n", ";", "\r", ";").Replace(raw) // one number per line
		}
		v := cleanCell(raw)
		switch t.col {
		case ColName:
			in.Name = v
		case ColPhones:
			if v != "" {
				in.Phones = append(in.Phones, v)
			}
		case ColCompany:
			in.Company = v
		case ColLevel:
			in.Level = v
		case ColSource:
			in.Source = v
		case ColStatus:
			in.Status = v
		case ColTags:
			in.Tags = append(in.Tags, v)
		case "custom":
			if v != "" {
				in.Custom[t.field.Key] = v
			}
		}
	}
	if in.Source == "" {
		in.Source = opts.Source
	}
	in.Tags = append(in.Tags, opts.Tags...)
	return in
}
