package crm

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// The configurable lists of the customer form.
const (
	ListLevel  = "level"  // 客户等级
	ListSource = "source" // 客户来源
	ListStatus = "status" // 客户状态 (the first entry is a new customer's status)
)

// ListKinds are the configurable lists.
var ListKinds = []string{ListLevel, ListSource, ListStatus}

// Option is one entry of a configurable list: a stable key stored on
// customers and the label people see.
type Option struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Lists are the configurable lists by kind.
type Lists struct {
	Levels   []Option `json:"levels"`
	Sources  []Option `json:"sources"`
	Statuses []Option `json:"statuses"`
}

// Of returns the list of a kind.
func (l *Lists) Of(kind string) []Option {
	switch kind {
	case ListLevel:
		return l.Levels
	case ListSource:
		return l.Sources
	case ListStatus:
		return l.Statuses
	}
	return nil
}

// Label returns the label of key in the list of kind (the key itself when
// the key is no longer configured).
func (l *Lists) Label(kind, key string) string {
	for _, o := range l.Of(kind) {
		if o.Key == key {
			return o.Label
		}
	}
	return key
}

// Match finds the key of a value as a person or a spreadsheet writes it:
// the key, the whole label, the label's part in one language ("跟进中" and
// "Inbound call" match "Following 跟进中" and "Inbound call 来电"), or one
// word of it, ignoring case.
func (l *Lists) Match(kind, v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", true
	}
	for _, o := range l.Of(kind) {
		if strings.EqualFold(o.Key, v) || strings.EqualFold(o.Label, v) {
			return o.Key, true
		}
	}
	for _, o := range l.Of(kind) {
		for _, w := range append(labelParts(o.Label), strings.Fields(o.Label)...) {
			if strings.EqualFold(w, v) {
				return o.Key, true
			}
		}
	}
	return "", false
}

