package telui

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// maxPromptBytes bounds an uploaded prompt (about 10 minutes of 8 kHz PCM),
// as the API does.
const maxPromptBytes = 10 << 20

// soxHint is the command that makes any audio file a usable prompt.
const soxHint = "sox in.wav -r 8000 -c 1 -b 16 out.wav"

// wavFile is an uploaded WAV checked and kept in a temporary file beside
// its final place.
type wavFile struct {
	tmp  string
	info ivr.WAVInfo
	size int64
}

func (wf *wavFile) discard() {
	if wf != nil && wf.tmp != "" {
		os.Remove(wf.tmp)
	}
}

// readUpload takes the posted multipart form: its values into a form, its
// file checked as a prompt. A bad file is an error on the "file" input.
func (h *handlers) readUpload(r *http.Request) (*web.Form, *wavFile) {
	perr := r.ParseMultipartForm(1 << 20)
	f := h.ui.ParseForm(r, uploadInputs.list()...)
	if perr != nil && !errors.Is(perr, http.ErrNotMultipart) {
		h.invalid(r, f, "file", "tel.prompt.err_upload")
		return f, nil
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		h.invalid(r, f, "file", "tel.prompt.err_no_file")
		return f, nil
	}
	defer file.Close()
	if hdr.Size > maxPromptBytes {
		h.invalid(r, f, "file", "tel.prompt.err_too_big", maxPromptBytes>>20)
		return f, nil
	}
	wf, msg, args := h.storeTemp(file)
	if msg != "" {
		h.invalid(r, f, "file", msg, args...)
		return f, nil
	}
	return f, wf
}

// storeTemp copies the upload into the prompts directory and probes it;
// on failure it returns the catalog key of the reason and its arguments.
func (h *handlers) storeTemp(file multipart.File) (*wavFile, string, []any) {
	dir := filepath.Join(h.DataDir, "prompts")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		h.Log.Error("prompt directory", "dir", dir, "err", err)
		return nil, "err.internal", nil
	}
	tmp, err := os.CreateTemp(dir, "upload-*.wav")
	if err != nil {
		h.Log.Error("prompt upload", "err", err)
		return nil, "err.internal", nil
	}
	wf := &wavFile{tmp: tmp.Name()}
	n, err := io.Copy(tmp, io.LimitReader(file, maxPromptBytes+1))
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil || n > maxPromptBytes {
		tmp.Close()
		wf.discard()
		return nil, "tel.prompt.err_too_big", []any{maxPromptBytes >> 20}
	}
	wf.size = n
	wf.info, err = ivr.ProbeWAV(tmp)
	tmp.Close()
	if err == nil && wf.info.Format != "pcm16" {
		err = fmt.Errorf("%w: %s", ivr.ErrBadWAV, wf.info.Format)
	}
	if err != nil {
		wf.discard()
		return nil, "tel.prompt.err_format", []any{describeWAVError(err), soxHint}
	}
	return wf, "", nil
}

var (
	rateRE   = regexp.MustCompile(`(\d+) Hz, (\d+) channels`)
	formatRE = regexp.MustCompile(`format (\d+) with (\d+) bits`)
	codecRE  = regexp.MustCompile(`: (alaw|ulaw)$`)
)

// describeWAVError says in a few language-neutral words what the file is.
func describeWAVError(err error) string {
	msg := err.Error()
	switch {
	case rateRE.MatchString(msg):
		m := rateRE.FindStringSubmatch(msg)
		return m[1] + " Hz, " + m[2] + " ch"
	case formatRE.MatchString(msg):
		m := formatRE.FindStringSubmatch(msg)
		return "WAV format " + m[1] + ", " + m[2] + " bit"
	case codecRE.MatchString(msg):
		return "G.711 " + codecRE.FindStringSubmatch(msg)[1]
	}
	return "not a RIFF/WAVE PCM file"
}

// promptFile picks the file of a new upload prompt, as the API names
// them, unless another prompt's file already has that name.
func (h *handlers) promptFile(r *http.Request, name string) (string, error) {
	ps, err := h.Prompts.List(r.Context())
	if err != nil {
		return "", err
	}
	rel := filepath.Join("prompts", safeFileName(name)+".wav")
	for _, p := range ps {
		if filepath.Clean(p.File) == rel {
			return filepath.Join("prompts", fmt.Sprintf("%s-%d.wav", safeFileName(name), time.Now().UnixMilli())), nil
		}
	}
	return rel, nil
}

func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == '.' {
			return '_'
		}
		return r
	}, s)
}

// promptUpload creates a prompt from an uploaded WAV: the row first (so a
// taken name overwrites no file), then the file into place.
func (h *handlers) promptUpload(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f, wf := h.readUpload(r)
	defer wf.discard()
	if wf == nil || !f.OK() {
		return h.promptList(w, r, f, nil, http.StatusUnprocessableEntity)
	}
	rel, err := h.promptFile(r, f.Get("name"))
	if err != nil {
		return err
	}
	in := ivr.PromptInput{Name: f.Get("name"), Kind: ivr.PromptUpload, Language: f.Get("language"), File: rel,
		DurationMS: wf.info.Duration.Milliseconds(), Size: wf.size}
	var p *ivr.StoredPrompt
	status, err := h.save(r, f, uploadInputs, func() (err error) {
		p, err = h.Prompts.Create(r.Context(), in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return h.promptList(w, r, f, nil, status)
	}
	if err := os.Rename(wf.tmp, filepath.Join(h.DataDir, rel)); err != nil {
		if derr := h.Prompts.Delete(r.Context(), p.ID); derr != nil {
			h.Log.Error("prompt row left without its file", "prompt", p.Name, "err", derr)
		}
		return fmt.Errorf("telui: store prompt file: %w", err)
	}
	wf.tmp = ""
	if err := h.recordPrompt(r, a, "upload", p.ID, nil, p); err != nil {
		return err
	}
	h.back(w, r, Base+"/prompts", "tel.flash.prompt_uploaded", p.Name, fmtMS(p.DurationMS))
	return nil
}

// promptReplace puts a new recording in place of an upload prompt's file.
func (h *handlers) promptReplace(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	p, err := h.promptByID(r)
	if err != nil {
		return err
	}
	f, wf := h.readUpload(r)
	defer wf.discard()
	if wf == nil || !f.OK() || p.Kind != ivr.PromptUpload || !filepath.IsLocal(p.File) {
		if wf != nil && p.Kind != ivr.PromptUpload {
			h.invalid(r, f, "file", "tel.prompt.err_not_upload")
		}
		return h.promptPage(w, r, p, nil, f, "", http.StatusUnprocessableEntity)
	}
	if err := os.Rename(wf.tmp, filepath.Join(h.DataDir, p.File)); err != nil {
		return fmt.Errorf("telui: replace prompt file: %w", err)
	}
	wf.tmp = ""
	in := p.PromptInput
	in.DurationMS, in.Size = wf.info.Duration.Milliseconds(), wf.size
	after, err := h.Prompts.Update(r.Context(), p.ID, in)
	if err != nil {
		return err
	}
	if err := h.recordPrompt(r, a, "upload", p.ID, p, after); err != nil {
		return err
	}
	h.back(w, r, Base+"/prompts/"+itoa(p.ID), "tel.flash.prompt_replaced", p.Name, fmtMS(after.DurationMS))
	return nil
}
