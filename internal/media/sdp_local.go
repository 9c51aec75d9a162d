package media

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/pion/sdp/v3"
)

// Media is the outcome of an offer/answer exchange: what a Stream needs.
type Media struct {
	Codec     Codec          // audio codec both sides use
	Events    bool           // telephone-event negotiated
	EventPT   uint8          // its payload type
	EventFmtp string         // its fmtp, e.g. "0-16"
	Remote    netip.AddrPort // where the peer wants RTP (0.0.0.0 on hold)
	Direction Direction      // our direction
	Ptime     int            // the peer's ptime in ms, 0 if not given
}

// DefaultEventPT is the payload type we offer for telephone-event.
const DefaultEventPT = 101

// Negotiate picks the media to use from a remote offer or answer: the
// first codec in the remote's order that we support (for an answer, that is
// the codec the answerer chose), telephone-event if present, and our
// direction as the reverse of the remote's. It fails with ErrNoCommonCodec
// when there is no usable audio stream or no common codec.
func Negotiate(remote *SDP, supported []Codec) (Media, error) {
	if remote == nil || remote.audio < 0 {
		return Media{}, fmt.Errorf("%w: no audio stream", ErrNoCommonCodec)
	}
	if remote.Port == 0 {
		return Media{}, fmt.Errorf("%w: audio stream rejected (port 0)", ErrNoCommonCodec)
	}
	if !isRTPProto(strings.Split(remote.Proto, "/")) {
		return Media{}, fmt.Errorf("%w: transport %s not supported (need RTP/AVP)", ErrNoCommonCodec, remote.Proto)
	}
	m := Media{Remote: remote.RemoteAddr(), Direction: remote.Direction.Reverse(), Ptime: remote.Ptime}
	found := false
	for _, c := range remote.Codecs() {
		if containsCodec(supported, c) {
			m.Codec, found = c, true
			break
		}
	}
	if !found {
		return Media{}, fmt.Errorf("%w: offered %s", ErrNoCommonCodec, formatNames(remote.Formats))
	}
	if te, ok := remote.TelephoneEvent(); ok {
		m.Events, m.EventPT, m.EventFmtp = true, te.PT, te.Fmtp
	}
	return m, nil
}

func containsCodec(list []Codec, c Codec) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

func formatNames(fs []Format) string {
	if len(fs) == 0 {
		return "nothing"
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = strconv.Itoa(int(f.PT))
		if f.Name != "" {
			names[i] += " " + f.Name + "/" + strconv.Itoa(f.ClockRate)
		}
	}
	return strings.Join(names, ", ")
}

// LocalSDP builds the session descriptions we send for one dialog leg. It
// keeps the origin line stable: the same session id throughout, and a
// version that increases exactly when the description changes (RFC 3264
// section 8), so repeating an unchanged SDP repeats its version.
type LocalSDP struct {
	mu      sync.Mutex
	addr    netip.Addr
	id      uint64
	version uint64
	last    string // the previous SDP with the version zeroed
	sent    bool
}

// NewLocalSDP returns a builder announcing addr (our media IP as the peer
// must reach it) in o= and c=.
func NewLocalSDP(addr netip.Addr) *LocalSDP {
	id := rand.Uint64() >> 2 // positive and comfortably below 2^63
	return &LocalSDP{addr: addr.Unmap(), id: id, version: id}
}

// Offer returns an SDP offer: audio on port with codecs in our preference
// order, telephone-event/8000 as payload type 101 (0-16), ptime 20 and dir
// (SendOnly to put the peer on hold).
func (l *LocalSDP) Offer(port int, codecs []Codec, dir Direction) []byte {
	audio := l.audioLine(port, codecs, DefaultEventPT, "0-16", dir)
	return l.render([]*sdp.MediaDescription{audio})
}

// Answer returns our answer to offer, using the negotiated media m on port.
// The answer names only the chosen codec (and telephone-event if offered);
// every other stream of the offer is rejected with port 0, as RFC 3264
// requires one m= line per offered stream. Set m.Direction first to answer
// with a different direction (for example Inactive).
func (l *LocalSDP) Answer(offer *SDP, m Media, port int) []byte {
	var mds []*sdp.MediaDescription
	for i, line := range offer.lines {
		if i == offer.audio {
			fmtp := m.EventFmtp
			if fmtp == "" {
				fmtp = "0-16"
			}
			pt := -1
			if m.Events {
				pt = int(m.EventPT)
			}
			mds = append(mds, l.audioLine(port, []Codec{m.Codec}, pt, fmtp, m.Direction))
			continue
		}
		mds = append(mds, &sdp.MediaDescription{MediaName: sdp.MediaName{
			Media: line.media, Port: sdp.RangedPort{Value: 0},
			Protos: strings.Split(line.proto, "/"), Formats: line.formats,
		}})
	}
	return l.render(mds)
}

// audioLine builds an m=audio section; eventPT < 0 leaves out telephone-event.
func (l *LocalSDP) audioLine(port int, codecs []Codec, eventPT int, fmtp string, dir Direction) *sdp.MediaDescription {
	md := &sdp.MediaDescription{MediaName: sdp.MediaName{
		Media: "audio", Port: sdp.RangedPort{Value: port}, Protos: []string{"RTP", "AVP"},
	}}
	for _, c := range codecs {
		md.MediaName.Formats = append(md.MediaName.Formats, strconv.Itoa(int(c)))
		md.Attributes = append(md.Attributes, sdp.NewAttribute("rtpmap", fmt.Sprintf("%d %s/%d", c, c.Name(), SampleRate)))
	}
	if eventPT >= 0 {
		md.MediaName.Formats = append(md.MediaName.Formats, strconv.Itoa(eventPT))
		md.Attributes = append(md.Attributes,
			sdp.NewAttribute("rtpmap", fmt.Sprintf("%d telephone-event/%d", eventPT, SampleRate)),
			sdp.NewAttribute("fmtp", fmt.Sprintf("%d %s", eventPT, fmtp)))
	}
	md.Attributes = append(md.Attributes,
		sdp.NewAttribute("ptime", "20"),
		sdp.NewPropertyAttribute(dir.String()))
	return md
}

// render marshals the description, bumping the version if it changed.
func (l *LocalSDP) render(mds []*sdp.MediaDescription) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	addrType := "IP4"
	if l.addr.Is6() {
		addrType = "IP6"
	}
	sd := &sdp.SessionDescription{
		Origin: sdp.Origin{
			Username: "hotline", SessionID: l.id, SessionVersion: 0,
			NetworkType: "IN", AddressType: addrType, UnicastAddress: l.addr.String(),
		},
		SessionName: "hotline",
		ConnectionInformation: &sdp.ConnectionInformation{
			NetworkType: "IN", AddressType: addrType, Address: &sdp.Address{Address: l.addr.String()},
		},
		TimeDescriptions:  []sdp.TimeDescription{{}},
		MediaDescriptions: mds,
	}
	body, _ := sd.Marshal() // cannot fail: Marshal only appends
	if l.sent && string(body) != l.last {
		l.version++
	}
	l.last, l.sent = string(body), true
	sd.Origin.SessionVersion = l.version
	out, _ := sd.Marshal()
	return out
}
