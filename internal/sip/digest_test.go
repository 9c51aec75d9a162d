package sip

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// RFC 7616 section 3.9.1: the same request answered with MD5 and SHA-256.
const (
	rfc7616Realm  = "http-auth@example.org"
	rfc7616Nonce  = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
	rfc7616Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
	rfc7616Opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
)

func rfc7616Header(alg, response string) string {
	return `Digest username="Mufasa", realm="` + rfc7616Realm + `", uri="/dir/index.html", algorithm=` + alg +
		`, nonce="` + rfc7616Nonce + `", nc=00000001, cnonce="` + rfc7616Cnonce +
		`", qop=auth, response="` + response + `", opaque="` + rfc7616Opaque + `"`
}

func TestDigestRFC7616Vectors(t *testing.T) {
	for _, tc := range []struct {
		alg, response string
	}{
		{algMD5, "8ca523f5e9506fed4657c9700eebdbec"},
		{algSHA256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			c, err := parseCredentials(rfc7616Header(tc.alg, tc.response))
			if err != nil {
				t.Fatal(err)
			}
			if c.username != "Mufasa" || c.realm != rfc7616Realm || c.opaque != rfc7616Opaque || c.algorithm != tc.alg {
				t.Fatalf("parsed %+v", c)
			}
			ha1, err := HA1(tc.alg, "Mufasa", rfc7616Realm, "Circle of Life")
			if err != nil {
				t.Fatal(err)
			}
			if !c.checkResponse("GET", ha1) {
				t.Fatalf("RFC 7616 %s response not accepted", tc.alg)
			}
			wrong, _ := HA1(tc.alg, "Mufasa", rfc7616Realm, "Circle of life")
			if c.checkResponse("GET", wrong) {
				t.Fatal("response accepted with the wrong password")
			}
			if c.checkResponse("POST", ha1) {
				t.Fatal("response accepted for another method")
			}
		})
	}
}

// RFC 2617 section 3.5, the classic MD5 example.
func TestDigestRFC2617Vector(t *testing.T) {
	h := `Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",` +
		` uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b",` +
		` response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"`
	c, err := parseCredentials(h)
	if err != nil {
		t.Fatal(err)
	}
	ha1, _ := HA1(algMD5, "Mufasa", "testrealm@host.com", "Circle Of Life")
	if !c.checkResponse("GET", ha1) {
		t.Fatal("RFC 2617 response not accepted")
	}
}

func TestParseCredentialsRejectsMalformed(t *testing.T) {
	for _, h := range []string{
		``,
		`Basic dXNlcjpwYXNz`,
		`Digest`,
		`Digest username="a", nonce="n", uri="sip:x", response="r", username="b"`,
		`Digest username="a, nonce="n"`,
		`Digest username="a", nonce="n", uri="sip:x"`,
		`Digest username="a\`,
		`Digest =x`,
		`Digest username=, nonce="n", uri="sip:x", response="r"`,
		"Digest " + strings.Repeat("a", maxCredentialsLen),
	} {
		if _, err := parseCredentials(h); !errors.Is(err, errBadCredentials) {
			t.Errorf("%q: got %v, want errBadCredentials", h, err)
		}
	}
}

func TestParseCredentialsEscapesAndCase(t *testing.T) {
	c, err := parseCredentials(`digest   USERNAME="a\"b" ,nonce=abc,uri="sip:1@h",response=ABCDEF,qop=AUTH`)
	if err != nil {
		t.Fatal(err)
	}
	if c.username != `a"b` || c.nonce != "abc" || c.response != "abcdef" || c.qop != "auth" {
		t.Fatalf("parsed %+v", c)
	}
}

func TestCheckResponseRejectsBadQop(t *testing.T) {
	c := credentials{username: "u", nonce: "n", uri: "sip:x", response: "00", qop: "auth-int", cnonce: "c", nc: "00000001"}
	ha1, _ := HA1(algMD5, "u", "r", "p")
	if c.checkResponse("REGISTER", ha1) {
		t.Fatal("auth-int accepted")
	}
	c.qop, c.nc = "auth", "1"
	if c.checkResponse("REGISTER", ha1) {
		t.Fatal("short nc accepted")
	}
	c.algorithm = "SHA-512"
	if c.checkResponse("REGISTER", ha1) {
		t.Fatal("unsupported algorithm accepted")
	}
}

func TestHA1RejectsUnknownAlgorithm(t *testing.T) {
	if _, err := HA1("SHA-1", "u", "r", "p"); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Fatalf("got %v", err)
	}
}

func TestChallengeFormat(t *testing.T) {
	got := challenge("hotline", "NONCE", algSHA256, true)
	want := `Digest realm="hotline", nonce="NONCE", algorithm=SHA-256, qop="auth", stale=true`
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

// BenchmarkDigestVerify measures what the registrar does per authenticated
// REGISTER: parse the header, check the nonce's HMAC and age, compute and
// compare the response.
func BenchmarkDigestVerify(b *testing.B) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	ns, _ := newNonceSigner([]byte("bench-key"), time.Minute, clock)
	for _, alg := range []string{algMD5, algSHA256} {
		b.Run(alg, func(b *testing.B) {
			nonce := ns.issue()
			ha1, _ := HA1(alg, "1001", "hotline", "secret")
			h, _ := newHash(alg)
			resp := digestResponse(h, ha1, nonce, "00000001", "abcdef", "auth", "REGISTER", "sip:hotline")
			hdr := `Digest username="1001", realm="hotline", nonce="` + nonce + `", uri="sip:hotline", algorithm=` + alg +
				`, qop=auth, nc=00000001, cnonce="abcdef", response="` + resp + `"`
			b.ReportAllocs()
			for b.Loop() {
				c, err := parseCredentials(hdr)
				if err != nil || ns.check(c.nonce) != nonceFresh || !c.checkResponse("REGISTER", ha1) {
					b.Fatal("verification failed")
				}
			}
		})
	}
}
