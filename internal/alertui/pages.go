package alertui

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// episodeRow is an episode as the tables show it.
type episodeRow struct {
	alert.Episode
	Peak, Last, Warning, Critical string
	Duration                      string
	End                           time.Time // EndedAt, zero while open
}

func (u *UI) rows(eps []alert.Episode, now time.Time) []episodeRow {
	out := make([]episodeRow, len(eps))
	for i, e := range eps {
		end, ended := now, time.Time{}
		if e.EndedAt != nil {
			end, ended = *e.EndedAt, *e.EndedAt
		}
		out[i] = episodeRow{Episode: e, Peak: value(e.Metric, e.Peak), Last: value(e.Metric, e.Last),
			Warning: value(e.Metric, e.Warning), Critical: value(e.Metric, e.Critical), Duration: duration(end.Sub(e.StartedAt)), End: ended}
	}
	return out
}

// value writes a metric's value in its unit.
func value(m alert.Metric, v float64) string {
	switch {
	case m == alert.MetricLongestWait:
		return duration(time.Duration(v * float64(time.Second)))
	case m.Percent():
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// duration writes d as m:ss, or h:mm:ss from an hour.
func duration(d time.Duration) string {
	s := int64(d / time.Second)
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// figure is one metric of a queue on the active page.
type figure struct {
	Metric alert.Metric
	Text   string // "—" without a value, "off" when disabled
	Level  alert.Level
	On     bool
}

type statusRow struct {
	Queue   string
	Level   alert.Level
	Figures []figure
}

type activeView struct {
	Rows    []episodeRow
	Status  []statusRow
	Metrics []alert.Metric
}

func (u *UI) active(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	eps, err := u.svc.Active(r.Context(), a)
	if err != nil {
		return err
	}
	st, err := u.svc.Status(r.Context(), a)
	if err != nil {
		return err
	}
	v := activeView{Rows: u.rows(eps, time.Now()), Metrics: alert.Metrics}
	for _, q := range st {
		row := statusRow{Queue: q.Queue, Level: q.Level}
		for _, m := range q.Metrics {
			f := figure{Metric: m.Metric, Level: m.Level, On: m.Enabled, Text: "—"}
			if m.Value != nil {
				f.Text = value(m.Metric, *m.Value)
			}
			row.Figures = append(row.Figures, f)
		}
		v.Status = append(v.Status, row)
	}
	u.web.Render(w, r, "alerts_active", v)
	return nil
}

// option is a choice of a select (web's "select" partial).
type option struct {
	Value any
	Label string
	Group string
}

type historyView struct {
	Rows    []episodeRow
	Pager   web.Pager
	Form    *web.Form // the filter
	Queues  []option
	Metrics []option
	Levels  []option
}

const pageSize = 50

func (u *UI) history(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q := r.URL.Query()
	f := u.web.NewForm(r, "queue_id", "metric", "level", "from", "to")
	for _, k := range []string{"queue_id", "metric", "level", "from", "to"} {
		f.Set(k, q.Get(k))
	}
	flt := alert.Filter{QueueID: f.ID("queue_id"), Metric: alert.Metric(f.Get("metric")), Level: alert.Level(f.Get("level")),
		Limit: pageSize, Offset: web.PageOffset(r, pageSize)}
	if !flt.Metric.Known() {
		flt.Metric = ""
	}
	if flt.Level != alert.LevelWarning && flt.Level != alert.LevelCritical {
		flt.Level = alert.LevelNone
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.Get("from"), time.Local); err == nil {
		flt.From = t
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.Get("to"), time.Local); err == nil {
		flt.To = t.AddDate(0, 0, 1) // the whole day
	}
	if !flt.From.IsZero() && !flt.To.IsZero() && !flt.To.After(flt.From) {
		f.Invalid("to", "alerts.err.to_before_from")
		flt.To = time.Time{}
	}
	eps, total, err := u.svc.History(r.Context(), a, flt)
	if err != nil {
		return err
	}
	rs, err := u.svc.RuleSet(r.Context(), a)
	if err != nil {
		return err
	}
	v := historyView{Rows: u.rows(eps, time.Now()), Pager: web.NewPager(r, total, pageSize), Form: f}
	for _, qr := range rs.Queues {
		v.Queues = append(v.Queues, option{Value: qr.QueueID, Label: qr.Queue})
	}
	for _, m := range alert.Metrics {
		v.Metrics = append(v.Metrics, option{Value: string(m), Label: u.web.T(r, "alerts.metric."+string(m))})
	}
	for _, l := range []alert.Level{alert.LevelWarning, alert.LevelCritical} {
		v.Levels = append(v.Levels, option{Value: string(l), Label: u.web.T(r, "alerts.level."+string(l))})
	}
	u.web.Render(w, r, "alerts_history", v)
	return nil
}
