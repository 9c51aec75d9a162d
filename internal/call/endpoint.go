package call

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/sip"
)

// sipLeg is what InboundLeg and OutboundLeg have in common.
type sipLeg interface {
	Hangup(ctx context.Context) error
	Done() <-chan struct{}
	HangupCause() sip.HangupCause
	OnReinvite(h sip.ReinviteHandler)
	OnInfo(h sip.InfoHandler)
	OnRefer(h sip.ReferHandler)
	Reinvite(ctx context.Context, sdp []byte) ([]byte, error)
	RemoteSDP() []byte
}

// endpoint is one party's leg: its SIP dialog and our RTP stream for it.
type endpoint struct {
	leg    sipLeg
	stream *media.Stream
	media  media.Media
	remote *media.SDP
}

// errCodec marks an offer we cannot accept (the SIP answer is 488).
var errCodec = errors.New("no common codec")

// answerOffer builds our side for a remote offer: negotiates a codec,
// opens a stream and returns our answer SDP.
func (m *Manager) answerOffer(offer []byte, onInactive func()) (*endpoint, []byte, error) {
	remote, err := media.ParseSDP(offer)
	if err != nil {
		return nil, nil, fmt.Errorf("bad SDP: %w", err)
	}
	md, err := media.Negotiate(remote, media.SupportedCodecs())
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCodec, err)
	}
	st, err := m.newStream(onInactive)
	if err != nil {
		return nil, nil, err
	}
	st.SetMedia(md)
	answer := m.sdp.Answer(remote, md, int(st.LocalAddr().Port()))
	return &endpoint{stream: st, media: md, remote: remote}, answer, nil
}

// newStream opens an RTP stream from the configured port range.
func (m *Manager) newStream(onInactive func()) (*media.Stream, error) {
	ip := m.BindIP
	if !ip.IsValid() {
		ip = m.MediaIP
	}
	cfg := media.StreamConfig{Pool: m.Ports, IP: ip, Logger: m.Logger, InbandDTMF: true,
		InactivityTimeout: m.RTPTimeout, OnClose: m.Metrics.streamClosed}
	if onInactive != nil {
		cfg.OnInactive = func(time.Duration) { onInactive() }
	}
	st, err := media.NewStream(cfg)
	if err != nil {
		return nil, fmt.Errorf("RTP stream: %w", err)
	}
	return st, nil
}

// offerEndpoint opens a stream and returns our offer for an outbound leg.
func (m *Manager) offerEndpoint(onInactive func()) (*endpoint, []byte, error) {
	st, err := m.newStream(onInactive)
	if err != nil {
		return nil, nil, err
	}
	offer := m.sdp.Offer(int(st.LocalAddr().Port()), media.SupportedCodecs(), media.SendRecv)
	return &endpoint{stream: st}, offer, nil
}

// applyAnswer takes the far end's answer to our offer.
func (e *endpoint) applyAnswer(answer []byte) error {
	remote, err := media.ParseSDP(answer)
	if err != nil {
		return fmt.Errorf("bad SDP answer: %w", err)
	}
	md, err := media.Negotiate(remote, media.SupportedCodecs())
	if err != nil {
		return fmt.Errorf("%w: %v", errCodec, err)
	}
	e.remote, e.media = remote, md
	e.stream.SetMedia(md)
	return nil
}

// reoffer answers a re-INVITE from the far end (hold, unhold, a new
// address) and reports whether the far end is now holding us.
func (m *Manager) reoffer(e *endpoint, offer []byte) ([]byte, bool, error) {
	remote, err := media.ParseSDP(offer)
	if err != nil {
		return nil, false, err
	}
	md, err := media.Negotiate(remote, media.SupportedCodecs())
	if err != nil {
		return nil, false, err
	}
	e.remote, e.media = remote, md
	e.stream.SetMedia(md)
	return m.sdp.Answer(remote, md, int(e.stream.LocalAddr().Port())), remote.OnHold(), nil
}

// close releases the stream.
func (e *endpoint) close() {
	if e != nil && e.stream != nil {
		e.stream.Close()
	}
}

// hangup ends the leg (BYE, CANCEL or a final response) and its stream.
func (e *endpoint) hangup() {
	if e == nil {
		return
	}
	if e.leg != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		e.leg.Hangup(ctx)
		cancel()
	}
	e.close()
}

// relayInfoDTMF feeds SIP INFO key presses into the stream's digit channel.
func (e *endpoint) relayInfoDTMF() {
	e.leg.OnInfo(func(b sip.Body) {
		if d, err := media.ParseInfoDTMF(b.ContentType, b.Data); err == nil {
			e.stream.DeliverDigit(d)
		}
	})
}
