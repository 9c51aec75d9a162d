package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// How abandoned calls count in the service level (centres differ).
const (
	AbandonIgnored   = "ignored"    // SL = answered within T ÷ (answered + overflowed)
	AbandonAgainst   = "against"    // SL = answered within T ÷ (answered + abandoned + overflowed)
	AbandonForWithin = "for_within" // SL = (answered within T + abandoned within T) ÷ (answered + abandoned + overflowed)
)

// Band is a metric's target: values from Lo to Hi are on target. A nil
// end is open.
type Band struct {
	Lo *float64 `json:"lo,omitempty"`
	Hi *float64 `json:"hi,omitempty"`
}

// Settings are how this center defines and judges its figures. Changing a
// field that classifies calls (thresholds, the FCR window, the time zone)
// recomputes the rollups.
type Settings struct {
	SLThresholdSec  int     `json:"sl_threshold_sec"`  // answered within T seconds (default 20)
	SLTargetPct     float64 `json:"sl_target_pct"`     // the service level aimed at (default 80)
	AbandonMode     string  `json:"abandon_mode"`      // ignored, against (default), for_within
	ShortAbandonSec int     `json:"short_abandon_sec"` // abandons quicker than this are left out (default 20)
	// QueueThresholds lets a queue's own service_level_sec and
	// short_abandon_sec (when set) replace the two above for its calls.
	QueueThresholds bool            `json:"queue_thresholds"`
	FCRWindowHours  int             `json:"fcr_window_hours"` // a repeat call within it means not resolved (default 72)
	RingCycleSec    float64         `json:"ring_cycle_sec"`   // one ring (default 6 s)
	TimeZone        string          `json:"time_zone"`        // days, weeks and months are local to it
	Currency        string          `json:"currency"`         // of the center cost (default CNY)
	Targets         map[string]Band `json:"targets,omitempty"`
}

// DefaultSettings are the documents' definitions (DOMAIN.md §2).
func DefaultSettings() Settings {
	return Settings{SLThresholdSec: 20, SLTargetPct: 80, AbandonMode: AbandonAgainst, ShortAbandonSec: 20, QueueThresholds: true,
		FCRWindowHours: 72, RingCycleSec: 6, TimeZone: localZone(), Currency: "CNY"}
}

// localZone names the machine's time zone: $TZ, else the zone
// /etc/localtime links to, else UTC.
func localZone() string {
	if tz := os.Getenv("TZ"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil {
			return tz
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
			if _, err := time.LoadLocation(name); err == nil {
				return name
			}
		}
	}
	if n := time.Local.String(); n != "Local" && n != "" {
		return n
	}
	return "UTC"
}

// Location returns the settings' time zone.
func (s Settings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Validate checks the settings.
func (s Settings) Validate() error {
	switch {
	case s.SLThresholdSec < 1 || s.SLThresholdSec > 3600:
		return apperr.Invalid("sl_threshold_sec", "between 1 and 3600 seconds")
	case s.SLTargetPct <= 0 || s.SLTargetPct > 100:
		return apperr.Invalid("sl_target_pct", "between 0 and 100")
	case s.AbandonMode != AbandonIgnored && s.AbandonMode != AbandonAgainst && s.AbandonMode != AbandonForWithin:
		return apperr.Invalid("abandon_mode", "one of ignored, against, for_within")
	case s.ShortAbandonSec < 0 || s.ShortAbandonSec > 600:
		return apperr.Invalid("short_abandon_sec", "between 0 and 600 seconds")
	case s.FCRWindowHours < 1 || s.FCRWindowHours > 24*31:
		return apperr.Invalid("fcr_window_hours", "between 1 hour and 31 days")
	case s.RingCycleSec < 1 || s.RingCycleSec > 60:
		return apperr.Invalid("ring_cycle_sec", "between 1 and 60 seconds")
	case len(s.Currency) < 1 || len(s.Currency) > 8:
		return apperr.Invalid("currency", "a currency code such as CNY")
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" || s.TimeZone == "Local" {
		return apperr.Invalid("time_zone", "an IANA time zone such as Asia/Shanghai")
	}
	for k, b := range s.Targets {
		m, ok := MetricByKey(k)
		if !ok || m.Kind == KindNone {
			return apperr.Invalid("targets", "no metric %q with a target", k)
		}
		if b.Lo != nil && b.Hi != nil && *b.Lo > *b.Hi {
			return apperr.Invalid("targets", "%s: the low end is above the high end", k)
		}
	}
	return nil
}

// rollupKey is what the rollups were computed with: when it changes, they
// are recomputed.
func (s Settings) rollupKey(queues map[string]limits) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sl=%d;short=%d;qt=%v;fcr=%d;tz=%s", s.SLThresholdSec, s.ShortAbandonSec, s.QueueThresholds, s.FCRWindowHours, s.TimeZone)
	// Only queues with thresholds of their own classify calls differently:
	// adding a queue that uses the defaults changes nothing computed.
	names := make([]string, 0, len(queues))
	for n, l := range queues {
		if l != defaultLimits(s) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, ";%s=%d/%d", n, queues[n].slMS, queues[n].shortMS)
	}
	return b.String()
}

// Variant describes the service-level definition in force, for every report
// and export (English and Chinese).
func (s Settings) Variant() (en, zh string) {
	mode := map[string][2]string{
		AbandonIgnored:   {"abandoned calls ignored", "放弃呼叫不计入"},
		AbandonAgainst:   {"abandoned calls counted against", "放弃呼叫计为未达标"},
		AbandonForWithin: {"abandoned calls within the threshold counted as met", "阈值内放弃的呼叫计为达标"},
	}[s.AbandonMode]
	en = fmt.Sprintf("Service level %.0f%% within %d s, %s; abandons under %d s excluded", s.SLTargetPct, s.SLThresholdSec, mode[0], s.ShortAbandonSec)
	zh = fmt.Sprintf("服务水平目标 %.0f%%，%d 秒内接通；%s；%d 秒内的短时放弃不计", s.SLTargetPct, s.SLThresholdSec, mode[1], s.ShortAbandonSec)
	if s.QueueThresholds {
		en += "; a queue's own thresholds apply to its calls"
		zh += "；队列自设阈值优先"
	}
	return en, zh
}

const settingsKey = "report"

// LoadSettings reads the stored settings (defaults when none).
func LoadSettings(ctx context.Context, q store.Querier) (Settings, error) {
	s := DefaultSettings()
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, settingsKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("report: settings: %w", err)
	}
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return DefaultSettings(), fmt.Errorf("report: settings: %w", err)
	}
	return s, nil
}

// SaveSettings stores new settings, audited.
func SaveSettings(ctx context.Context, db *store.DB, a *org.Actor, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		old, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(s)
		now := time.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, settingsKey, string(b), now); err != nil {
			return fmt.Errorf("report: save settings: %w", err)
		}
		return audit.Record(ctx, tx, audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}, "update", "report_settings", 0,
			"report settings", old, s)
	})
}
