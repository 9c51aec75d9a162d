package deskui

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/org"
)

// wallPollMs is how often the wallboard reloads its figures.
const wallPollMs = 2000

// wallView is the wallboard: the script fills it. The thresholds are the
// early-warning rules (internal/alert): Rules holds every rule's levels by
// queue ID ("0" the defaults) for colouring the figures; WaitSec, SLPct and
// AbandonPct are the default rule's warning levels, named in the intro.
// With alerts:view the script also reads each queue's alert level.
type wallView struct {
	Texts      string
	PollMs     int
	Rules      string
	WaitSec    string
	SLPct      string
	AbandonPct string
	CanAgents  bool
	CanCalls   bool
	CanMonitor bool
	CanAlerts  bool
}

func (h *handlers) wallRoutes(mux *http.ServeMux) {
	h.page(mux, "GET "+Base+"/wall", queuesView, h.wall)
}

func (h *handlers) wall(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	rules, err := alert.LoadRules(r.Context(), h.ui.DB)
	if err != nil {
		return err
	}
	levels, err := json.Marshal(rules.Levels())
	if err != nil {
		return err
	}
	def := func(m alert.Metric) string {
		e, _ := rules.Effective(0, m)
		return strconv.FormatFloat(e.Warning, 'f', -1, 64)
	}
	h.ui.Render(w, r, "desk_wall", wallView{Texts: h.scriptTexts(r), PollMs: wallPollMs, Rules: string(levels),
		WaitSec: def(alert.MetricLongestWait), SLPct: def(alert.MetricServiceLevel), AbandonPct: def(alert.MetricAbandonRate),
		CanAgents: a.Can(org.P("agents", "view")), CanCalls: a.Can(org.P("calls", "view")),
		CanMonitor: a.Can(org.P("calls", "monitor")), CanAlerts: a.Can(alert.PermView)})
	return nil
}
