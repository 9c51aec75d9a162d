package deskui

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
)

// NotReadyReasons are the not-ready buttons of the state bar, in order:
// 小休, 午餐, 培训, 会议, 事后处理.
var NotReadyReasons = []acd.Reason{acd.ReasonBreak, acd.ReasonLunch, acd.ReasonTraining, acd.ReasonMeeting, acd.ReasonAfterCallWork}

// Polling periods of the desktop script, in milliseconds: the agent's state
// and call change by the second; reminders are due by the minute.
const (
	desktopPollMs = 1000
	remindPollMs  = 15000
)

// desktopView is the agent desktop.
type desktopView struct {
	Extension string
	Texts     string // the scripts' texts, JSON
	Reasons   []acd.Reason
	Preview   []dialer.Campaign // running preview campaigns the agent may dial
	PollMs    int
	RemindMs  int
}

func (h *handlers) desktopRoutes(mux *http.ServeMux) {
	h.page(mux, "GET "+Base, org.Permission{}, h.desktop)
	mux.Handle("GET "+Base+"/api/pop", h.jsonHandler(org.Permission{}, h.pop))
	mux.Handle("POST "+Base+"/api/notes", h.jsonHandler(customersUpdate, h.addNote))
}

func (h *handlers) desktop(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	v := desktopView{Texts: h.scriptTexts(r), Reasons: NotReadyReasons,
		PollMs: desktopPollMs, RemindMs: remindPollMs}
	if ag, err := h.Org.Agent(r.Context(), a.UserID); err == nil {
		v.Extension = ag.Extension
	}
	if v.Extension != "" && a.Can(campaignsDial) {
		cs, err := h.Dialer.Campaigns(r.Context())
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Status == "running" && c.Config.Mode == dialer.Preview {
				v.Preview = append(v.Preview, c)
			}
		}
	}
	h.ui.Render(w, r, "desk_desktop", v)
	return nil
}
