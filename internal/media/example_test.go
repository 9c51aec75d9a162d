package media_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/hotline-cc/hotline/internal/media"
)

// Example answers a call as internal/call does, plays an IVR prompt that
// the caller interrupts with a key press (internal/ivr), all over real RTP
// on loopback. A second Stream plays the caller's phone.
func Example() {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	ip := netip.MustParseAddr("127.0.0.1")

	// The phone offers PCMA first.
	phone, _ := media.NewStream(media.StreamConfig{IP: ip, Logger: log})
	defer phone.Close()
	offer := media.NewLocalSDP(ip).Offer(int(phone.LocalAddr().Port()), []media.Codec{media.PCMA, media.PCMU}, media.SendRecv)

	// internal/call answers the INVITE. In production StreamConfig.Pool
	// is the configured RTP port range.
	remote, err := media.ParseSDP(offer)
	if err != nil {
		return // 400 Bad Request
	}
	m, err := media.Negotiate(remote, media.SupportedCodecs())
	if errors.Is(err, media.ErrNoCommonCodec) {
		return // 488 Not Acceptable Here
	}
	leg, err := media.NewStream(media.StreamConfig{IP: ip, Logger: log,
		InactivityTimeout: time.Minute, OnInactive: func(time.Duration) { /* hang up: BYE */ }})
	if err != nil {
		return // 500
	}
	defer leg.Close()
	leg.SetMedia(m)
	answer := media.NewLocalSDP(ip).Answer(remote, m, int(leg.LocalAddr().Port())) // 200 OK body
	fmt.Println("codec:", m.Codec)

	// The phone applies the answer.
	ans, _ := media.ParseSDP(answer)
	pm, _ := media.Negotiate(ans, media.SupportedCodecs())
	phone.SetMedia(pm)

	// One bridge per call: the caller leg, recorded on the left channel,
	// and a prompt only the caller hears.
	bridge := media.NewBridge(ctx, log)
	defer bridge.Close()
	bridge.Add("caller", media.Participant{Source: leg, Sink: leg, Side: media.SideLeft})
	prompt := media.NewPlayer(media.Tone(3*time.Second, 3000, 440), false)
	bridge.Add("prompt", media.Participant{Source: prompt, Mode: media.ModeWhisper, To: []string{"caller"}})

	// The phone's own clock (a bridge of one) sends the caller's key press.
	phoneSide := media.NewBridge(ctx, log)
	defer phoneSide.Close()
	phoneSide.Add("phone", media.Participant{Source: phone, Sink: phone})
	phone.SendDigits("5", 100*time.Millisecond)

	// internal/ivr: the first digit interrupts the prompt.
	select {
	case d := <-leg.Digits():
		prompt.Stop()
		fmt.Printf("digit %c via %v\n", d.Digit, d.Method)
	case <-prompt.Done():
		fmt.Println("no input")
	}
	bridge.Remove("prompt")
	// Output:
	// codec: PCMA
	// digit 5 via rfc4733
}
