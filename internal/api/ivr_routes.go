package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/store"
)

// IVRRoutes are the IVR flow and prompt endpoints.
type IVRRoutes struct {
	DB      *store.DB
	Flows   *ivr.FlowStore
	Prompts *ivr.PromptStore
	DataDir string // uploaded prompts go to DataDir/prompts
	// Routed counts the inbound numbers routing to a flow (see QueueRoutes).
	Routed func(ctx context.Context, kind pbx.RouteKind, target string) (int, error)
}

// FlowUpdate carries the version the client last read, so that two editors
// cannot overwrite each other.
type FlowUpdate struct {
	Version int64    `json:"version"`
	Flow    ivr.Flow `json:"flow"`
}

func (m IVRRoutes) record(ctx context.Context, a *org.Actor, action, what string, id int64, before, after any) error {
	return audit.Record(ctx, m.DB, audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}, action, what, id, "", before, after)
}

// Routes implements Module.
func (m IVRRoutes) Routes() []Route {
	view, manage := org.P("telephony", "view"), org.P("telephony", "manage")
	return []Route{
		{Method: "GET", Path: "/ivr/flows", Summary: "List IVR flows", Tag: "ivr", Perm: view, Resp: []ivr.StoredFlow{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				fs, err := m.Flows.List(r.Context())
				if err != nil {
					return err
				}
				return ok(w, nonNilSlice(fs))
			}},
		{Method: "POST", Path: "/ivr/flows", Summary: "Create an IVR flow (validated; warnings list unreachable nodes)", Tag: "ivr",
			Perm: manage, Body: ivr.Flow{}, Resp: ivr.StoredFlow{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				f, err := decodeFlow(w, r)
				if err != nil {
					return err
				}
				sf, err := m.Flows.Create(r.Context(), f, a.Username)
				if err != nil {
					return err
				}
				if err := m.record(r.Context(), a, "create", "ivr_flows", sf.ID, nil, sf); err != nil {
					return err
				}
				return created(w, sf)
			}},
		{Method: "GET", Path: "/ivr/flows/{id}", Summary: "Get an IVR flow", Tag: "ivr", Perm: view, Resp: ivr.StoredFlow{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				sf, err := m.Flows.Get(r.Context(), id)
				if err != nil {
					return err
				}
				return ok(w, sf)
			}},
		{Method: "PUT", Path: "/ivr/flows/{id}", Summary: "Replace an IVR flow (version must match)", Tag: "ivr", Perm: manage,
			Body: FlowUpdate{}, Resp: ivr.StoredFlow{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in FlowUpdate
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				before, err := m.Flows.Get(r.Context(), id)
				if err != nil {
					return err
				}
				if before.Name != in.Flow.Name {
					if err := inUse(r.Context(), m.Routed, pbx.RouteIVR, before.Name); err != nil {
						return err
					}
				}
				sf, err := m.Flows.Update(r.Context(), id, in.Version, &in.Flow, a.Username)
				if err != nil {
					return err
				}
				if err := m.record(r.Context(), a, "update", "ivr_flows", id, before, sf); err != nil {
					return err
				}
				return ok(w, sf)
			}},
		{Method: "DELETE", Path: "/ivr/flows/{id}", Summary: "Delete an IVR flow no other flow uses", Tag: "ivr", Perm: manage, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				before, err := m.Flows.Get(r.Context(), id)
				if err != nil {
					return err
				}
				if err := inUse(r.Context(), m.Routed, pbx.RouteIVR, before.Name); err != nil {
					return err
				}
				if err := m.Flows.Delete(r.Context(), id); err != nil {
					return err
				}
				if err := m.record(r.Context(), a, "delete", "ivr_flows", id, before, nil); err != nil {
					return err
				}
				return noContent(w)
			}},
		{Method: "GET", Path: "/ivr/prompts", Summary: "List prompts", Tag: "ivr", Perm: view, Resp: []ivr.StoredPrompt{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				ps, err := m.Prompts.List(r.Context())
				if err != nil {
					return err
				}
				return ok(w, nonNilSlice(ps))
			}},
		{Method: "POST", Path: "/ivr/prompts", Summary: "Create a spoken (TTS) prompt from text", Tag: "ivr", Perm: manage,
			Body: ivr.PromptInput{}, Resp: ivr.StoredPrompt{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in ivr.PromptInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				if in.Kind != ivr.PromptTTS {
					return apperr.Invalid("kind", "must be tts here; upload WAV files to PUT /ivr/prompts/{name}/audio")
				}
				p, err := m.Prompts.Create(r.Context(), in)
				if err != nil {
					return err
				}
				if err := m.record(r.Context(), a, "create", "ivr_prompts", p.ID, nil, p); err != nil {
					return err
				}
				return created(w, p)
			}},
		{Method: "PUT", Path: "/ivr/prompts/{name}/audio", Summary: "Upload an 8 kHz mono WAV prompt (body: audio/wav); creates or replaces it",
			Tag: "ivr", Perm: manage, Resp: ivr.StoredPrompt{}, Query: []Param{{"language", "string", "zh-CN, en, ..."}},
			Handle: m.uploadPrompt},
		{Method: "DELETE", Path: "/ivr/prompts/{id}", Summary: "Delete a prompt no flow uses", Tag: "ivr", Perm: manage, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				before, err := m.Prompts.Get(r.Context(), id)
				if err != nil {
					return err
				}
				if err := m.Prompts.Delete(r.Context(), id); err != nil {
					return err
				}
				if before.Kind == ivr.PromptUpload && before.File != "" {
					os.Remove(filepath.Join(m.DataDir, before.File))
				}
				if err := m.record(r.Context(), a, "delete", "ivr_prompts", id, before, nil); err != nil {
					return err
				}
				return noContent(w)
			}},
	}
}

