// Package tts is Hotline's offline text-to-speech for IVR prompts and
// queue announcements. It renders text with espeak-ng, converts it with sox
// to what the media layer plays to phones (8 kHz, mono, 16-bit PCM WAV),
// and keeps each rendering in a cache directory, keyed by a hash of voice,
// speed, text and tool versions, so a prompt is synthesised once.
//
// Concurrent requests for the same prompt share one rendering. When
// espeak-ng or sox is missing, Render returns an error wrapping
// ErrUnavailable: callers then fall back to uploaded WAV prompts.
//
// Position, EstimatedWait and Number compose announcement text ("您前面还有
// 两位", "you are number 3 in line", "estimated wait 2 minutes"); pass it
// to Render. Chinese numbers are written out in characters because
// espeak-ng reads digit strings poorly in Mandarin (12345 as "十二千…",
// 2 as "二" where "两" is said before a measure word).
package tts
