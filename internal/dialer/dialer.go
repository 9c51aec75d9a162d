// Package dialer runs outbound campaigns (外呼任务): call lists built from
// customers, calling hours in the campaign's time zone, a do-not-call list,
// retry rules per outcome (busy, no answer, callback class A = call back
// soonest, B = keep following), a script with answers to objections, the
// agents' dispositions and conversion figures. Three dialling modes:
// preview (the agent sees the customer, then dials), progressive (one dial
// per free agent) and predictive (dials ahead by a ratio that adapts to the
// answer rate while keeping abandoned calls under a cap, 3% by default).
//
// Dials go through internal/call: the customer is called through a trunk;
// when they answer, the call joins the campaign's ACD queue and goes to the
// first free agent.
package dialer

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Objection is a standard answer to a customer's objection in the script.
type Objection struct {
	Objection string `json:"objection"`
	Answer    string `json:"answer"`
}

// Disposition is a result an agent records after a call.
type Disposition struct {
	Key     string `json:"key"`
	Label   string `json:"label"`
	Success bool   `json:"success,omitempty"` // counts as a conversion (a sale)
	Final   bool   `json:"final,omitempty"`   // no more calls to this contact
	Retry   bool   `json:"retry,omitempty"`   // call again later (no answer, busy)
	DNC     bool   `json:"dnc,omitempty"`     // and put the number on the do-not-call list
}

// Config is a campaign's settings.
type Config struct {
	Mode              string        `json:"mode"`  // preview, progressive, predictive
	Queue             string        `json:"queue"` // the ACD queue whose agents take the calls
	CallerID          string        `json:"caller_id,omitempty"`
	Timezone          string        `json:"timezone,omitempty"` // default Asia/Shanghai
	Days              []string      `json:"days,omitempty"`     // default mon–sun
	Hours             []string      `json:"hours,omitempty"`    // default 09:00-21:00
	MaxAttempts       int           `json:"max_attempts,omitempty"`
	RetryBusyMin      int           `json:"retry_busy_min,omitempty"`
	RetryNoAnswerMin  int           `json:"retry_no_answer_min,omitempty"`
	RetryAMin         int           `json:"retry_a_min,omitempty"` // class A: most likely, call back soonest
	RetryBMin         int           `json:"retry_b_min,omitempty"` // class B: keep following
	AbandonCap        float64       `json:"abandon_cap,omitempty"` // default 0.03
	MaxRatio          float64       `json:"max_ratio,omitempty"`   // predictive: most dials per free agent, default 3
	RingTimeoutSec    int           `json:"ring_timeout_sec,omitempty"`
	MaxConnectWaitSec int           `json:"max_connect_wait_sec,omitempty"`
	Language          string        `json:"language,omitempty"`
	Script            string        `json:"script,omitempty"`
	Objections        []Objection   `json:"objections,omitempty"`
	Dispositions      []Disposition `json:"dispositions,omitempty"`
}

// DefaultDispositions are offered when a campaign defines none.
var DefaultDispositions = []Disposition{
	{Key: "sale", Label: "成交 Sale", Success: true, Final: true},
	{Key: "interested", Label: "有意向 Interested (class B)"},
	{Key: "call_back", Label: "约回电 Call back (class A)"},
	{Key: "not_interested", Label: "无意向 Not interested", Final: true},
	{Key: "no_answer", Label: "无人接听 No answer", Retry: true},
	{Key: "busy", Label: "忙线 Busy", Retry: true},
	{Key: "wrong_number", Label: "号码错误 Wrong number", Final: true},
	{Key: "do_not_call", Label: "拒绝再打 Do not call", Final: true, DNC: true},
}

func (c *Config) normalize() error {
	switch c.Mode {
	case Preview, Progressive, Predictive:
	case "":
		c.Mode = Progressive
	default:
		return apperr.Invalid("config.mode", "must be preview, progressive or predictive")
	}
	if c.Queue == "" {
		return apperr.Invalid("config.queue", "is required: the queue whose agents take the calls")
	}
	def := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	def(&c.MaxAttempts, 3)
	def(&c.RetryBusyMin, 10)
	def(&c.RetryNoAnswerMin, 60)
	def(&c.RetryAMin, 30)
	def(&c.RetryBMin, 24*60)
	def(&c.RingTimeoutSec, 25)
	def(&c.MaxConnectWaitSec, 2)
	if c.AbandonCap <= 0 {
		c.AbandonCap = 0.03
	}
	if c.AbandonCap > 0.5 {
		return apperr.Invalid("config.abandon_cap", "must be at most 0.5")
	}
	if c.MaxRatio <= 0 {
		c.MaxRatio = 3
	}
	if c.MaxRatio < 1 || c.MaxRatio > 10 {
		return apperr.Invalid("config.max_ratio", "must be 1 to 10")
	}
	if c.Timezone == "" {
		c.Timezone = "Asia/Shanghai"
	}
	if len(c.Days) == 0 {
		c.Days = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	}
	if len(c.Hours) == 0 {
		c.Hours = []string{"09:00-21:00"}
	}
	if _, err := ParseHours(c.Timezone, c.Days, c.Hours); err != nil {
		return apperr.Invalid("config.hours", "%v", err)
	}
	if len(c.Dispositions) == 0 {
		c.Dispositions = DefaultDispositions
	}
	seen := map[string]bool{}
	for i, d := range c.Dispositions {
		if d.Key == "" || seen[d.Key] {
			return apperr.Invalid(fmt.Sprintf("config.dispositions[%d].key", i), "must be set and unique")
		}
		seen[d.Key] = true
	}
	// A script is prose with line breaks: check it line by line.
	for _, line := range strings.Split(strings.ReplaceAll(c.Script, "\r\n", "\n"), "\n") {
		if err := valid.Text("config.script", line, 0, 20000); err != nil {
			return err
		}
	}
	if len([]rune(c.Script)) > 20000 {
		return apperr.Invalid("config.script", "must be at most 20000 characters")
	}
	return valid.Phone("config.caller_id", c.CallerID)
}

