package deskui

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// campaignInputs are the inputs of the campaign form.
var campaignInputs = []string{"name", "mode", "queue", "caller_id", "timezone", "days", "hours", "max_attempts",
	"retry_busy_min", "retry_no_answer_min", "retry_a_min", "retry_b_min", "ring_timeout_sec", "abandon_cap", "max_ratio",
	"script", "objections", "dispositions"}

// Modes are the dialling modes in the form's order.
var Modes = []string{dialer.Preview, dialer.Progressive, dialer.Predictive}

// Days are the weekdays of the calling hours, Monday first.
var Days = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// newCampaignConfig is what a new campaign's form starts with: the values
// dialer.Config uses for a setting left empty, shown so that operators see
// what they get.
func newCampaignConfig() dialer.Config {
	return dialer.Config{Mode: dialer.Progressive, Timezone: "Asia/Shanghai", Days: Days, Hours: []string{"09:00-21:00"},
		MaxAttempts: 3, RetryBusyMin: 10, RetryNoAnswerMin: 60, RetryAMin: 30, RetryBMin: 24 * 60, RingTimeoutSec: 25,
		AbandonCap: 0.03, MaxRatio: 3, Dispositions: dialer.DefaultDispositions}
}

// fillCampaign puts a campaign's settings into the form.
func fillCampaign(f *web.Form, name string, c dialer.Config) {
	f.Set("name", name)
	f.Set("mode", c.Mode)
	f.Set("queue", c.Queue)
	f.Set("caller_id", c.CallerID)
	f.Set("timezone", c.Timezone)
	f.Values["days"] = append([]string(nil), c.Days...)
	f.Set("hours", strings.Join(c.Hours, ", "))
	for n, v := range map[string]int{"max_attempts": c.MaxAttempts, "retry_busy_min": c.RetryBusyMin,
		"retry_no_answer_min": c.RetryNoAnswerMin, "retry_a_min": c.RetryAMin, "retry_b_min": c.RetryBMin,
		"ring_timeout_sec": c.RingTimeoutSec} {
		f.Set(n, strconv.Itoa(v))
	}
	f.Set("abandon_cap", strconv.FormatFloat(c.AbandonCap*100, 'f', -1, 64))
	f.Set("max_ratio", strconv.FormatFloat(c.MaxRatio, 'f', -1, 64))
	f.Set("script", DecodeScript(c.Script))
	f.Set("objections", FormatObjections(c.Objections))
	f.Set("dispositions", FormatDispositions(c.Dispositions))
}

// campaignForm reads the posted form into a campaign input, recording
// every input it can check itself on the form. keep is the stored config
// (nil for a new campaign): settings the form does not show survive.
func (h *handlers) campaignForm(r *http.Request, f *web.Form, queueNames []string, keep *dialer.Config) dialer.CampaignInput {
	in := dialer.CampaignInput{Name: f.Get("name")}
	if keep != nil {
		in.Config = *keep
	}
	c := &in.Config
	c.Mode, c.Queue, c.CallerID = f.Get("mode"), f.Get("queue"), f.Get("caller_id")
	if c.Queue != "" && !slices.Contains(queueNames, c.Queue) {
		h.invalid(r, f, "queue", "desk.err.queue_unknown", c.Queue)
	}
	h.readSchedule(r, f, c)
	h.readPacing(r, f, c)
	c.Script = EncodeScript(f.Values.Get("script"))
	var err error
	if c.Objections, err = ParseObjections(f.Values.Get("objections")); err != nil {
		h.lineInvalid(r, f, "objections", err)
	}
	if c.Dispositions, err = ParseDispositions(f.Values.Get("dispositions")); err != nil {
		h.lineInvalid(r, f, "dispositions", err)
	}
	return in
}

// readSchedule reads the calling hours: time zone, days and ranges.
func (h *handlers) readSchedule(r *http.Request, f *web.Form, c *dialer.Config) {
	c.Timezone = f.Get("timezone")
	if _, err := time.LoadLocation(c.Timezone); c.Timezone != "" && (err != nil || strings.EqualFold(c.Timezone, "local")) {
		h.invalid(r, f, "timezone", "desk.err.timezone", c.Timezone)
	}
	c.Days = nil
	for _, d := range f.Values["days"] {
		if slices.Contains(Days, d) && !slices.Contains(c.Days, d) {
			c.Days = append(c.Days, d)
		}
	}
	if len(c.Days) == 0 || len(c.Days) != len(f.Values["days"]) {
		h.invalid(r, f, "days", "desk.err.days")
	}
	hours, bad := ParseHourRanges(f.Get("hours"))
	if bad != "" {
		h.invalid(r, f, "hours", "desk.err.hours", bad)
	}
	c.Hours = hours
}

