package satisfaction

import (
	"context"
	"log/slog"
	"time"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Service runs the review process on one database.
type Service struct {
	DB  *store.DB
	Log *slog.Logger
	Now func() time.Time // the clock; tests set it
}

// New returns the service; log may be nil (slog.Default).
func New(db *store.DB, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{DB: db, Log: log, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// Run picks up new flagged ratings every interval until ctx ends, so that
// the report and the queue's counts are current even when nobody opens a
// page (reads pick up as well).
func (s *Service) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.PickUp(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("satisfaction: pick up flagged ratings", "err", err)
		} else if n > 0 {
			s.Log.Info("satisfaction: review cases opened", "n", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }

// actorName is the name a timeline shows for a.
func actorName(a *org.Actor) string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}