// Campaign is a campaign with its status.
type Campaign struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Status    string    `json:"status"` // draft, running, paused, done
	Config    Config    `json:"config"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CampaignInput creates or changes a campaign.
type CampaignInput struct {
	Name   string `json:"name"`
	Config Config `json:"config"`
}

// Service stores campaigns and runs the running ones.
type Service struct {
	DB     *store.DB
	Dialer CallPlacer
	Agents AgentCounter
	Now    func() time.Time
	Log    *slog.Logger
	// Customers finds the customers to call (crm).
	Customers CustomerSource

	mu      sync.Mutex
	running map[int64]*runner
	kick    chan struct{}
}

// New returns a campaign service.
func New(db *store.DB, placer CallPlacer, agents AgentCounter, customers CustomerSource, log *slog.Logger) *Service {
	return &Service{DB: db, Dialer: placer, Agents: agents, Customers: customers, Now: time.Now, Log: log,
		running: map[int64]*runner{}, kick: make(chan struct{}, 1)}
}

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (*Campaign, error) {
	var c Campaign
	var cfg string
	var cr, up int64
	err := q.QueryRowContext(ctx, `SELECT id, name, status, config, created_at, updated_at FROM campaigns WHERE id = $1`, id).
		Scan(&c.ID, &c.Name, &c.Status, &cfg, &cr, &up)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("campaign")
	}
	if err != nil {
		return nil, fmt.Errorf("dialer: campaign: %w", err)
	}
	if err := json.Unmarshal([]byte(cfg), &c.Config); err != nil {
		return nil, fmt.Errorf("dialer: campaign %d config: %w", id, err)
	}
	c.CreatedAt, c.UpdatedAt = store.Time(cr), store.Time(up)
	return &c, nil
}

// Campaign returns one campaign.
func (s *Service) Campaign(ctx context.Context, id int64) (*Campaign, error) {
	return s.get(ctx, s.DB, id)
}

// Campaigns lists every campaign.
func (s *Service) Campaigns(ctx context.Context) ([]Campaign, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM campaigns ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	out := []Campaign{}
	for _, id := range ids {
		c, err := s.get(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// Save creates (id 0) or changes a campaign.
func (s *Service) Save(ctx context.Context, a *org.Actor, id int64, in CampaignInput) (*Campaign, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := valid.Text("name", in.Name, 1, 100); err != nil {
		return nil, err
	}
	if err := in.Config.normalize(); err != nil {
		return nil, err
	}
	cfg, _ := json.Marshal(in.Config)
	var after *Campaign
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var before *Campaign
		now := s.Now().UnixMilli()
		var err error
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO campaigns (name, config, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4) RETURNING id`, in.Name, string(cfg), store.NullID(a.UserID), now).Scan(&id)
		} else {
			if before, err = s.get(ctx, tx, id); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE campaigns SET name = $1, config = $2, updated_at = $3 WHERE id = $4`,
				in.Name, string(cfg), now, id)
		}
		if err != nil {
			if errors.Is(store.Classify(err), store.ErrConflict) {
				return apperr.Duplicate("name", "a campaign named %q already exists", in.Name)
			}
			return fmt.Errorf("dialer: save campaign: %w", err)
		}
		if after, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		action := "update"
		if before == nil {
			action = "create"
		}
		return audit.Record(ctx, tx, who(a), action, "campaigns", id, "campaign "+in.Name, before, after)
	})
	return after, err
}

// Delete removes a campaign that is not running.
func (s *Service) Delete(ctx context.Context, a *org.Actor, id int64) error {
	c, err := s.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if c.Status == "running" {
		return apperr.Conflict("running", "pause the campaign before deleting it")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_contacts WHERE campaign_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_attempts WHERE campaign_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaigns WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "delete", "campaigns", id, "campaign "+c.Name, c, nil)
	})
}

// SetStatus starts, pauses or finishes a campaign.
func (s *Service) SetStatus(ctx context.Context, a *org.Actor, id int64, status string) (*Campaign, error) {
	if err := valid.OneOf("status", status, "running", "paused", "done"); err != nil {
		return nil, err
	}
	c, err := s.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET status = $1, updated_at = $2 WHERE id = $3`, status, s.Now().UnixMilli(), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), status, "campaigns", id, "campaign "+c.Name, map[string]string{"status": c.Status},
			map[string]string{"status": status})
	})
	if err != nil {
		return nil, err
	}
	s.Kick()
	return s.Campaign(ctx, id)
}

// Kick makes the pacing loop look at the campaigns now.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}
