package telui_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// An 8 kHz mono 16-bit WAV uploads, lists with its length and plays back
// byte for byte; a stereo 44.1 kHz file is refused with the sox command
// that converts it.
func TestPromptUpload(t *testing.T) {
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	ctx := context.Background()
	good := wav(8000, 1, 12000) // 1.5 s

	p := admin.upload("/telephony/prompts/upload", map[string]string{"name": "welcome_zh", "language": "zh-CN"}, "welcome.wav", good)
	mustStatus(t, "upload", p, http.StatusSeeOther)
	list := admin.follow(p)
	mustContain(t, "list", list, "Prompt welcome_zh uploaded (1.5 s).", "welcome_zh", `<audio controls preload="none" src="/telephony/prompts/`)
	sp, err := e.app.Prompts.GetByName(ctx, "welcome_zh")
	if err != nil {
		t.Fatal(err)
	}
	if sp.DurationMS != 1500 || sp.Size != int64(len(good)) || sp.Language != "zh-CN" {
		t.Fatalf("stored %+v", sp)
	}
	onDisk, err := os.ReadFile(filepath.Join(e.data, sp.File))
	if err != nil || !bytes.Equal(onDisk, good) {
		t.Fatalf("file %s: %v (same: %v)", sp.File, err, bytes.Equal(onDisk, good))
	}
	audio := admin.get("/telephony/prompts/" + itoa(sp.ID) + "/audio")
	mustStatus(t, "audio", audio, http.StatusOK)
	if audio.header.Get("Content-Type") != "audio/wav" || audio.body != string(good) {
		t.Fatalf("audio: %s, %d bytes", audio.header.Get("Content-Type"), len(audio.body))
	}

	// Stereo CD audio: refused, with the conversion command, nothing stored.
	p = admin.upload("/telephony/prompts/upload", map[string]string{"name": "music", "language": ""}, "music.wav", wav(44100, 2, 4410))
	mustStatus(t, "stereo 44.1 kHz", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "file"); got != "This file is 44100 Hz, 2 ch; prompts must be 8 kHz mono 16-bit PCM WAV. "+
		"Convert it with: sox in.wav -r 8000 -c 1 -b 16 out.wav" {
		t.Fatalf("error = %q", got)
	}
	mustContain(t, "name kept", p, `value="music"`)
	if _, err := e.app.Prompts.GetByName(ctx, "music"); err == nil {
		t.Fatal("a refused upload was stored")
	}
	p = admin.upload("/telephony/prompts/upload", map[string]string{"name": "text"}, "notes.wav", []byte("not audio at all"))
	mustStatus(t, "not a WAV", p, http.StatusUnprocessableEntity)
	mustContain(t, "not a WAV", p, "not a RIFF/WAVE PCM file", "sox in.wav")
	admin.lang = "zh-CN"
	p = admin.upload("/telephony/prompts/upload", map[string]string{"name": "music"}, "music.wav", wav(44100, 2, 4410))
	mustContain(t, "stereo zh", p, "此文件为 44100 Hz, 2 ch", "sox in.wav -r 8000 -c 1 -b 16 out.wav")
	admin.lang = "en"

	// The name is taken: the existing file is not touched.
	p = admin.upload("/telephony/prompts/upload", map[string]string{"name": "welcome_zh"}, "other.wav", wav(8000, 1, 800))
	mustStatus(t, "taken name", p, http.StatusUnprocessableEntity)
	mustContain(t, "taken name", p, "A prompt named “welcome_zh” already exists.")
	if b, _ := os.ReadFile(filepath.Join(e.data, sp.File)); !bytes.Equal(b, good) {
		t.Fatal("a refused upload replaced another prompt's file")
	}

	// Replacing the recording updates its length.
	p = admin.upload("/telephony/prompts/"+itoa(sp.ID)+"/audio", nil, "new.wav", wav(8000, 1, 4000))
	mustStatus(t, "replace", p, http.StatusSeeOther)
	if sp2, _ := e.app.Prompts.Get(ctx, sp.ID); sp2.DurationMS != 500 {
		t.Fatalf("after replace: %d ms", sp2.DurationMS)
	}

	// Used by a flow: deletion is refused and names the flow.
	flow := "name: uses_prompt\nstart: a\nnodes:\n  a: {type: hangup, prompt: welcome_zh}\n"
	mustStatus(t, "flow", admin.post("/telephony/flows", url.Values{"definition": {flow}, "action": {"save"}}), http.StatusSeeOther)
	p = admin.post("/telephony/prompts/"+itoa(sp.ID)+"/delete", nil)
	mustStatus(t, "delete used", p, http.StatusConflict)
	mustContain(t, "delete used", p, "Prompt welcome_zh cannot be deleted: IVR uses_prompt use it.")

	fl, _ := e.app.Flows.GetByName(ctx, "uses_prompt")
	mustStatus(t, "delete flow", admin.post("/telephony/flows/"+itoa(fl.ID)+"/delete", nil), http.StatusSeeOther)
	p = admin.post("/telephony/prompts/"+itoa(sp.ID)+"/delete", nil)
	mustStatus(t, "delete", p, http.StatusSeeOther)
	if _, err := os.Stat(filepath.Join(e.data, sp.File)); !os.IsNotExist(err) {
		t.Fatalf("file left behind: %v", err)
	}
}

