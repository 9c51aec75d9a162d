package sip

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// HA1 returns hex H(username:realm:password) for algorithm "MD5" or
// "SHA-256": the value an Account stores instead of the password.
func HA1(algorithm, username, realm, password string) (string, error) {
	h, err := newHash(algorithm)
	if err != nil {
		return "", err
	}
	return hashHex(h, username, realm, password), nil
}

func newHash(algorithm string) (hash.Hash, error) {
	switch strings.ToUpper(algorithm) {
	case "", algMD5:
		return md5.New(), nil
	case algSHA256:
		return sha256.New(), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, algorithm)
}

func hashHex(h hash.Hash, parts ...string) string {
	h.Reset()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{':'})
		}
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// credentials are the parameters of a Digest Authorization header.
type credentials struct {
	username, realm, nonce, uri, response string
	algorithm, cnonce, qop, nc, opaque    string
	userhash                              bool
}

const maxCredentialsLen = 4096

var errBadCredentials = errors.New("malformed digest credentials")

// parseCredentials parses `Digest name=value, name="quoted", ...`.
func parseCredentials(v string) (credentials, error) {
	var c credentials
	if len(v) > maxCredentialsLen {
		return c, fmt.Errorf("%w: too long", errBadCredentials)
	}
	v = strings.TrimSpace(v)
	if len(v) < 7 || !strings.EqualFold(v[:6], "Digest") || (v[6] != ' ' && v[6] != '\t') {
		return c, fmt.Errorf("%w: not a Digest scheme", errBadCredentials)
	}
	seen := map[string]bool{}
	rest := v[7:]
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			break
		}
		name, value, tail, err := nextParam(rest)
		if err != nil {
			return c, err
		}
		rest = tail
		name = strings.ToLower(name)
		if seen[name] {
			return c, fmt.Errorf("%w: %s given twice", errBadCredentials, name)
		}
		seen[name] = true
		c.set(name, value)
	}
	if c.username == "" || c.nonce == "" || c.response == "" || c.uri == "" {
		return c, fmt.Errorf("%w: username, nonce, uri and response are required", errBadCredentials)
	}
	return c, nil
}

func (c *credentials) set(name, value string) {
	switch name {
	case "username":
		c.username = value
	case "realm":
		c.realm = value
	case "nonce":
		c.nonce = value
	case "uri":
		c.uri = value
	case "response":
		c.response = strings.ToLower(value)
	case "algorithm":
		c.algorithm = strings.ToUpper(value)
	case "cnonce":
		c.cnonce = value
	case "qop":
		c.qop = strings.ToLower(value)
	case "nc":
		c.nc = value
	case "opaque":
		c.opaque = value
	case "userhash":
		c.userhash = strings.EqualFold(value, "true")
	}
}

// nextParam reads one name=value from s and returns what follows.
func nextParam(s string) (name, value, rest string, err error) {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 {
		return "", "", "", fmt.Errorf("%w: parameter without value", errBadCredentials)
	}
	name = strings.TrimSpace(s[:eq])
	if name == "" || strings.ContainsAny(name, " \t\",") {
		return "", "", "", fmt.Errorf("%w: bad parameter name %q", errBadCredentials, name)
	}
	s = strings.TrimLeft(s[eq+1:], " \t")
	if strings.HasPrefix(s, `"`) {
		return quoted(name, s)
	}
	end := strings.IndexAny(s, ", \t")
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return "", "", "", fmt.Errorf("%w: empty value for %s", errBadCredentials, name)
	}
	return name, s[:end], s[end:], nil
}

func quoted(name, s string) (string, string, string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", "", "", fmt.Errorf("%w: dangling escape", errBadCredentials)
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return name, b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", "", fmt.Errorf("%w: unterminated quoted string", errBadCredentials)
}

// digestResponse computes the request-digest of RFC 7616 (qop=auth) or,
// without qop, of RFC 2069.
func digestResponse(h hash.Hash, ha1, nonce, nc, cnonce, qop, method, uri string) string {
	ha2 := hashHex(h, method, uri)
	if qop == "" {
		return hashHex(h, ha1, nonce, ha2)
	}
	return hashHex(h, ha1, nonce, nc, cnonce, qop, ha2)
}

// checkResponse reports whether c proves knowledge of the password whose
// HA1 is ha1, for method. It does not look at the nonce's freshness.
func (c credentials) checkResponse(method, ha1 string) bool {
	h, err := newHash(c.algorithm)
	if err != nil || ha1 == "" {
		return false
	}
	if c.qop != "" && (c.qop != "auth" || c.cnonce == "" || len(c.nc) != 8) {
		return false
	}
	want := digestResponse(h, strings.ToLower(ha1), c.nonce, c.nc, c.cnonce, c.qop, method, c.uri)
	return subtle.ConstantTimeCompare([]byte(want), []byte(c.response)) == 1
}

// challenge renders one WWW-Authenticate / Proxy-Authenticate value.
func challenge(realm, nonce, algorithm string, stale bool) string {
	var b strings.Builder
	b.WriteString(`Digest realm="`)
	b.WriteString(realm)
	b.WriteString(`", nonce="`)
	b.WriteString(nonce)
	b.WriteString(`", algorithm=`)
	b.WriteString(algorithm)
	b.WriteString(`, qop="auth"`)
	if stale {
		b.WriteString(", stale=true")
	}
	return b.String()
}
