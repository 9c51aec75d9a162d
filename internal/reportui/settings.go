package reportui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/web"
)

// settingsView is the report settings form.
type settingsView struct {
	F       *web.Form
	Modes   []string
	Targets []targetRow
	Zones   []string
}

// targetRow is a metric's band in the form.
type targetRow struct {
	N       int
	Key     string
	Name    string
	Unit    string
	Kind    string
	Default string
}

var abandonModes = []string{report.AbandonIgnored, report.AbandonAgainst, report.AbandonForWithin}

// zones are offered in the time-zone field (any IANA zone is accepted).
var zones = []string{"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "UTC",
	"Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles"}

var settingFields = []string{"sl_threshold_sec", "sl_target_pct", "abandon_mode", "short_abandon_sec", "queue_thresholds",
	"fcr_window_hours", "ring_cycle_sec", "time_zone", "currency", "targets"}

func (u *UI) settingsPage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	s, err := u.settings(r)
	if err != nil {
		return err
	}
	f := u.web.NewForm(r, settingFields...)
	fillSettings(f, s)
	u.renderSettings(w, r, http.StatusOK, f)
	return nil
}

func (u *UI) renderSettings(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	lang := web.Lang(r)
	fm := fmtr{lang: lang, t: func(k string, args ...any) string { return u.t(r, k, args...) }}
	v := settingsView{F: f, Modes: abandonModes, Zones: zones}
	for _, m := range report.Metrics {
		if m.Kind == report.KindNone || m.Key == "service_level" {
			continue
		}
		unit, _ := fm.bandUnit(m, report.Band{})
		if m.Unit == report.UnitMoney {
			unit = ""
		}
		v.Targets = append(v.Targets, targetRow{N: m.N, Key: m.Key, Name: metricName(lang, m), Unit: strings.TrimSpace(unit),
			Kind: string(m.Kind), Default: fm.band(m, m.Target(report.Settings{}))})
	}
	u.web.RenderStatus(w, r, status, "reports_settings", v)
}

func fnum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// fillSettings puts the settings into the form, each target band as in
// force (the default when not changed).
func fillSettings(f *web.Form, s report.Settings) {
	f.Set("sl_threshold_sec", strconv.Itoa(s.SLThresholdSec))
	f.Set("sl_target_pct", fnum(s.SLTargetPct))
	f.Set("abandon_mode", s.AbandonMode)
	f.Set("short_abandon_sec", strconv.Itoa(s.ShortAbandonSec))
	if s.QueueThresholds {
		f.Set("queue_thresholds", "1")
	}
	f.Set("fcr_window_hours", strconv.Itoa(s.FCRWindowHours))
	f.Set("ring_cycle_sec", fnum(s.RingCycleSec))
	f.Set("time_zone", s.TimeZone)
	f.Set("currency", s.Currency)
	for _, m := range report.Metrics {
		b := m.Target(s)
		if b.Lo != nil {
			f.Set("lo_"+m.Key, fnum(*b.Lo))
		}
		if b.Hi != nil {
			f.Set("hi_"+m.Key, fnum(*b.Hi))
		}
	}
}

func (u *UI) settingsSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.web.ParseForm(r, settingFields...)
	s := readSettings(f)
	status, err := f.Save(func() error { return u.localize(r, u.Reports.SaveSettings(r.Context(), a, s)) })
	if err != nil {
		return err
	}
	if status != 0 {
		u.renderSettings(w, r, status, f)
		return nil
	}
	u.web.Flash(w, web.FlashOK, "reports.settings.saved")
	web.Redirect(w, r, Base+"/settings")
	return nil
}

// readSettings reads the form; a number that does not parse is the
// field's error. A band equal to the metric's default is not stored, so
// that it follows the default.
func readSettings(f *web.Form) report.Settings {
	integer := func(name string) int {
		n, err := strconv.Atoi(f.Get(name))
		if err != nil {
			f.Invalid(name, "reports.err.number")
		}
		return n
	}
	float := func(name string) float64 {
		x, err := strconv.ParseFloat(f.Get(name), 64)
		if err != nil {
			f.Invalid(name, "reports.err.number")
		}
		return x
	}
	s := report.Settings{SLThresholdSec: integer("sl_threshold_sec"), SLTargetPct: float("sl_target_pct"),
		AbandonMode: f.Get("abandon_mode"), ShortAbandonSec: integer("short_abandon_sec"), QueueThresholds: f.Get("queue_thresholds") == "1",
		FCRWindowHours: integer("fcr_window_hours"), RingCycleSec: float("ring_cycle_sec"), TimeZone: f.Get("time_zone"),
		Currency: strings.ToUpper(f.Get("currency")), Targets: map[string]report.Band{}}
	for _, m := range report.Metrics {
		if m.Kind == report.KindNone || m.Key == "service_level" {
			continue
		}
		b := report.Band{Lo: optFloat(f, "lo_"+m.Key), Hi: optFloat(f, "hi_"+m.Key)}
		if !sameBand(b, m.Target(report.Settings{})) {
			s.Targets[m.Key] = b
		}
	}
	if len(s.Targets) == 0 {
		s.Targets = nil
	}
	return s
}

func optFloat(f *web.Form, name string) *float64 {
	v := f.Get(name)
	if v == "" {
		return nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		f.Invalid("targets", "reports.err.target_number", name[3:])
		return nil
	}
	return &x
}

func sameBand(a, b report.Band) bool {
	eq := func(x, y *float64) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	return eq(a.Lo, b.Lo) && eq(a.Hi, b.Hi)
}
