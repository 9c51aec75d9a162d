package crm

import (
	"fmt"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Stable error codes of the CRM, beyond apperr's generic ones. The web UI
// translates messages by these codes.
const (
	CodeBadPhone        = "bad_phone"         // a number that is not a phone number
	CodeDuplicatePhone  = "duplicate_phone"   // the number belongs to another customer
	CodeQuotaExceeded   = "quota_exceeded"    // an agent would hold more customers than their quota
	CodeDailyLimit      = "daily_claim_limit" // the agent claimed their daily limit already
	CodeAlreadyClaimed  = "already_claimed"   // the customer left the pool before this claim
	CodeNotInPool       = "not_in_pool"
	CodeImportRunning   = "import_running"
	CodeImportState     = "import_state"
	CodeChanged         = "changed" // customers changed while an allocation ran
	CodeOutOfScope      = "out_of_scope"
	CodeBadChoice       = "bad_choice"
	CodeRequired        = "required"
	CodeDuplicateInFile = "duplicate_in_file"
	CodeBadValue        = "bad_value"
)

// errCode builds a classified error with a CRM code.
func errCode(kind apperr.Kind, code, field, format string, args ...any) error {
	return &apperr.Error{Kind: kind, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

func invalid(code, field, format string, args ...any) error {
	return errCode(apperr.KindInvalid, code, field, format, args...)
}

func conflict(code, field, format string, args ...any) error {
	return errCode(apperr.KindConflict, code, field, format, args...)
}

// CodeOf returns err's code ("" when it is not classified).
func CodeOf(err error) string {
	if e := apperr.As(err); e != nil {
		return e.Code
	}
	return ""
}
