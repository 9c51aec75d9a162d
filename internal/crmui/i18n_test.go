package crmui

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/web"
)

var keyRE = regexp.MustCompile(`"((?:crm|nav\.crm|nav\.section\.crm)\.[a-z0-9_.]*[a-z0-9_])"`)

// Every catalog key the templates and handlers name exists in both
// languages, with the same arguments; keys built from data exist for every
// value the crm package knows.
func TestCatalogsComplete(t *testing.T) {
	m := files.Messages()
	en, zh := m[web.LangEN], m[web.LangZH]
	used := map[string]bool{}
	scan := func(b []byte) {
		for _, k := range keyRE.FindAllSubmatch(b, -1) {
			used[string(k[1])] = true
		}
	}
	fs.WalkDir(assets, "templates", func(p string, d fs.DirEntry, err error) error {
		if !d.IsDir() {
			b, _ := assets.ReadFile(p)
			scan(b)
		}
		return nil
	})
	for _, f := range []string{"crmui.go", "customers.go", "imports.go", "pool.go", "admin.go", "errors.go"} {
		b, err := fs.ReadFile(osDir{}, f)
		if err != nil {
			t.Fatal(err)
		}
		scan(b)
	}
	families := map[string][]string{
		"crm.batch.":          {crm.BatchUploaded, crm.BatchRunning, crm.BatchDone, crm.BatchRejected, crm.BatchFailed},
		"crm.mode.":           {crm.ModeStrict, crm.ModeLenient, crm.ModeEven, crm.ModeCount, crm.ModeRule},
		"crm.phase.":          {"validating", "applying"},
		"crm.task_kind.":      crm.TaskKinds,
		"crm.action.":         crm.Actions,
		"crm.tl.move.":        crm.Actions,
		"crm.target.":         {crm.TargetAgent, crm.TargetTeam, crm.TargetDepartment},
		"crm.rule_kind.":      {crm.RuleNoContact, crm.RuleNoProgress, crm.RuleStatus},
		"crm.rule_kind_name.": {crm.RuleNoContact, crm.RuleNoProgress, crm.RuleStatus},
		"crm.settings.list.":  crm.ListKinds,
		"crm.field_kind.":     {crm.FieldText, crm.FieldNumber, crm.FieldDate, crm.FieldChoice},
		"crm.tl.call.":        {"inbound", "outbound"},
		"crm.outcome.":        {"answered", "abandoned", "blocked", "overflow", "ivr", "failed"},
		"crm.tl.task.":        {"created", "done"},
		"crm.tl.event.":       {crm.EventCreated, crm.EventUpdated, "imported"},
		"crm.":                {"source", "level", "status", "tag"},
		"res.":                {"crm_fields", "crm_options", "crm_rules", "crm_quotas", "crm_settings", "crm_imports"},
	}
	for prefix, vals := range families {
		for _, v := range vals {
			used[prefix+v] = true
		}
	}
	var missing []string
	for k := range used {
		if strings.HasSuffix(k, ".") {
			continue
		}
		if _, ok := en[k]; !ok {
			missing = append(missing, "en:"+k)
		}
		if _, ok := zh[k]; !ok {
			missing = append(missing, "zh-CN:"+k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("missing catalog keys: %v", missing)
	}
	verb := regexp.MustCompile(`%\[\d\][sd]`)
	for k, e := range en {
		a, b := verb.FindAllString(e, -1), verb.FindAllString(zh[k], -1)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%s: arguments differ: en %v, zh-CN %v", k, a, b)
		}
		if strings.Contains(e, "%s") || strings.Contains(e, "%d") {
			t.Errorf("%s: use indexed verbs (%%[1]s) so translations may reorder", k)
		}
	}
}

func TestCRMErrorsTranslate(t *testing.T) {
	for _, c := range []struct{ code, msg, want string }{
		{crm.CodeBadPhone, `"150-bad" contains "b", which is not part of a phone number`, "150-bad 不是有效号码"},
		{crm.CodeBadPhone, `"say \"hi\"" contains "s", which is not part of a phone number`, `say \"hi\" 不是有效号码`},
		{crm.CodeBadPhone, `"12345678" is too short (8 digits): add the area code`, "12345678 位数不足"},
		{crm.CodeBadChoice, `"Z" is not a configured level (one of A, B)`, "Z 不是已配置的选项（level）"},
		{crm.CodeDuplicatePhone, `+8613800138000 already belongs to customer 张 三 (#12)`, "+8613800138000 已属于客户 张 三（#12）"},
		{crm.CodeQuotaExceeded, `User a holds 3 customers with a quota of 3: 2 more would exceed it`, "User a 已持有 3 位客户，配额 3：再增加 2 位将超出配额"},
	} {
		m := files.Messages()[web.LangZH]
		var got string
		for _, p := range crmErrors {
			if p.code == c.code {
				if sm := p.re.FindStringSubmatch(c.msg); sm != nil {
					args := make([]any, len(sm)-1)
					for i, s := range sm[1:] {
						args[i] = s
					}
					got = fmt.Sprintf(m[p.key], args...)
					break
				}
			}
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s %q → %q, want it to contain %q", c.code, c.msg, got, c.want)
		}
	}
}