// labelParts splits a bilingual label into its runs of Chinese and of
// other words: "Inbound call 来电" → "Inbound call", "来电".
func labelParts(label string) []string {
	var parts []string
	var cur []string
	han := false
	for _, w := range strings.Fields(label) {
		h := strings.IndexFunc(w, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
		if len(cur) > 0 && h != han {
			parts = append(parts, strings.Join(cur, " "))
			cur = nil
		}
		cur, han = append(cur, w), h
	}
	if len(cur) > 0 {
		parts = append(parts, strings.Join(cur, " "))
	}
	return parts
}

// Lists returns the configured lists.
func (s *Service) Lists(ctx context.Context) (*Lists, error) { return loadLists(ctx, s.db) }

func loadLists(ctx context.Context, q store.Querier) (*Lists, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, key, label FROM crm_options ORDER BY kind, position, key`)
	if err != nil {
		return nil, fmt.Errorf("crm: options: %w", err)
	}
	defer rows.Close()
	l := &Lists{Levels: []Option{}, Sources: []Option{}, Statuses: []Option{}}
	for rows.Next() {
		var kind string
		var o Option
		if err := rows.Scan(&kind, &o.Key, &o.Label); err != nil {
			return nil, err
		}
		switch kind {
		case ListLevel:
			l.Levels = append(l.Levels, o)
		case ListSource:
			l.Sources = append(l.Sources, o)
		case ListStatus:
			l.Statuses = append(l.Statuses, o)
		}
	}
	return l, rows.Err()
}

var optionKeyRE = regexp.MustCompile(`^[\p{L}\p{N}_.-]{1,32}$`)

// SetList replaces the list of kind. Customers keep the keys they carry; a
// removed key shows as itself until the customer is edited.
func (s *Service) SetList(ctx context.Context, a *org.Actor, kind string, opts []Option) (*Lists, error) {
	if err := valid.OneOf("kind", kind, ListKinds...); err != nil {
		return nil, apperr.NotFound("list " + clip(kind))
	}
	if len(opts) > 100 {
		return nil, apperr.Invalid("options", "at most 100 entries")
	}
	if kind == ListStatus && len(opts) == 0 {
		return nil, apperr.Invalid("options", "the status list needs at least one entry")
	}
	seen := map[string]bool{}
	for i := range opts {
		o := &opts[i]
		o.Key, o.Label = strings.TrimSpace(o.Key), strings.TrimSpace(o.Label)
		if !optionKeyRE.MatchString(o.Key) {
			return nil, apperr.Invalid("options["+strconv.Itoa(i)+"].key", "must be 1–32 letters, digits or _ . -")
		}
		if o.Label == "" {
			o.Label = o.Key
		}
		if err := valid.Text("options["+strconv.Itoa(i)+"].label", o.Label, 1, 60); err != nil {
			return nil, err
		}
		if seen[strings.ToLower(o.Key)] {
			return nil, apperr.Duplicate("options["+strconv.Itoa(i)+"].key", "key %q appears twice", o.Key)
		}
		seen[strings.ToLower(o.Key)] = true
	}
	var after *Lists
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := loadLists(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM crm_options WHERE kind = $1`, kind); err != nil {
			return fmt.Errorf("crm: set options: %w", err)
		}
		for i, o := range opts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO crm_options (kind, key, label, position) VALUES ($1, $2, $3, $4)`,
				kind, o.Key, o.Label, i+1); err != nil {
				return fmt.Errorf("crm: set options: %w", err)
			}
		}
		if after, err = loadLists(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "crm_options", 0, "customer "+kind+" list", before.Of(kind), after.Of(kind))
	})
	return after, err
}

// PoolSettings are the public pool's limits.
type PoolSettings struct {
	DefaultQuota    int `json:"default_quota"`     // customers an agent may hold; 0 = unlimited
	DailyClaimLimit int `json:"daily_claim_limit"` // pool claims per agent per day; 0 = unlimited
}

const (
	keyDefaultQuota = "default_quota"
	keyDailyClaims  = "daily_claim_limit"
)

// defaultPoolSettings apply until an administrator changes them.
var defaultPoolSettings = PoolSettings{DefaultQuota: 0, DailyClaimLimit: 20}

// PoolSettings returns the pool's limits.
func (s *Service) PoolSettings(ctx context.Context) (PoolSettings, error) {
	return loadPoolSettings(ctx, s.db)
}

func loadPoolSettings(ctx context.Context, q store.Querier) (PoolSettings, error) {
	ps := defaultPoolSettings
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM crm_settings`)
	if err != nil {
		return ps, fmt.Errorf("crm: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return ps, err
		}
		n, _ := strconv.Atoi(v)
		switch k {
		case keyDefaultQuota:
			ps.DefaultQuota = n
		case keyDailyClaims:
			ps.DailyClaimLimit = n
		}
	}
	return ps, rows.Err()
}

// SetPoolSettings changes the pool's limits.
func (s *Service) SetPoolSettings(ctx context.Context, a *org.Actor, in PoolSettings) (PoolSettings, error) {
	if in.DefaultQuota < 0 || in.DefaultQuota > 1_000_000 {
		return in, apperr.Invalid("default_quota", "must be from 0 (unlimited) to 1000000")
	}
	if in.DailyClaimLimit < 0 || in.DailyClaimLimit > 100_000 {
		return in, apperr.Invalid("daily_claim_limit", "must be from 0 (unlimited) to 100000")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := loadPoolSettings(ctx, tx)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		for k, v := range map[string]int{keyDefaultQuota: in.DefaultQuota, keyDailyClaims: in.DailyClaimLimit} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO crm_settings (key, value, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, k, strconv.Itoa(v), now); err != nil {
				return fmt.Errorf("crm: save settings: %w", err)
			}
		}
		return audit.Record(ctx, tx, who(a), "update", "crm_settings", 0, "public pool limits", before, in)
	})
	return in, err
}
