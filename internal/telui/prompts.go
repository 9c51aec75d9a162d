package telui

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

var (
	uploadInputs = newInputs("name", "language", "file")
	ttsInputs    = newInputs("name", "language", "text")
)

type promptRow struct {
	ivr.StoredPrompt
	Duration string
	Size     string
	Playable bool
	UsedBy   []string
}

type promptListView struct {
	Rows      []promptRow
	Upload    *web.Form
	TTS       *web.Form
	Languages []opt
	CanSpeak  bool // text prompts can be played
}

type promptView struct {
	Prompt    promptRow
	Form      *web.Form // name, language (and text for tts)
	Audio     *web.Form // replace the audio of an upload
	Languages []opt
	Refused   string
}

func (h *handlers) promptRoutes(mux *http.ServeMux) {
	p := Base + "/prompts"
	h.handle(mux, "GET "+p, telView, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		return h.promptList(w, r, nil, nil, http.StatusOK)
	})
	h.handle(mux, "POST "+p+"/upload", telManage, h.promptUpload)
	h.handle(mux, "POST "+p+"/tts", telManage, h.promptTTS)
	h.handle(mux, "GET "+p+"/{id}", telView, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		sp, err := h.promptByID(r)
		if err != nil {
			return err
		}
		return h.promptPage(w, r, sp, nil, nil, "", http.StatusOK)
	})
	h.handle(mux, "POST "+p+"/{id}", telManage, h.promptUpdate)
	h.handle(mux, "GET "+p+"/{id}/audio", telView, h.promptAudio)
	h.handle(mux, "POST "+p+"/{id}/audio", telManage, h.promptReplace)
	h.handle(mux, "POST "+p+"/{id}/delete", telManage, h.promptDelete)
}

func (h *handlers) promptByID(r *http.Request) (*ivr.StoredPrompt, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Prompts.Get(r.Context(), id)
}

// promptUses maps prompt names to what uses them: flows, queues' music on
// hold and overflow messages.
func (h *handlers) promptUses(r *http.Request) (map[string][]string, error) {
	uses := map[string][]string{}
	fs, err := h.Flows.List(r.Context())
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		seen := map[string]bool{}
		for _, n := range f.Nodes {
			if n == nil {
				continue
			}
			for _, ps := range []ivr.Prompts{n.Prompt, n.InvalidPrompt, n.TimeoutPrompt} {
				for _, p := range ps {
					if p.Name != "" && !seen[p.Name] {
						seen[p.Name] = true
						uses[p.Name] = append(uses[p.Name], "IVR "+f.Name)
					}
				}
			}
		}
	}
	qs, err := h.Queues.List(r.Context())
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		label := h.ui.T(r, "tel.queue.named", q.Name)
		if q.MusicOnHold != "" {
			uses[q.MusicOnHold] = append(uses[q.MusicOnHold], label)
		}
		if q.Overflow.Action == acd.OverflowHangup && q.Overflow.Message != "" && q.Overflow.Message != q.MusicOnHold {
			uses[q.Overflow.Message] = append(uses[q.Overflow.Message], label)
		}
	}
	return uses, nil
}

// speechReady reports whether text prompts can be played: a speech engine
// is configured and, when it can say so, its tools are installed.
func (h *handlers) speechReady(ctx context.Context) bool {
	if h.TTS == nil {
		return false
	}
	if c, ok := h.TTS.(interface{ Available(context.Context) error }); ok {
		return c.Available(ctx) == nil
	}
	return true
}

func (h *handlers) promptRow(p ivr.StoredPrompt, uses map[string][]string, speech bool) promptRow {
	row := promptRow{StoredPrompt: p, UsedBy: uses[p.Name], Playable: p.Kind == ivr.PromptUpload || speech}
	if p.Kind == ivr.PromptUpload {
		row.Duration = fmtMS(p.DurationMS)
		row.Size = fmtBytes(p.Size)
	}
	return row
}

func (h *handlers) promptList(w http.ResponseWriter, r *http.Request, up, tts *web.Form, status int) error {
	ps, err := h.Prompts.List(r.Context())
	if err != nil {
		return err
	}
	uses, err := h.promptUses(r)
	if err != nil {
		return err
	}
	if up == nil {
		up = h.ui.NewForm(r, uploadInputs.list()...)
	}
	if tts == nil {
		tts = h.ui.NewForm(r, ttsInputs.list()...)
		tts.Set("language", web.Lang(r))
	}
	v := promptListView{Upload: up, TTS: tts, Languages: languageOptions(), CanSpeak: h.speechReady(r.Context())}
	for _, p := range ps {
		v.Rows = append(v.Rows, h.promptRow(p, uses, v.CanSpeak))
	}
	h.ui.RenderStatus(w, r, status, "tel_prompts", v)
	return nil
}

