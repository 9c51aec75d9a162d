package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
)

// flashCookie carries a one-time message across a POST-redirect-GET.
const flashCookie = "hotline_flash"

// Flash kinds.
const (
	FlashOK    = "ok"
	FlashError = "error"
	FlashInfo  = "info"
)

// FlashMessage is a message shown once at the top of the next page.
type FlashMessage struct {
	Kind string
	Text string
}

// flashWire is the cookie's content: the catalog key, not the text, so the
// message appears in the language of the page that shows it.
type flashWire struct {
	Kind string   `json:"k"`
	Key  string   `json:"m"`
	Args []string `json:"a,omitempty"`
}

// Flash sets a message (catalog key and its arguments) for the next page.
func (u *UI) Flash(w http.ResponseWriter, kind, key string, args ...string) {
	b, _ := json.Marshal(flashWire{Kind: kind, Key: key, Args: args})
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		MaxAge: 120, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: u.SecureCookies})
}

// takeFlash reads and clears the pending message.
func (u *UI) takeFlash(w http.ResponseWriter, r *http.Request, lang string) *FlashMessage {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: u.SecureCookies})
	f, ok := decodeFlash(c.Value)
	if !ok {
		return nil
	}
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		args[i] = a
	}
	if _, known := u.cat[lang][f.Key]; !known {
		return nil // only messages of the catalog: the cookie is client-controlled
	}
	return &FlashMessage{Kind: f.Kind, Text: u.cat.T(lang, f.Key, args...)}
}

func decodeFlash(v string) (flashWire, bool) {
	var f flashWire
	if len(v) > 2048 {
		return f, false
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || json.Unmarshal(b, &f) != nil {
		return f, false
	}
	switch f.Kind {
	case FlashOK, FlashError, FlashInfo:
	default:
		return f, false
	}
	return f, true
}
