package complaint

import (
	"log/slog"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Service handles complaints on one database.
type Service struct {
	DB  *store.DB
	CRM *crm.Service // matches callers to customers; nil: no matching
	Log *slog.Logger
	Now func() time.Time // the clock; tests set it
}

// New returns the service; log may be nil (slog.Default).
func New(db *store.DB, customers *crm.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{DB: db, CRM: customers, Log: log, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }

func actorName(a *org.Actor) string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}

// text trims a multi-line text and checks its length: valid.Text refuses
// control characters, and line breaks are the one kind a note may have.
func text(field, s string, lo, hi int) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	return s, valid.Text(field, strings.ReplaceAll(s, "\n", " "), lo, hi)
}

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
