package alertui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// cell is a rule as the rules table shows it.
type cell struct {
	On        bool
	Warning   string
	Critical  string
	Window    int
	Inherited bool
}

func cellOf(r alert.Rule, inherited bool) cell {
	return cell{On: r.Enabled, Warning: value(r.Metric, r.Warning), Critical: value(r.Metric, r.Critical), Window: r.WindowMin,
		Inherited: inherited}
}

type queueLine struct {
	ID    int64
	Name  string
	Cells []cell
}

type rulesView struct {
	Metrics     []alert.Metric
	Defaults    []cell
	Queues      []queueLine
	CanManage   bool
	CanDefaults bool // the defaults apply to every department
}

func (u *UI) rules(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	rs, err := u.svc.RuleSet(r.Context(), a)
	if err != nil {
		return err
	}
	v := rulesView{Metrics: alert.Metrics, CanManage: a.Can(alert.PermManage)}
	v.CanDefaults = v.CanManage && alert.CanSetDefaults(a)
	for _, d := range rs.Defaults {
		v.Defaults = append(v.Defaults, cellOf(d, false))
	}
	for _, q := range rs.Queues {
		line := queueLine{ID: q.QueueID, Name: q.Queue}
		for _, e := range q.Rules {
			line.Cells = append(line.Cells, cellOf(e.Rule, e.Inherited))
		}
		v.Queues = append(v.Queues, line)
	}
	u.web.Render(w, r, "alerts_rules", v)
	return nil
}

// section is one metric's part of the rule form.
type section struct {
	Metric   alert.Metric
	Windowed bool
	LowBad   bool
	Unit     string // catalog key of the unit
}

type formView struct {
	Form     *web.Form
	Queue    string // "" for the defaults
	QueueID  int64
	Action   string
	Sections []section
}

// formFields are the form's inputs: per metric, enabled, the levels, the
// window, hysteresis and hold time, and for a queue whether it inherits.
func formFields() []string {
	var out []string
	for _, m := range alert.Metrics {
		for _, f := range []string{"inherit", "enabled", "warning", "critical", "window_min", "hysteresis", "hold_sec", "metric"} {
			out = append(out, string(m)+"."+f)
		}
	}
	return append(out, "rules")
}

func sections() []section {
	var out []section
	for _, m := range alert.Metrics {
		unit := "alerts.unit.calls"
		switch {
		case m == alert.MetricLongestWait:
			unit = "alerts.unit.seconds"
		case m.Percent():
			unit = "alerts.unit.percent"
		}
		out = append(out, section{Metric: m, Windowed: m.Windowed(), LowBad: m.LowIsBad(), Unit: unit})
	}
	return out
}

// fill puts rules into the form.
func fill(f *web.Form, rules []alert.Effective, queue bool) {
	for _, e := range rules {
		p := string(e.Metric) + "."
		if queue && e.Inherited {
			f.Set(p+"inherit", "on")
		}
		if e.Enabled {
			f.Set(p+"enabled", "on")
		}
		f.Set(p+"warning", num(e.Warning))
		f.Set(p+"critical", num(e.Critical))
		if e.Metric.Windowed() {
			f.Set(p+"window_min", strconv.Itoa(e.WindowMin))
		}
		f.Set(p+"hysteresis", num(e.Hysteresis))
		f.Set(p+"hold_sec", strconv.Itoa(e.HoldSec))
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// parse reads the form into the service's input; unreadable numbers are
// errors on their input.
func parse(f *web.Form, queue bool) alert.RulesInput {
	var in alert.RulesInput
	for _, m := range alert.Metrics {
		p := string(m) + "."
		if queue && f.Get(p+"inherit") != "" {
			in.Inherit = append(in.Inherit, m)
			continue
		}
		ri := alert.RuleInput{Metric: m, Enabled: f.Get(p+"enabled") != ""}
		ri.Warning = parseFloat(f, p+"warning")
		ri.Critical = parseFloat(f, p+"critical")
		ri.Hysteresis = parseFloat(f, p+"hysteresis")
		ri.HoldSec = parseInt(f, p+"hold_sec")
		if m.Windowed() {
			ri.WindowMin = parseInt(f, p+"window_min")
		}
		in.Rules = append(in.Rules, ri)
	}
	return in
}

func parseFloat(f *web.Form, name string) float64 {
	v, err := strconv.ParseFloat(strings.ReplaceAll(f.Get(name), ",", "."), 64)
	if err != nil {
		f.Invalid(name, "err.number")
	}
	return v
}

func parseInt(f *web.Form, name string) int {
	v, err := strconv.Atoi(f.Get(name))
	if err != nil {
		f.Invalid(name, "err.number")
	}
	return v
}

func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, v formView) {
	v.Sections = sections()
	u.web.RenderStatus(w, r, status, "alerts_rule_form", v)
}

// defaultsScope refuses the defaults' form to an actor who does not see
// every department, before reading or saving anything.
func defaultsScope(a *org.Actor) error {
	if alert.CanSetDefaults(a) {
		return nil
	}
	return apperr.Forbidden("the default rules apply to every department; your scope is %s", a.Scope.Kind)
}

func (u *UI) defaultForm(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	if err := defaultsScope(a); err != nil {
		return err
	}
	rs, err := u.svc.RuleSet(r.Context(), a)
	if err != nil {
		return err
	}
	f := u.web.NewForm(r, formFields()...)
	var eff []alert.Effective
	for _, d := range rs.Defaults {
		eff = append(eff, alert.Effective{Rule: d})
	}
	fill(f, eff, false)
	u.render(w, r, http.StatusOK, formView{Form: f, Action: Base + "/rules/default"})
	return nil
}

func (u *UI) defaultSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	if err := defaultsScope(a); err != nil {
		return err
	}
	f := u.web.ParseForm(r, formFields()...)
	in := parse(f, false)
	status, err := f.Save(func() error {
		_, err := u.svc.SetDefaults(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		u.render(w, r, status, formView{Form: f, Action: Base + "/rules/default"})
		return nil
	}
	u.web.Flash(w, "ok", "alerts.flash.defaults_saved")
	web.Redirect(w, r, Base+"/rules")
	return nil
}

func (u *UI) queueForm(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	qr, err := u.svc.QueueRules(r.Context(), a, id)
	if err != nil {
		return err
	}
	f := u.web.NewForm(r, formFields()...)
	fill(f, qr.Rules, true)
	u.render(w, r, http.StatusOK, formView{Form: f, Queue: qr.Queue, QueueID: qr.QueueID, Action: Base + "/rules/queues/" + strconv.FormatInt(id, 10)})
	return nil
}

func (u *UI) queueSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	qr, err := u.svc.QueueRules(r.Context(), a, id)
	if err != nil {
		return err
	}
	f := u.web.ParseForm(r, formFields()...)
	in := parse(f, true)
	status, err := f.Save(func() error {
		_, err := u.svc.SetQueue(r.Context(), a, id, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		u.render(w, r, status, formView{Form: f, Queue: qr.Queue, QueueID: id, Action: Base + "/rules/queues/" + strconv.FormatInt(id, 10)})
		return nil
	}
	u.web.Flash(w, "ok", "alerts.flash.queue_saved", qr.Queue)
	web.Redirect(w, r, Base+"/rules")
	return nil
}
