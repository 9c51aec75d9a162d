package sip

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Config is what the SIP server needs to know that is not a dependency.
// Zero values take the defaults documented on each field.
type Config struct {
	// Addr is where UDP and TCP listen, on the same port ("0.0.0.0:5060").
	// Port 0 picks one free port for both (tests).
	Addr string
	// TLSAddr is where SIP over TLS listens. Empty with a certificate set
	// means the host of Addr and a free port.
	TLSAddr string
	// TLSCertFile and TLSKeyFile are PEM files; TLS is off unless both are set.
	TLSCertFile string
	TLSKeyFile  string

	// Realm is the digest realm. Stored HA1 values are computed over it, so
	// changing it invalidates every stored HA1. Default "hotline".
	Realm string
	// PublicHost is written into Contact and Via when the bind address is not
	// what phones and carriers reach (NAT, 0.0.0.0). Empty = the bind IP, or
	// the host's primary address when bound to all interfaces.
	PublicHost string
	// UserAgent is sent in User-Agent and Server headers. Default "Hotline".
	UserAgent string

	// AuthMaxFailures failed authentications from one IP within
	// AuthFailureWindow ban that IP for AuthBanDuration.
	// Defaults 10, 1 minute, 10 minutes.
	AuthMaxFailures   int
	AuthFailureWindow time.Duration
	AuthBanDuration   time.Duration
	// NonceLifetime is how long a digest nonce is accepted; after that the
	// client gets stale=true and retries without asking the user. Default 5 min.
	NonceLifetime time.Duration
	// NonceKey signs nonces. Nodes sharing registrations must share it.
	// Empty = random per process.
	NonceKey []byte
	// DigestAlgorithms are offered, in order of preference, one challenge
	// header each. Allowed: "SHA-256", "MD5". Default SHA-256 then MD5
	// (RFC 8760).
	DigestAlgorithms []string
	// DigestLegacyUserAgents are case-insensitive User-Agent substrings of
	// clients that break when offered anything but MD5: libre 1.x (baresip
	// 1.x, still Debian's) refuses the whole 401 if any challenge names
	// another algorithm. They are challenged with MD5 alone. Default
	// "baresip v0.", "baresip v1.". Set to an empty non-nil slice for none.
	DigestLegacyUserAgents []string

	// Registration expiry bounds. A phone asking for less than the minimum
	// gets 423 Interval Too Brief; more than the maximum is cut to it.
	// Defaults 60 s, 3600 s, 600 s.
	RegisterMinExpiry     time.Duration
	RegisterMaxExpiry     time.Duration
	RegisterDefaultExpiry time.Duration
	// MaxContactsPerUser bounds the bindings one account may hold. Default 10.
	MaxContactsPerUser int

	// QualifyInterval is how often registered contacts are sent OPTIONS.
	// Default 30 s; negative disables qualify.
	QualifyInterval time.Duration
	// QualifyTimeout is how long a contact has to answer before it is marked
	// unreachable. Default 5 s.
	QualifyTimeout time.Duration

	// InviteTimeout bounds how long an inbound call may stay unanswered
	// before it is rejected with 480. Default 3 minutes.
	InviteTimeout time.Duration
	// MaxMessageSize bounds one SIP message; bigger ones are dropped
	// unparsed. Default 65535.
	MaxMessageSize int
	// MaxBodySize bounds a request body; bigger ones get 413. Default 16 KiB.
	MaxBodySize int
	// ShutdownTimeout bounds the graceful part of Run's exit (BYEs,
	// unregistering trunks). Default 5 s.
	ShutdownTimeout time.Duration
}

const (
	algMD5    = "MD5"
	algSHA256 = "SHA-256"
)

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.Addr == "" {
		c.Addr = "0.0.0.0:5060"
	}
	if c.Realm == "" {
		c.Realm = "hotline"
	}
	if c.UserAgent == "" {
		c.UserAgent = "Hotline"
	}
	if c.AuthMaxFailures == 0 {
		c.AuthMaxFailures = 10
	}
	def(&c.AuthFailureWindow, time.Minute)
	def(&c.AuthBanDuration, 10*time.Minute)
	def(&c.NonceLifetime, 5*time.Minute)
	if len(c.DigestAlgorithms) == 0 {
		c.DigestAlgorithms = []string{algSHA256, algMD5}
	}
	if c.DigestLegacyUserAgents == nil {
		c.DigestLegacyUserAgents = []string{"baresip v0.", "baresip v1."}
	}
	def(&c.RegisterMinExpiry, 60*time.Second)
	def(&c.RegisterMaxExpiry, time.Hour)
	def(&c.RegisterDefaultExpiry, 600*time.Second)
	if c.MaxContactsPerUser == 0 {
		c.MaxContactsPerUser = 10
	}
	def(&c.QualifyInterval, 30*time.Second)
	def(&c.QualifyTimeout, 5*time.Second)
	def(&c.InviteTimeout, 3*time.Minute)
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = 65535
	}
	if c.MaxBodySize == 0 {
		c.MaxBodySize = 16 << 10
	}
	def(&c.ShutdownTimeout, 5*time.Second)
	return c
}

func (c Config) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("sip: Addr %q: %w", c.Addr, err))
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		errs = append(errs, errors.New("sip: TLSCertFile and TLSKeyFile must be set together"))
	}
	if strings.ContainsAny(c.Realm, "\"\\\r\n") {
		errs = append(errs, fmt.Errorf("sip: Realm %q has characters a quoted string cannot carry", c.Realm))
	}
	for _, a := range c.DigestAlgorithms {
		if a != algMD5 && a != algSHA256 {
			errs = append(errs, fmt.Errorf("sip: digest algorithm %q is not supported (MD5, SHA-256)", a))
		}
	}
	if c.AuthMaxFailures < 0 || c.AuthFailureWindow < 0 || c.AuthBanDuration < 0 {
		errs = append(errs, errors.New("sip: auth rate limit settings must not be negative"))
	}
	if c.RegisterMinExpiry < time.Second || c.RegisterMaxExpiry < c.RegisterMinExpiry ||
		c.RegisterDefaultExpiry < c.RegisterMinExpiry || c.RegisterDefaultExpiry > c.RegisterMaxExpiry {
		errs = append(errs, fmt.Errorf("sip: registration expiry bounds min=%s default=%s max=%s are inconsistent",
			c.RegisterMinExpiry, c.RegisterDefaultExpiry, c.RegisterMaxExpiry))
	}
	if c.MaxBodySize < 0 || c.MaxMessageSize < 512 || c.MaxContactsPerUser < 1 {
		errs = append(errs, errors.New("sip: size limits are too small"))
	}
	return errors.Join(errs...)
}
