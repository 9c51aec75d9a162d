package tts

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Language families the package speaks.
const (
	Chinese = "zh"
	English = "en"
)

// Voice returns the espeak-ng voice for a language tag (BCP 47 style,
// case-insensitive, '_' accepted): zh, zh-CN, zh-Hans, cmn... → Mandarin;
// en, en-GB → British English; en-US → American English.
//
// Mandarin uses espeak-ng's "cmn-latn-pinyin" voice, not "cmn": in espeak-ng
// 1.51 "cmn" (Latin read as English) pronounces many common characters
// (您, 前, 还...) as English readings of their pinyin ("nin two").
func Voice(lang string) (string, error) {
	tag := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"))
	switch family(tag) {
	case Chinese:
		return "cmn-latn-pinyin", nil
	case English:
		if tag == "en-us" || strings.HasPrefix(tag, "en-us-") {
			return "en-us", nil
		}
		return "en", nil
	}
	return "", fmt.Errorf("%w: %q (speak zh-CN or en)", ErrUnsupportedLanguage, lang)
}

// Family returns Chinese or English for a language tag.
func Family(lang string) (string, error) {
	f := family(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-")))
	if f == "" {
		return "", fmt.Errorf("%w: %q (speak zh-CN or en)", ErrUnsupportedLanguage, lang)
	}
	return f, nil
}

func family(tag string) string {
	primary, _, _ := strings.Cut(tag, "-")
	switch primary {
	case "zh", "cmn":
		return Chinese
	case "en":
		return English
	}
	return ""
}

// MaxTextRunes bounds a prompt: IVR prompts are sentences, not documents,
// and a runaway input must not occupy the synthesiser for minutes.
const MaxTextRunes = 1000

// cleanText checks text and normalises what espeak-ng would misread:
// invalid UTF-8 and control characters become spaces, runs of space fold.
func cleanText(text string) (string, error) {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	text = strings.Join(strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if text == "" {
		return "", fmt.Errorf("%w: nothing to say", ErrInvalidText)
	}
	if n := utf8.RuneCountInString(text); n > MaxTextRunes {
		return "", fmt.Errorf("%w: %d characters, at most %d", ErrInvalidText, n, MaxTextRunes)
	}
	return text, nil
}
