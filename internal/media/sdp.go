package media

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// Errors of the SDP offer/answer layer.
var (
	// ErrSDP wraps every reason a session description cannot be used.
	ErrSDP = errors.New("media: invalid SDP")
	// ErrNoCommonCodec: the offer has no usable audio stream with a codec
	// we support. The SIP layer answers 488 Not Acceptable Here.
	ErrNoCommonCodec = errors.New("media: no common codec")
)

// Direction is the media direction attribute of an SDP stream.
type Direction uint8

// Directions, seen from the side that wrote the SDP.
const (
	SendRecv Direction = iota
	SendOnly
	RecvOnly
	Inactive
)

func (d Direction) String() string {
	switch d {
	case SendOnly:
		return "sendonly"
	case RecvOnly:
		return "recvonly"
	case Inactive:
		return "inactive"
	}
	return "sendrecv"
}

// Sends reports whether the side with this direction sends media.
func (d Direction) Sends() bool { return d == SendRecv || d == SendOnly }

// Receives reports whether the side with this direction receives media.
func (d Direction) Receives() bool { return d == SendRecv || d == RecvOnly }

// Reverse is the direction an answerer takes for an offer with direction d
// (RFC 3264 section 6.1): sendonly ↔ recvonly.
func (d Direction) Reverse() Direction {
	switch d {
	case SendOnly:
		return RecvOnly
	case RecvOnly:
		return SendOnly
	}
	return d
}

func parseDirection(s string) (Direction, bool) {
	switch s {
	case "sendrecv":
		return SendRecv, true
	case "sendonly":
		return SendOnly, true
	case "recvonly":
		return RecvOnly, true
	case "inactive":
		return Inactive, true
	}
	return SendRecv, false
}

// Format is one payload format of the audio m= line.
type Format struct {
	PT        uint8
	Name      string // encoding name from a=rtpmap, or the static default
	ClockRate int
	Channels  int
	Fmtp      string // a=fmtp parameters, e.g. "0-16"
}

// Codec returns the supported codec this format is, if any.
func (f Format) Codec() (Codec, bool) {
	c := Codec(f.PT)
	if !c.Valid() || !strings.EqualFold(f.Name, c.Name()) || f.ClockRate != SampleRate || f.Channels > 1 {
		return 0, false
	}
	return c, true
}

func (f Format) isTelephoneEvent() bool {
	return strings.EqualFold(f.Name, "telephone-event") && f.ClockRate == SampleRate
}

// SDP is what we need from a remote session description: its audio stream.
type SDP struct {
	SessionID      uint64
	SessionVersion uint64
	Addr           netip.Addr // connection address (media level wins over session level)
	Port           int        // audio port; 0 means the stream is disabled
	Proto          string     // "RTP/AVP"
	Formats        []Format   // in m= line order, i.e. the sender's preference
	Direction      Direction
	Ptime          int // packetisation time in ms; 0 when not given

	lines []mediaLine // every m= line, to answer the ones we reject
	audio int         // index of the audio stream in lines, -1 if none
}

type mediaLine struct {
	media, proto string
	formats      []string
}

// ParseSDP parses a remote offer or answer. It uses the first audio stream
// with an RTP/AVP(F) transport and a non-zero port (or else the first audio
// stream at all); other streams are remembered so an answer can reject them.
func ParseSDP(body []byte) (*SDP, error) {
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(string(body)); err != nil {
		// Retry with the lines in canonical order: some phones put c= after
		// a= or leave out s= or t=, which pion (rightly) refuses.
		if err2 := sd.UnmarshalString(normalizeSDP(string(body))); err2 != nil {
			return nil, fmt.Errorf("%w: %w", ErrSDP, err)
		}
	}
	if sd.Origin.NetworkType == "" {
		return nil, fmt.Errorf("%w: no o= line", ErrSDP)
	}
	out := &SDP{SessionID: sd.Origin.SessionID, SessionVersion: sd.Origin.SessionVersion, audio: -1}
	first := -1
	for i, md := range sd.MediaDescriptions {
		out.lines = append(out.lines, mediaLine{md.MediaName.Media, strings.Join(md.MediaName.Protos, "/"), md.MediaName.Formats})
		if md.MediaName.Media != "audio" {
			continue
		}
		if first < 0 {
			first = i
		}
		if out.audio < 0 && md.MediaName.Port.Value != 0 && isRTPProto(md.MediaName.Protos) {
			out.audio = i
		}
	}
	if out.audio < 0 {
		out.audio = first
	}
	if out.audio < 0 {
		return out, nil
	}
	if err := out.fill(&sd, sd.MediaDescriptions[out.audio]); err != nil {
		return nil, err
	}
	return out, nil
}

func isRTPProto(p []string) bool {
	s := strings.Join(p, "/")
	return s == "RTP/AVP" || s == "RTP/AVPF"
}

