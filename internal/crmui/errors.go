package crmui

import (
	"net/http"
	"regexp"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/crm"
)

// The crm service describes errors in English for the API; these patterns
// give them, arguments kept, in the page's language. An error none matches
// goes to the web package's own translation.
// q matches a Go-quoted string (as %q writes user input) and captures it.
const q = `"((?:[^"\\]|\\.)*)"`

var crmErrors = []struct {
	code string
	re   *regexp.Regexp
	key  string
}{
	{crm.CodeBadPhone, regexp.MustCompile(`^a phone number is empty$`), "crm.err.phone_empty"},
	{crm.CodeBadPhone, regexp.MustCompile(`^` + q + ` is too short`), "crm.err.phone_short"},
	{crm.CodeBadPhone, regexp.MustCompile(`^` + q + ` has an extension`), "crm.err.phone_ext"},
	{crm.CodeBadPhone, regexp.MustCompile(`^` + q), "crm.err.phone_bad"},
	{crm.CodeDuplicatePhone, regexp.MustCompile(`^(\S+) already belongs to customer (.*) \(#(\d+)\)$`), "crm.err.dup_phone_named"},
	{crm.CodeDuplicatePhone, regexp.MustCompile(`^(\S+) already belongs to another customer`), "crm.err.dup_phone"},
	{crm.CodeQuotaExceeded, regexp.MustCompile(`^(.*) holds (\d+) customers with a quota of (\d+): (\d+) more would exceed it$`), "crm.err.quota"},
	{crm.CodeQuotaExceeded, regexp.MustCompile(`^(.*) holds (\d+) customers with a quota of (\d+)`), "crm.err.quota_claim"},
	{crm.CodeDailyLimit, regexp.MustCompile(`^(.*) has claimed (\d+) customers today`), "crm.err.daily"},
	{crm.CodeAlreadyClaimed, regexp.MustCompile(`^customer #(\d+)`), "crm.err.already_claimed"},
	{crm.CodeNotInPool, regexp.MustCompile(`^customer (.*) is already in the pool`), "crm.err.in_pool"},
	{crm.CodeImportRunning, regexp.MustCompile(`^(\d+) imports are running`), "crm.err.imports_busy"},
	{crm.CodeImportRunning, regexp.MustCompile(``), "crm.err.import_running"},
	{crm.CodeImportState, regexp.MustCompile(`^the batch was imported already`), "crm.err.import_done"},
	{crm.CodeImportState, regexp.MustCompile(`^the uploaded file is gone`), "crm.err.import_gone"},
	{crm.CodeChanged, regexp.MustCompile(`^(\d+) of (\d+) customers`), "crm.err.changed"},
	{crm.CodeOutOfScope, regexp.MustCompile(`^(\d+) of the batch's (\d+) customers`), "crm.err.batch_scope"},
	{crm.CodeBadChoice, regexp.MustCompile(`^` + q + ` is not a configured (\w+)`), "crm.err.bad_choice"},
	{crm.CodeBadChoice, regexp.MustCompile(`^(.*) must be one of (.*), not ` + q + `$`), "crm.err.bad_custom_choice"},
	{crm.CodeRequired, regexp.MustCompile(`^at least one phone number is required$`), "crm.err.phone_required"},
	{crm.CodeRequired, regexp.MustCompile(`^(.+) is required$`), "crm.err.field_required"},
	{crm.CodeDuplicateInFile, regexp.MustCompile(`^(\S+) is also on line (\d+)`), "crm.err.dup_in_file"},
	{crm.CodeBadValue, regexp.MustCompile(`^(.*) must be a number`), "crm.err.bad_number"},
	{crm.CodeBadValue, regexp.MustCompile(`^(.*) must be a date`), "crm.err.bad_date"},
	{"invalid", regexp.MustCompile(`^(?:user|team|department) (\d+) does not exist or is outside your data scope$`), "crm.err.target_scope"},
	{"invalid", regexp.MustCompile(`^only (\d+) customers are selected; the targets ask for (\d+)$`), "crm.err.count_over"},
	{"invalid", regexp.MustCompile(`^(\d+) of the customers do not exist`), "crm.err.ids_scope"},
	{"invalid", regexp.MustCompile(`^map a column to the name$`), "crm.err.map_name"},
	{"invalid", regexp.MustCompile(`^map at least one column to phones$`), "crm.err.map_phones"},
	{"invalid", regexp.MustCompile(`^(.*) is mapped to more than one column$`), "crm.err.map_twice"},
	{"invalid", regexp.MustCompile(`^the old \.xls format`), "crm.err.xls"},
	{"invalid", regexp.MustCompile(`^upload a \.csv or \.xlsx file$`), "crm.err.file_type"},
	{"invalid", regexp.MustCompile(`^the file is empty$`), "crm.err.file_empty"},
	{"invalid", regexp.MustCompile(`^the file has no header row`), "crm.err.no_header"},
	{"invalid", regexp.MustCompile(`^not a readable \.xlsx file`), "crm.err.bad_xlsx"},
	{"invalid", regexp.MustCompile(`^choose a department`), "crm.err.rule_dept"},
	{"invalid", regexp.MustCompile(`^must be a date and time$`), "crm.err.due"},
}

// localize returns err with its message in the request's language when it
// is a CRM error the catalog knows.
func (u *UI) localize(r *http.Request, err error) error {
	e := apperr.As(err)
	if e == nil {
		return err
	}
	if msg, ok := u.crmText(r, e.Code, e.Message); ok {
		c := *e
		c.Message = msg
		return &c
	}
	return err
}

// crmText translates a CRM message of code.
func (u *UI) crmText(r *http.Request, code, msg string) (string, bool) {
	for _, p := range crmErrors {
		if p.code != code {
			continue
		}
		if m := p.re.FindStringSubmatch(msg); m != nil {
			args := make([]any, len(m)-1)
			for i, s := range m[1:] {
				args[i] = s
			}
			return u.web.T(r, p.key, args...), true
		}
	}
	return "", false
}

// errText is an error in the page's language.
func (u *UI) errText(r *http.Request, err error) string {
	return u.web.ErrorText(r, u.localize(r, err))
}

// importReason translates a stored import error.
func (u *UI) importReason(r *http.Request, e crm.ImportError) string {
	if msg, ok := u.crmText(r, e.Code, e.Reason); ok {
		return msg
	}
	return u.web.ErrorText(r, &apperr.Error{Kind: apperr.KindInvalid, Code: e.Code, Field: e.Field, Message: e.Reason})
}