// Text prompts are created in a language and played through the speech
// engine (espeak-ng and sox); the agent role may not hear prompts.
func TestPromptTTS(t *testing.T) {
	testenv.Tool(t, "espeak-ng", "espeak-ng")
	testenv.Tool(t, "sox", "sox")
	t.Parallel()
	e := start(t)
	admin := e.login("admin", adminPW)
	p := admin.post("/telephony/prompts/tts", url.Values{"name": {"closed_zh"}, "language": {"zh-CN"}, "text": {""}})
	mustStatus(t, "no text", p, http.StatusUnprocessableEntity)
	if got := fieldError(p.body, "text"); got != "This field is required." {
		t.Fatalf("text error = %q", got)
	}
	p = admin.post("/telephony/prompts/tts", url.Values{"name": {"bad name"}, "language": {"zh-CN"}, "text": {"您好"}})
	mustStatus(t, "bad name", p, http.StatusUnprocessableEntity)
	mustContain(t, "bad name", p, "1–64 letters, digits")
	p = admin.post("/telephony/prompts/tts", url.Values{"name": {"closed_zh"}, "language": {"zh-CN"}, "text": {"现在是非工作时间。"}})
	mustStatus(t, "create", p, http.StatusSeeOther)
	sp, err := e.app.Prompts.GetByName(context.Background(), "closed_zh")
	if err != nil || sp.Text != "现在是非工作时间。" || sp.Language != "zh-CN" {
		t.Fatalf("stored %+v, %v", sp, err)
	}
	audio := admin.get("/telephony/prompts/" + itoa(sp.ID) + "/audio")
	mustStatus(t, "tts audio", audio, http.StatusOK)
	info, err := ivr.ProbeWAV(strings.NewReader(audio.body))
	if err != nil || info.Format != "pcm16" || info.Duration < 300*time.Millisecond {
		t.Fatalf("the TTS prompt did not play as a telephony WAV: %+v, %v", info, err)
	}
	mustContain(t, "player", admin.get("/telephony/prompts"), `src="/telephony/prompts/`+itoa(sp.ID)+`/audio"`)
	mustStatus(t, "agent audio", e.login("agent1001", demoPW).get("/telephony/prompts/"+itoa(sp.ID)+"/audio"), http.StatusForbidden)

	p = admin.post("/telephony/prompts/"+itoa(sp.ID), url.Values{"name": {"closed_zh"}, "language": {"zh-CN"}, "text": {"下班了。"}})
	mustStatus(t, "edit", p, http.StatusSeeOther)
	if sp, _ = e.app.Prompts.Get(context.Background(), sp.ID); sp.Text != "下班了。" {
		t.Fatalf("text after edit %q", sp.Text)
	}
}
