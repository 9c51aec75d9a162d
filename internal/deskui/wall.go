package deskui

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/org"
)

// Breach thresholds of the wallboard (预警): a figure past one is shown in
// red. They are the industry targets of the domain reference (DOMAIN.md §2):
// callers abandon after about 60 s on average, so a caller waiting longer
// is at risk; the service level target is 80% answered within 20 s (80/20);
// an abandonment rate above 5% is out of the 3–5% band.
const (
	LongestWaitAlertSec   = 60
	ServiceLevelTargetPct = 80
	AbandonAlertPct       = 5
)

// wallPollMs is how often the wallboard reloads its figures.
const wallPollMs = 2000

// wallView is the wallboard: the script fills it.
type wallView struct {
	Texts      string
	PollMs     int
	WaitSec    int
	SLPct      int
	AbandonPct int
	CanAgents  bool
	CanCalls   bool
	CanMonitor bool
}

func (h *handlers) wallRoutes(mux *http.ServeMux) {
	h.page(mux, "GET "+Base+"/wall", queuesView, h.wall)
}

func (h *handlers) wall(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	h.ui.Render(w, r, "desk_wall", wallView{Texts: h.scriptTexts(r), PollMs: wallPollMs,
		WaitSec: LongestWaitAlertSec, SLPct: ServiceLevelTargetPct, AbandonPct: AbandonAlertPct,
		CanAgents: a.Can(org.P("agents", "view")), CanCalls: a.Can(org.P("calls", "view")),
		CanMonitor: a.Can(org.P("calls", "monitor"))})
	return nil
}
