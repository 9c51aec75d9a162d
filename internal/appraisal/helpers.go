package appraisal

import (
	"context"
	"database/sql"
	"strings"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/valid"
)

// textField trims a text input and checks its length.
func textField(field string, s *string, lo, hi int) error {
	*s = strings.TrimSpace(*s)
	return valid.Text(field, *s, lo, hi)
}

// auditMonth records closing or reopening a scheme's month.
func auditMonth(ctx context.Context, tx *sql.Tx, a *org.Actor, action string, schemeID int64, summary string, before, after any) error {
	return audit.Record(ctx, tx, who(a), action, "appraisal_months", schemeID, summary, before, after)
}