func (h *handlers) promptPage(w http.ResponseWriter, r *http.Request, p *ivr.StoredPrompt, f, audio *web.Form, refused string, status int) error {
	uses, err := h.promptUses(r)
	if err != nil {
		return err
	}
	if f == nil {
		f = h.ui.NewForm(r, ttsInputs.list()...)
		f.Set("name", p.Name)
		f.Set("language", p.Language)
		f.Set("text", p.Text)
	}
	if audio == nil {
		audio = h.ui.NewForm(r, uploadInputs.list()...)
	}
	v := promptView{Prompt: h.promptRow(*p, uses, h.speechReady(r.Context())), Form: f, Audio: audio, Languages: languageOptions(), Refused: refused}
	h.ui.RenderStatus(w, r, status, "tel_prompt", v)
	return nil
}

func (h *handlers) recordPrompt(r *http.Request, a *org.Actor, action string, id int64, before, after any) error {
	return audit.Record(r.Context(), h.DB, audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}, action, "ivr_prompts", id, "", before, after)
}

func (h *handlers) promptTTS(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := h.ui.ParseForm(r, ttsInputs.list()...)
	in := ivr.PromptInput{Name: f.Get("name"), Kind: ivr.PromptTTS, Language: f.Get("language"), Text: f.Get("text")}
	var p *ivr.StoredPrompt
	status, err := h.save(r, f, ttsInputs, func() (err error) {
		p, err = h.Prompts.Create(r.Context(), in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.promptList(w, r, nil, f, status)
	}
	if err := h.recordPrompt(r, a, "create", p.ID, nil, p); err != nil {
		return err
	}
	h.back(w, r, Base+"/prompts", "tel.flash.prompt_created", p.Name)
	return nil
}

// promptUpdate changes a prompt's name and language, and a text prompt's
// text.
func (h *handlers) promptUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	p, err := h.promptByID(r)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r, ttsInputs.list()...)
	in := p.PromptInput
	in.Name, in.Language = f.Get("name"), f.Get("language")
	if in.Name != p.Name {
		uses, err := h.promptUses(r)
		if err != nil {
			return err
		}
		if u := uses[p.Name]; len(u) > 0 {
			h.invalid(r, f, "name", "tel.err.rename_used", p.Name, strings.Join(u, ", "))
		}
	}
	if p.Kind == ivr.PromptTTS {
		in.Text = f.Get("text")
	}
	var after *ivr.StoredPrompt
	status, err := h.save(r, f, ttsInputs, func() (err error) {
		after, err = h.Prompts.Update(r.Context(), p.ID, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.promptPage(w, r, p, f, nil, "", status)
	}
	if err := h.recordPrompt(r, a, "update", p.ID, p, after); err != nil {
		return err
	}
	h.back(w, r, Base+"/prompts/"+itoa(p.ID), "tel.flash.prompt_saved", after.Name)
	return nil
}

func (h *handlers) promptDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	p, err := h.promptByID(r)
	if err != nil {
		return err
	}
	uses, err := h.promptUses(r)
	if err != nil {
		return err
	}
	refused := ""
	if u := uses[p.Name]; len(u) > 0 {
		refused = h.ui.T(r, "tel.prompt.delete_refused", p.Name, strings.Join(u, ", "))
	} else if err := h.Prompts.Delete(r.Context(), p.ID); err != nil {
		if apperr.KindOf(err) != apperr.KindConflict {
			return err
		}
		refused = h.errText(r, err)
	}
	if refused != "" {
		return h.promptPage(w, r, p, nil, nil, refused, http.StatusConflict)
	}
	if p.Kind == ivr.PromptUpload && p.File != "" && filepath.IsLocal(p.File) {
		if err := os.Remove(filepath.Join(h.DataDir, p.File)); err != nil && !os.IsNotExist(err) {
			h.Log.Warn("prompt file not removed", "file", p.File, "err", err)
		}
	}
	if err := h.recordPrompt(r, a, "delete", p.ID, p, nil); err != nil {
		return err
	}
	h.back(w, r, Base+"/prompts", "tel.flash.prompt_deleted", p.Name)
	return nil
}

// promptAudio streams a prompt for the <audio> player: an upload's file,
// or a text prompt rendered by the speech engine.
func (h *handlers) promptAudio(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	p, err := h.promptByID(r)
	if err != nil {
		return err
	}
	path, err := h.audioPath(r.Context(), p)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return apperr.NotFound("prompt audio")
	}
	defer f.Close()
	mod := p.UpdatedAt
	if st, err := f.Stat(); err == nil {
		mod = st.ModTime()
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, r, p.Name+".wav", mod, f)
	return nil
}

func (h *handlers) audioPath(ctx context.Context, p *ivr.StoredPrompt) (string, error) {
	switch {
	case p.Kind == ivr.PromptUpload && p.File != "" && filepath.IsLocal(p.File):
		return filepath.Join(h.DataDir, p.File), nil
	case p.Kind == ivr.PromptTTS && h.speechReady(ctx):
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		path, err := h.TTS.Render(ctx, p.Language, p.Text)
		if err != nil {
			h.Log.Warn("prompt not synthesised", "prompt", p.Name, "err", err)
			return "", apperr.NotFound("prompt audio")
		}
		return path, nil
	}
	return "", apperr.NotFound("prompt audio")
}

// fmtMS writes a duration in milliseconds as m:ss.t or s.t.
func fmtMS(ms int64) string {
	if ms < 0 {
		ms = 0
	}
	d := time.Duration(ms) * time.Millisecond
	if d < time.Minute {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
