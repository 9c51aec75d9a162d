package tts

import "github.com/hotline-cc/hotline/internal/apperr"

// Sentinel errors; test with errors.Is.
var (
	// ErrUnavailable: espeak-ng or sox is not installed or does not run;
	// fall back to recorded prompts.
	ErrUnavailable = sentinel(apperr.KindInternal, "tts_unavailable", "tts: speech synthesis is unavailable")
	// ErrUnsupportedLanguage: no voice for the language tag.
	ErrUnsupportedLanguage = sentinel(apperr.KindInvalid, "unsupported_language", "tts: unsupported language")
	// ErrInvalidText: empty or too long text, or a bad number or duration.
	ErrInvalidText = sentinel(apperr.KindInvalid, "invalid_text", "tts: invalid text")
)

func sentinel(k apperr.Kind, code, msg string) error {
	return &apperr.Error{Kind: k, Code: code, Message: msg}
}