// fill reads the audio stream md into s.
func (s *SDP) fill(sd *sdp.SessionDescription, md *sdp.MediaDescription) error {
	s.Port = md.MediaName.Port.Value
	s.Proto = strings.Join(md.MediaName.Protos, "/")
	conn := sd.ConnectionInformation
	if md.ConnectionInformation != nil {
		conn = md.ConnectionInformation
	}
	if conn == nil || conn.Address == nil {
		if s.Port != 0 {
			return fmt.Errorf("%w: no connection address for the audio stream", ErrSDP)
		}
	} else {
		addr, err := netip.ParseAddr(conn.Address.Address)
		if err != nil {
			return fmt.Errorf("%w: connection address %q is not an IP address", ErrSDP, truncate(conn.Address.Address, 64))
		}
		s.Addr = addr.Unmap()
	}
	s.Direction = SendRecv
	if d, ok := directionOf(md.Attributes); ok {
		s.Direction = d
	} else if d, ok := directionOf(sd.Attributes); ok {
		s.Direction = d
	}
	s.Ptime = ptimeOf(md.Attributes)
	if s.Ptime == 0 {
		s.Ptime = ptimeOf(sd.Attributes)
	}
	s.Formats = parseFormats(md)
	return nil
}

func directionOf(attrs []sdp.Attribute) (Direction, bool) {
	for _, a := range attrs {
		if d, ok := parseDirection(a.Key); ok {
			return d, true
		}
	}
	return SendRecv, false
}

func ptimeOf(attrs []sdp.Attribute) int {
	for _, a := range attrs {
		if a.Key == "ptime" {
			if n, err := strconv.Atoi(strings.TrimSpace(a.Value)); err == nil && n > 0 && n <= 1000 {
				return n
			}
		}
	}
	return 0
}

// staticFormats are the RFC 3551 names of static payload types (those that
// may appear without a=rtpmap).
var staticFormats = map[uint8]string{0: "PCMU", 3: "GSM", 4: "G723", 8: "PCMA", 9: "G722", 18: "G729"}

func parseFormats(md *sdp.MediaDescription) []Format {
	var out []Format
	for _, f := range md.MediaName.Formats {
		pt, err := strconv.ParseUint(f, 10, 7)
		if err != nil {
			continue // not an RTP payload type
		}
		if slices.ContainsFunc(out, func(x Format) bool { return x.PT == uint8(pt) }) {
			continue
		}
		format := Format{PT: uint8(pt), Name: staticFormats[uint8(pt)], ClockRate: SampleRate}
		if format.Name == "" {
			format.ClockRate = 0
		}
		for _, a := range md.Attributes {
			applyFormatAttr(&format, a)
		}
		out = append(out, format)
	}
	return out
}

// applyFormatAttr applies "a=rtpmap:<pt> <name>/<rate>[/<ch>]" and
// "a=fmtp:<pt> <params>" to f when they are about f's payload type.
func applyFormatAttr(f *Format, a sdp.Attribute) {
	if a.Key != "rtpmap" && a.Key != "fmtp" {
		return
	}
	ptStr, rest, ok := strings.Cut(strings.TrimSpace(a.Value), " ")
	if !ok || ptStr != strconv.Itoa(int(f.PT)) {
		return
	}
	rest = strings.TrimSpace(rest)
	if a.Key == "fmtp" {
		f.Fmtp = rest
		return
	}
	parts := strings.Split(rest, "/")
	f.Name, f.ClockRate, f.Channels = parts[0], 0, 0
	if len(parts) > 1 {
		f.ClockRate, _ = strconv.Atoi(parts[1])
	}
	if len(parts) > 2 {
		f.Channels, _ = strconv.Atoi(parts[2])
	}
}

// Codecs returns the supported codecs of the audio stream in its order.
func (s *SDP) Codecs() []Codec {
	var out []Codec
	for _, f := range s.Formats {
		if c, ok := f.Codec(); ok {
			out = append(out, c)
		}
	}
	return out
}

// TelephoneEvent returns the RFC 4733 telephone-event/8000 format, if offered.
func (s *SDP) TelephoneEvent() (Format, bool) {
	for _, f := range s.Formats {
		if f.isTelephoneEvent() {
			return f, true
		}
	}
	return Format{}, false
}

// OnHold reports whether the SDP puts us on hold: the stream is sendonly or
// inactive (RFC 3264), or the connection address is 0.0.0.0 (RFC 2543).
func (s *SDP) OnHold() bool {
	return s.Direction == SendOnly || s.Direction == Inactive || (s.Addr.IsValid() && s.Addr.IsUnspecified())
}

// RemoteAddr is where the SDP asks us to send RTP.
func (s *SDP) RemoteAddr() netip.AddrPort {
	if !s.Addr.IsValid() || s.Port <= 0 || s.Port > 65535 {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(s.Addr, uint16(s.Port))
}
