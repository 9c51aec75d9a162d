// Package media is the RTP media layer of Hotline's B2BUA: every call's
// audio is anchored here so that prompts, music on hold, recording,
// conferences and supervisor monitoring work.
//
// The pieces, from the wire inwards:
//
//   - SDP: ParseSDP reads a remote offer or answer, Negotiate picks the
//     codec (PCMU/PCMA) and telephone-event payload type, LocalSDP builds our
//     offers and answers with a stable origin line.
//   - Stream: one RTP endpoint (a UDP port from a PortPool). It latches onto
//     the peer's real source address (symmetric RTP), de-jitters and decodes
//     the audio, reports DTMF digits (RFC 4733, optional in-band Goertzel
//     detection, and SIP INFO digits handed in by the SIP layer) and encodes
//     and sends 20 ms frames.
//   - Bridge: one per call, a 20 ms mixer. Legs (Streams) and sources
//     (Players) are participants; modes give normal talk, silent monitoring
//     (ModeListen), whisper coaching (ModeWhisper) and mute. A Tap (the
//     Recorder) receives the caller side and the agent side every tick.
//   - Player plays 8 kHz 16-bit mono PCM (LoadWAV) once or in a loop (MOH).
//   - Recorder writes a stereo WAV (left caller, right agent) that stays
//     readable after a crash; RepairWAV fixes the sizes of such a file.
//
// DTMF: every key press is delivered once on (*Stream).Digits, tagged with
// how it came. RFC 4733 presses are reported on the first packet of a new
// event timestamp (fast barge-in; robust to lost start or end packets) and
// never again for that timestamp, so retransmitted end packets cannot
// duplicate a digit and repeated keys ("111") are never merged. SIP INFO
// bodies are parsed by ParseInfoDTMF and handed in with DeliverDigit.
//
// All audio inside the package is 8 kHz 16-bit mono PCM in frames of
// FrameSamples (160) samples. We send 20 ms packets whatever the peer's
// ptime; received packets of any size up to 60 ms are accepted.
//
// How internal/call uses it for an inbound call:
//
//	offer, err := media.ParseSDP(invite.Body())
//	m, err := media.Negotiate(offer, media.SupportedCodecs()) // ErrNoCommonCodec → 488
//	leg, err := media.NewStream(media.StreamConfig{Pool: pool, IP: bindIP,
//		InactivityTimeout: 60 * time.Second, OnInactive: hangUp})
//	leg.SetMedia(m)
//	answer := local.Answer(offer, m, leg.LocalAddr().Port()) // 200 OK body
//	bridge := media.NewBridge(ctx, log)
//	bridge.Add("caller", media.Participant{Source: leg, Sink: leg, Side: media.SideLeft})
//	prompt := media.NewPlayer(pcm, false)
//	bridge.Add("prompt", media.Participant{Source: prompt, Mode: media.ModeWhisper, To: []string{"caller"}})
//	select { // IVR: the first digit interrupts the prompt
//	case d := <-leg.Digits(): prompt.Stop()
//	case <-prompt.Done():
//	}
//	bridge.Remove("prompt")
//
// See Example (example_test.go) for a complete, runnable version.
package media

import "time"

// Audio format used everywhere inside the package.
const (
	SampleRate    = 8000                  // samples per second
	FrameSamples  = 160                   // samples per 20 ms frame
	FrameDuration = 20 * time.Millisecond // one mixer tick
)