func decodeFlow(w http.ResponseWriter, r *http.Request) (*ivr.Flow, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBody))
	if err != nil {
		return nil, apperr.Invalid("", "request body too large or unreadable")
	}
	if !json.Valid(raw) {
		return nil, apperr.Invalid("", "malformed JSON")
	}
	f, _, err := ivr.ParseFlowJSON(raw)
	return f, err
}

// maxPromptBytes bounds an uploaded prompt (about 10 minutes of 8 kHz PCM).
const maxPromptBytes = 10 << 20

func (m IVRRoutes) uploadPrompt(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	name := r.PathValue("name")
	body := http.MaxBytesReader(w, r.Body, maxPromptBytes)
	dir := filepath.Join(m.DataDir, "prompts")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "upload-*.wav")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, body); err != nil {
		tmp.Close()
		return apperr.Invalid("", "upload failed or larger than %d bytes", maxPromptBytes)
	}
	size, _ := tmp.Seek(0, io.SeekEnd)
	tmp.Seek(0, io.SeekStart)
	info, err := ivr.ProbeWAV(tmp)
	tmp.Close()
	if err != nil {
		return apperr.Invalid("", "not a usable prompt: %v", err)
	}
	if info.Format != "pcm16" {
		return apperr.Invalid("", "prompts must be 16-bit PCM, 8 kHz mono (convert with: sox in.wav -r 8000 -c 1 -b 16 out.wav)")
	}
	in := ivr.PromptInput{Name: name, Kind: ivr.PromptUpload, Language: r.URL.Query().Get("language"),
		File: "prompts/" + safeFileName(name) + ".wav", DurationMS: info.Duration.Milliseconds(), Size: size}
	if err := in.Validate(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(m.DataDir, in.File)); err != nil {
		return err
	}
	existing, err := m.Prompts.GetByName(r.Context(), in.Name)
	var p *ivr.StoredPrompt
	if err == nil {
		p, err = m.Prompts.Update(r.Context(), existing.ID, in)
	} else {
		p, err = m.Prompts.Create(r.Context(), in)
	}
	if err != nil {
		return err
	}
	if err := m.record(r.Context(), a, "upload", "ivr_prompts", p.ID, nil, p); err != nil {
		return err
	}
	return ok(w, p)
}

func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == '.' {
			return '_'
		}
		return r
	}, s)
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
