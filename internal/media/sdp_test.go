package media

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.TrimLeft(s, "\n"), "\n", "\r\n"))
}

// A Linphone-style offer: audio with several codecs, and video.
var linphoneOffer = crlf(`
v=0
o=alice 1234 678 IN IP4 192.0.2.10
s=Talk
c=IN IP4 192.0.2.10
t=0 0
m=audio 7078 RTP/AVP 96 97 0 8 101
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:97 speex/16000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
m=video 9078 RTP/AVP 96
a=rtpmap:96 VP8/90000
`)

func mustParse(t *testing.T, b []byte) *SDP {
	t.Helper()
	s, err := ParseSDP(b)
	if err != nil {
		t.Fatalf("ParseSDP: %v\n%s", err, b)
	}
	return s
}

func TestParseSDPLinphone(t *testing.T) {
	s := mustParse(t, linphoneOffer)
	if s.SessionID != 1234 || s.SessionVersion != 678 {
		t.Errorf("origin %d %d", s.SessionID, s.SessionVersion)
	}
	if got := s.RemoteAddr(); got != netip.MustParseAddrPort("192.0.2.10:7078") {
		t.Errorf("remote %v", got)
	}
	if len(s.Formats) != 5 || s.Formats[0].Name != "opus" || s.Formats[0].ClockRate != 48000 || s.Formats[0].Channels != 2 {
		t.Errorf("formats %+v", s.Formats)
	}
	if c := s.Codecs(); len(c) != 2 || c[0] != PCMU || c[1] != PCMA {
		t.Errorf("codecs %v", c)
	}
	te, ok := s.TelephoneEvent()
	if !ok || te.PT != 101 || te.Fmtp != "0-15" {
		t.Errorf("telephone-event %+v %v", te, ok)
	}
	if s.Direction != SendRecv || s.Ptime != 20 || s.OnHold() {
		t.Errorf("direction %v ptime %d hold %v", s.Direction, s.Ptime, s.OnHold())
	}
	m, err := Negotiate(s, SupportedCodecs())
	if err != nil {
		t.Fatal(err)
	}
	want := Media{Codec: PCMU, Events: true, EventPT: 101, EventFmtp: "0-15",
		Remote: netip.MustParseAddrPort("192.0.2.10:7078"), Direction: SendRecv, Ptime: 20}
	if m != want {
		t.Errorf("negotiated %+v\nwant %+v", m, want)
	}

	// The answer keeps one m= line per offered stream; video is rejected.
	local := NewLocalSDP(netip.MustParseAddr("198.51.100.1"))
	ans := string(local.Answer(s, m, 20000))
	for _, want := range []string{
		"m=audio 20000 RTP/AVP 0 101\r\n", "a=rtpmap:0 PCMU/8000\r\n",
		"a=rtpmap:101 telephone-event/8000\r\n", "a=fmtp:101 0-15\r\n",
		"a=ptime:20\r\n", "a=sendrecv\r\n", "m=video 0 RTP/AVP 96\r\n",
		"c=IN IP4 198.51.100.1\r\n",
	} {
		if !strings.Contains(ans, want) {
			t.Errorf("answer lacks %q:\n%s", want, ans)
		}
	}
	if strings.Index(ans, "m=audio") > strings.Index(ans, "m=video") {
		t.Error("answer changed the order of the m= lines")
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct {
		name    string
		sdp     string
		codec   Codec
		events  bool
		dir     Direction
		hold    bool
		errIs   error
		addr    string
		ptime   int
		onlyOne []Codec
	}{
		{name: "offerer prefers PCMA", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/AVP 8 0 101
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
`, codec: PCMA, events: true, dir: SendRecv, addr: "10.0.0.1:4000"},
		{name: "static payload types without rtpmap", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/AVP 18 0
`, codec: PCMU, dir: SendRecv, addr: "10.0.0.1:4000"},
		{name: "we only support PCMA", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/AVP 0 8
`, codec: PCMA, dir: SendRecv, addr: "10.0.0.1:4000", onlyOne: []Codec{PCMA}},
		{name: "media-level c= and session-level sendonly (hold)", sdp: `
v=0
o=- 1 2 IN IP4 10.0.0.1
s=-
t=0 0
a=sendonly
m=audio 4000 RTP/AVP 0
c=IN IP4 10.0.0.9
a=ptime:30
`, codec: PCMU, dir: RecvOnly, hold: true, addr: "10.0.0.9:4000", ptime: 30},
		{name: "inactive", sdp: `
v=0
o=- 1 2 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/AVP 0
a=inactive
`, codec: PCMU, dir: Inactive, hold: true, addr: "10.0.0.1:4000"},
		{name: "recvonly offer", sdp: `
v=0
o=- 1 2 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/AVP 0
a=recvonly
`, codec: PCMU, dir: SendOnly, addr: "10.0.0.1:4000"},
		{name: "RFC 2543 hold with c=0.0.0.0", sdp: `
v=0
o=- 1 2 IN IP4 10.0.0.1
s=-
c=IN IP4 0.0.0.0
t=0 0
m=audio 4000 RTP/AVP 0
`, codec: PCMU, dir: SendRecv, hold: true, addr: "0.0.0.0:4000"},
		{name: "IPv6", sdp: `
v=0
o=- 1 2 IN IP6 2001:db8::1
s=-
c=IN IP6 2001:db8::1
t=0 0
m=audio 4000 RTP/AVP 0
`, codec: PCMU, dir: SendRecv, addr: "[2001:db8::1]:4000"},
		{name: "lines out of order, no s= and t=", sdp: `
v=0
o=- 1 2 IN IP4 10.0.0.1
m=audio 4000 RTP/AVP 0 101
a=rtpmap:101 telephone-event/8000
c=IN IP4 10.0.0.5
`, codec: PCMU, events: true, dir: SendRecv, addr: "10.0.0.5:4000"},
		{name: "G.729 only", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/AVP 18 101
a=rtpmap:18 G729/8000
a=rtpmap:101 telephone-event/8000
`, errIs: ErrNoCommonCodec},
		{name: "PT 0 mapped to another codec", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/AVP 0
a=rtpmap:0 G729/8000
`, errIs: ErrNoCommonCodec},
		{name: "SRTP only", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/SAVP 0
`, errIs: ErrNoCommonCodec},
		{name: "audio disabled", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 0 RTP/AVP 0
`, errIs: ErrNoCommonCodec},
		{name: "video only", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=video 4000 RTP/AVP 96
`, errIs: ErrNoCommonCodec},
		{name: "SRTP stream first, plain RTP second", sdp: `
v=0
o=- 1 1 IN IP4 10.0.0.1
s=-
c=IN IP4 10.0.0.1
t=0 0
m=audio 4000 RTP/SAVP 0
m=audio 4002 RTP/AVP 8
`, codec: PCMA, dir: SendRecv, addr: "10.0.0.1:4002"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustParse(t, crlf(c.sdp))
			supported := SupportedCodecs()
			if c.onlyOne != nil {
				supported = c.onlyOne
			}
			m, err := Negotiate(s, supported)
			if c.errIs != nil {
				if !errors.Is(err, c.errIs) {
					t.Fatalf("err %v, want %v", err, c.errIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Codec != c.codec || m.Events != c.events || m.Direction != c.dir || m.Remote.String() != c.addr || m.Ptime != c.ptime {
				t.Errorf("got %+v", m)
			}
			if s.OnHold() != c.hold {
				t.Errorf("OnHold %v, want %v", s.OnHold(), c.hold)
			}
		})
	}
}

func TestParseSDPErrors(t *testing.T) {
	for name, body := range map[string]string{
		"garbage":   "hello",
		"empty":     "",
		"hostname":  "v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 pbx.example.com\nt=0 0\nm=audio 4000 RTP/AVP 0\n",
		"no c=":     "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n",
		"bad port":  "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio x RTP/AVP 0\n",
		"bad media": "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=image 4000 udptl t38\n",
	} {
		if _, err := ParseSDP(crlf(body)); !errors.Is(err, ErrSDP) {
			t.Errorf("%s: err %v, want ErrSDP", name, err)
		}
	}
}

func TestLocalSDPOfferAndVersions(t *testing.T) {
	local := NewLocalSDP(netip.MustParseAddr("203.0.113.5"))
	first := mustParse(t, local.Offer(30000, SupportedCodecs(), SendRecv))
	if first.RemoteAddr() != netip.MustParseAddrPort("203.0.113.5:30000") {
		t.Errorf("offer address %v", first.RemoteAddr())
	}
	if len(first.Formats) != 3 || first.Formats[0].PT != 0 || first.Formats[1].PT != 8 || first.Formats[2].PT != 101 {
		t.Fatalf("offer formats %+v", first.Formats)
	}
	if te, _ := first.TelephoneEvent(); te.Fmtp != "0-16" {
		t.Errorf("telephone-event fmtp %q", te.Fmtp)
	}
	if first.Ptime != 20 || first.Direction != SendRecv {
		t.Errorf("ptime %d dir %v", first.Ptime, first.Direction)
	}

	same := mustParse(t, local.Offer(30000, SupportedCodecs(), SendRecv))
	hold := mustParse(t, local.Offer(30000, SupportedCodecs(), SendOnly))
	resume := mustParse(t, local.Offer(30000, SupportedCodecs(), SendRecv))
	if same.SessionID != first.SessionID || hold.SessionID != first.SessionID {
		t.Error("session id changed")
	}
	if same.SessionVersion != first.SessionVersion {
		t.Errorf("unchanged SDP got a new version %d -> %d", first.SessionVersion, same.SessionVersion)
	}
	if hold.SessionVersion != first.SessionVersion+1 || resume.SessionVersion != first.SessionVersion+2 {
		t.Errorf("versions %d %d %d", first.SessionVersion, hold.SessionVersion, resume.SessionVersion)
	}
	if !hold.OnHold() || hold.Direction != SendOnly {
		t.Error("hold offer not on hold")
	}

	// Our offer, answered by another LocalSDP, negotiates back to PCMU.
	peer := NewLocalSDP(netip.MustParseAddr("203.0.113.6"))
	m, err := Negotiate(first, SupportedCodecs())
	if err != nil {
		t.Fatal(err)
	}
	ans := mustParse(t, peer.Answer(first, m, 40000))
	back, err := Negotiate(ans, SupportedCodecs())
	if err != nil {
		t.Fatal(err)
	}
	if back.Codec != PCMU || !back.Events || back.EventPT != 101 || back.Remote.Port() != 40000 {
		t.Errorf("answer negotiated to %+v", back)
	}
}

func FuzzParseSDP(f *testing.F) {
	f.Add(linphoneOffer)
	f.Add(crlf("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 4000 RTP/AVP 8 0\na=sendonly\n"))
	f.Add(crlf("v=0\no=- 1 2 IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\nc=IN IP4 10.0.0.5\n"))
	f.Add([]byte("v=0\r\nm=audio 1 RTP/AVP 300 -1 0"))
	local := NewLocalSDP(netip.MustParseAddr("192.0.2.1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSDP(data)
		if err != nil {
			if !errors.Is(err, ErrSDP) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		_ = s.OnHold()
		m, err := Negotiate(s, SupportedCodecs())
		if err != nil {
			if !errors.Is(err, ErrNoCommonCodec) {
				t.Fatalf("unclassified negotiation error %v", err)
			}
			return
		}
		// Whatever we negotiated, our answer must parse and agree.
		ans, err := ParseSDP(local.Answer(s, m, 10000))
		if err != nil {
			t.Fatalf("our answer does not parse: %v", err)
		}
		back, err := Negotiate(ans, SupportedCodecs())
		if err != nil || back.Codec != m.Codec || back.Events != m.Events {
			t.Fatalf("answer renegotiates to %+v (%v), want %+v", back, err, m)
		}
	})
}