// readPacing reads the attempts, retry delays and the predictive limits.
// Empty numbers are 0: the dialer's defaults.
func (h *handlers) readPacing(r *http.Request, f *web.Form, c *dialer.Config) {
	c.MaxAttempts = h.count(r, f, "max_attempts")
	c.RetryBusyMin = h.count(r, f, "retry_busy_min")
	c.RetryNoAnswerMin = h.count(r, f, "retry_no_answer_min")
	c.RetryAMin = h.count(r, f, "retry_a_min")
	c.RetryBMin = h.count(r, f, "retry_b_min")
	c.RingTimeoutSec = h.count(r, f, "ring_timeout_sec")
	if p := h.number(r, f, "abandon_cap"); p > 50 {
		h.invalid(r, f, "abandon_cap", "desk.err.abandon_cap")
	} else {
		c.AbandonCap = p / 100
	}
	c.MaxRatio = h.number(r, f, "max_ratio")
}

// count reads a whole number ≥ 0 (empty: 0, the dialer's default).
func (h *handlers) count(r *http.Request, f *web.Form, name string) int {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1_000_000 {
		h.invalid(r, f, name, "desk.err.count")
		return 0
	}
	return n
}

// number reads a decimal number ≥ 0 (empty: 0, the dialer's default).
func (h *handlers) number(r *http.Request, f *web.Form, name string) float64 {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n < 0 || n > 1e6 {
		h.invalid(r, f, name, "desk.err.decimal")
		return 0
	}
	return n
}

func (h *handlers) lineInvalid(r *http.Request, f *web.Form, name string, err error) {
	var le *LineError
	if errors.As(err, &le) {
		h.invalid(r, f, name, "desk.err.line", le.Line, h.ui.T(r, le.Reason))
	}
}

// campaignField maps the dialer's fields ("config.max_ratio",
// "config.dispositions[2].key") to the form's inputs.
func campaignField(field string) string {
	field, _ = strings.CutPrefix(field, "config.")
	if i := strings.IndexByte(field, '['); i > 0 {
		field = field[:i]
	}
	if slices.Contains(campaignInputs, field) {
		return field
	}
	return ""
}

// queueNames lists the ACD queues a campaign may use.
func (h *handlers) queueNames(ctx context.Context) ([]string, error) {
	qs, err := h.Queues.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Name
	}
	return out, nil
}

// formView is the campaign editor.
type formView struct {
	C      *dialer.Campaign // nil for a new one
	Form   *web.Form
	Queues []string
	Modes  []string
	Days   []string
	Flags  []string
}

func (h *handlers) renderForm(w http.ResponseWriter, r *http.Request, c *dialer.Campaign, f *web.Form, status int) error {
	qs, err := h.queueNames(r.Context())
	if err != nil {
		return err
	}
	h.ui.RenderStatus(w, r, status, "desk_campaign_form", formView{C: c, Form: f, Queues: qs, Modes: Modes, Days: Days,
		Flags: DispositionFlags})
	return nil
}

func (h *handlers) campaignNew(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := h.ui.NewForm(r, campaignInputs...)
	fillCampaign(f, "", newCampaignConfig())
	return h.renderForm(w, r, nil, f, http.StatusOK)
}

func (h *handlers) campaignEdit(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c, err := h.campaign(r)
	if err != nil {
		return err
	}
	f := h.ui.NewForm(r, campaignInputs...)
	fillCampaign(f, c.Name, c.Config)
	return h.renderForm(w, r, c, f, http.StatusOK)
}

// campaignSave creates (POST /desk/campaigns) or changes
// (POST /desk/campaigns/{id}) a campaign.
func (h *handlers) campaignSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var c *dialer.Campaign
	var keep *dialer.Config
	if r.PathValue("id") != "" {
		var err error
		if c, err = h.campaign(r); err != nil {
			return err
		}
		keep = &c.Config
	}
	qs, err := h.queueNames(r.Context())
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r, campaignInputs...)
	in := h.campaignForm(r, f, qs, keep)
	var saved *dialer.Campaign
	status, err := h.save(r, f, campaignField, func() error {
		var id int64
		if c != nil {
			id = c.ID
		}
		var err error
		saved, err = h.Dialer.Save(r.Context(), a, id, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.renderForm(w, r, c, f, status)
	}
	h.ui.Flash(w, web.FlashOK, "desk.flash.campaign_saved", saved.Name)
	web.Redirect(w, r, campaignPath(saved.ID))
	return nil
}

func campaignPath(id int64) string { return Base + "/campaigns/" + strconv.FormatInt(id, 10) }
