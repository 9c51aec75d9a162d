package sip

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// nonceSigner issues digest nonces that any node holding the key can check
// without remembering them: timestamp | random | HMAC-SHA256(key, both).
// The price of statelessness is that a captured response can be replayed
// for the same method and URI until the nonce expires; NonceLifetime keeps
// that window short.
type nonceSigner struct {
	key      []byte
	lifetime time.Duration
	clock    Clock
}

const (
	nonceRawLen = 8 + 8 + 16
	nonceLen    = (nonceRawLen*8 + 5) / 6 // base64 without padding
	// nonceSkew tolerates clocks of nodes sharing a key being a little apart.
	nonceSkew = time.Minute
)

type nonceState int

const (
	nonceBad nonceState = iota
	nonceFresh
	nonceStale
)

func newNonceSigner(key []byte, lifetime time.Duration, clock Clock) (*nonceSigner, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	return &nonceSigner{key: append([]byte(nil), key...), lifetime: lifetime, clock: clock}, nil
}

func (n *nonceSigner) issue() string {
	var raw [nonceRawLen]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(n.clock.Now().UnixMilli()))
	_, _ = rand.Read(raw[8:16]) // crypto/rand never fails on supported platforms
	n.sign(raw[:16], raw[16:])
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

func (n *nonceSigner) sign(msg, out []byte) {
	m := hmac.New(sha256.New, n.key)
	m.Write(msg)
	copy(out, m.Sum(nil))
}

// check tells whether nonce is ours and still fresh.
func (n *nonceSigner) check(nonce string) nonceState {
	if len(nonce) != nonceLen {
		return nonceBad
	}
	var raw [nonceRawLen]byte
	if k, err := base64.RawURLEncoding.Decode(raw[:], []byte(nonce)); err != nil || k != nonceRawLen {
		return nonceBad
	}
	var want [16]byte
	n.sign(raw[:16], want[:])
	if !hmac.Equal(want[:], raw[16:]) {
		return nonceBad
	}
	issued := time.UnixMilli(int64(binary.BigEndian.Uint64(raw[:8])))
	now := n.clock.Now()
	if issued.After(now.Add(nonceSkew)) {
		return nonceBad
	}
	if now.Sub(issued) > n.lifetime {
		return nonceStale
	}
	return nonceFresh
}
