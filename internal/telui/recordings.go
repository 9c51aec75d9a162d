package telui

import (
	"net/http"
	"strings"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/web"
)

const recordingsPerPage = 25

// recordingAudio is the JSON API's audio endpoint of a recording (GET
// /api/v1/recordings/{id}/audio): it checks recordings:view and the data
// scope, accepts the session cookie and serves byte ranges, so the <audio>
// element can seek.
const recordingAudio = "/api/v1/recordings/"

// recRow is a recording with its player source and who was on each channel.
type recRow struct {
	recording.Recording
	Start    string
	Duration string
	Size     string
	Agent    string
	AudioURL string // the API's audio endpoint; it accepts the session cookie
	Parties  []partyRow
}

type partyRow struct {
	Channel string // left or right; the template translates it
	Who     string
	From    string
	Until   string
}

// recFilter is the recording list's filters as given in the query.
type recFilter struct {
	From, To string
	Queue    string
	Agent    int64
	CallID   string
}

type recListView struct {
	Rows   []recRow
	Pager  web.Pager
	Filter recFilter
	Queues []opt
	Agents []opt
}

func (h *handlers) recordingRoutes(mux *http.ServeMux) {
	h.handle(mux, "GET "+Base+"/recordings", recView, h.recList)
	h.handle(mux, "POST "+Base+"/recordings/{id}/delete", recDelete, h.recDelete)
}

func (h *handlers) recView(rec recording.Recording, nm names) recRow {
	row := recRow{Recording: rec, Start: fmtTime(rec.StartedAt, timeLayout), Duration: fmtMS(rec.DurationMS),
		Size: fmtBytes(rec.SizeBytes), Agent: nm[rec.AgentID],
		AudioURL: recordingAudio + itoa(rec.ID) + "/audio"}
	for _, p := range rec.Parties {
		row.Parties = append(row.Parties, partyRow{Channel: p.Channel, Who: p.Who,
			From: fmtTime(p.From, msLayout), Until: fmtTime(p.Until, msLayout)})
	}
	return row
}

func (h *handlers) recList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q := r.URL.Query()
	f := recFilter{From: q.Get("from"), To: q.Get("to"), Queue: strings.TrimSpace(q.Get("queue")),
		Agent: queryInt(r, "agent_id"), CallID: strings.TrimSpace(q.Get("call_id"))}
	cf := callFilter{From: f.From, To: f.To}
	since, until := dayRange(&cf)
	f.From, f.To = cf.From, cf.To
	recs, total, err := h.Recordings.List(r.Context(), a.Scope, recording.Filter{CallID: f.CallID, AgentID: f.Agent,
		Queue: f.Queue, Since: since, Until: until, Limit: recordingsPerPage, Offset: web.PageOffset(r, recordingsPerPage)})
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(recs))
	for _, rec := range recs {
		ids = append(ids, rec.AgentID)
	}
	nm := h.userNames(r.Context(), ids...)
	v := recListView{Pager: web.NewPager(r, total, recordingsPerPage), Filter: f}
	for _, rec := range recs {
		v.Rows = append(v.Rows, h.recView(rec, nm))
	}
	if err := h.callChoices(r, a, &v.Queues, &v.Agents); err != nil {
		return err
	}
	h.ui.Render(w, r, "tel_recordings", v)
	return nil
}

func (h *handlers) recDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := h.Recordings.Get(r.Context(), a.Scope, id)
	if err != nil {
		return err
	}
	if err := h.Recordings.Delete(r.Context(), a, id); err != nil {
		return err
	}
	h.back(w, r, Base+"/recordings", "tel.flash.recording_deleted", rec.CallID)
	return nil
}
