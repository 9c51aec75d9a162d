// Package config holds Hotline's typed configuration: defaults, environment
// variables and command-line flags, in that order of precedence (flags win).
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything a node needs to start. Field comments name the
// environment variable; docs/configuration.md documents each one.
type Config struct {
	DataDir       string // HOTLINE_DATA_DIR
	HTTPAddr      string // HOTLINE_HTTP_ADDR
	DebugAddr     string // HOTLINE_DEBUG_ADDR: Go profiles (pprof); empty = off
	SIPAddr       string // HOTLINE_SIP_ADDR
	SIPPublicHost string // HOTLINE_SIP_PUBLIC_HOST: address written into Contact/SDP; empty = detected
	SIPTLSAddr    string // HOTLINE_SIP_TLS_ADDR
	SIPTLSCert    string // HOTLINE_SIP_TLS_CERT
	SIPTLSKey     string // HOTLINE_SIP_TLS_KEY
	RTPPortMin    int    // HOTLINE_RTP_PORT_MIN
	RTPPortMax    int    // HOTLINE_RTP_PORT_MAX
	RTPTimeout    time.Duration
	DatabaseURL   string // HOTLINE_DATABASE_URL
	NATSURL       string // HOTLINE_NATS_URL
	AdminPassword string // HOTLINE_ADMIN_PASSWORD
	DemoPassword  string // HOTLINE_DEMO_PASSWORD
	Demo          bool   // HOTLINE_DEMO: provision the demo on an empty database
	LogLevel      string // HOTLINE_LOG_LEVEL
	LogFormat     string // HOTLINE_LOG_FORMAT: text or json
	SecureCookies bool   // HOTLINE_SECURE_COOKIES: set Secure on cookies (behind HTTPS)

	SessionTTL        time.Duration // HOTLINE_SESSION_TTL
	LoginMaxFailures  int           // HOTLINE_LOGIN_MAX_FAILURES
	LoginLockDuration time.Duration // HOTLINE_LOGIN_LOCK_DURATION

	SIPAuthMaxFailures int           // HOTLINE_SIP_AUTH_MAX_FAILURES
	SIPAuthWindow      time.Duration // HOTLINE_SIP_AUTH_WINDOW
	SIPAuthBan         time.Duration // HOTLINE_SIP_AUTH_BAN

	RecordingRetention time.Duration // HOTLINE_RECORDING_RETENTION (0 = keep forever)
	TTSCommand         string        // HOTLINE_TTS_COMMAND: espeak-ng binary

	envErrs []error
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		DataDir:            "./data",
		HTTPAddr:           "127.0.0.1:8080",
		SIPAddr:            "0.0.0.0:5060",
		RTPPortMin:         20000,
		RTPPortMax:         30000,
		RTPTimeout:         60 * time.Second,
		Demo:               true,
		LogLevel:           "info",
		LogFormat:          "text",
		SessionTTL:         12 * time.Hour,
		LoginMaxFailures:   5,
		LoginLockDuration:  15 * time.Minute,
		SIPAuthMaxFailures: 10,
		SIPAuthWindow:      time.Minute,
		SIPAuthBan:         10 * time.Minute,
		RecordingRetention: 0,
		TTSCommand:         "espeak-ng",
	}
}

// ForTest is the configuration tests start a node with: everything on
// loopback with ephemeral ports (never 5060 or 8080), data in dir, no demo,
// and its own slice of RTP ports.
func ForTest(dir string) Config {
	c := Default()
	c.DataDir = dir
	c.HTTPAddr = "127.0.0.1:0"
	c.SIPAddr = "127.0.0.1:0"
	c.Demo = false
	c.RTPPortMin, c.RTPPortMax = 40000, 49999
	return c
}

// Load builds the configuration from defaults, then the environment (getenv),
// then the flags in args. It returns flag.ErrHelp when -h was given.
func Load(args []string, getenv func(string) string) (Config, error) {
	c := Default()
	fs := flag.NewFlagSet("hotline", flag.ContinueOnError)
	c.bind(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := c.finish(); err != nil {
		return c, err
	}
	return c, nil
}

// FlagSet returns the flags bound to c, for subcommands that add their own.
func (c *Config) FlagSet(name string, getenv func(string) string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.bind(fs, getenv)
	return fs
}

// Finish validates c and fills derived defaults; call it after parsing a
// FlagSet made by FlagSet.
func (c *Config) Finish() error { return c.finish() }

func (c *Config) bind(fs *flag.FlagSet, getenv func(string) string) {
	str := func(p *string, name, env, usage string) {
		if v := getenv(env); v != "" {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" ("+env+")")
	}
	num := func(p *int, name, env, usage string) {
		if v := getenv(env); v != "" {
			if n, err := strconv.Atoi(v); err == nil {
				*p = n
			} else {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s: %q is not a number", env, v))
			}
		}
		fs.IntVar(p, name, *p, usage+" ("+env+")")
	}
	dur := func(p *time.Duration, name, env, usage string) {
		if v := getenv(env); v != "" {
			if d, err := time.ParseDuration(v); err == nil {
				*p = d
			} else {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s: %q is not a duration (e.g. 90s, 15m, 720h)", env, v))
			}
		}
		fs.DurationVar(p, name, *p, usage+" ("+env+")")
	}
	boolean := func(p *bool, name, env, usage string) {
		if v := getenv(env); v != "" {
			if b, err := strconv.ParseBool(v); err == nil {
				*p = b
			} else {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s: %q is not true or false", env, v))
			}
		}
		fs.BoolVar(p, name, *p, usage+" ("+env+")")
	}
	str(&c.DataDir, "data-dir", "HOTLINE_DATA_DIR", "directory for the database, recordings and prompts")
	str(&c.HTTPAddr, "http-addr", "HOTLINE_HTTP_ADDR", "address of the web UI and API")
	str(&c.DebugAddr, "debug-addr", "HOTLINE_DEBUG_ADDR", "address serving Go profiles (/debug/pprof/, no login: keep it on loopback); empty = off")
	str(&c.SIPAddr, "sip-addr", "HOTLINE_SIP_ADDR", "SIP address, UDP and TCP")
	str(&c.SIPPublicHost, "sip-public-host", "HOTLINE_SIP_PUBLIC_HOST", "host written into SIP Contact and SDP; empty = detected")
	str(&c.SIPTLSAddr, "sip-tls-addr", "HOTLINE_SIP_TLS_ADDR", "SIP over TLS address; needs a certificate")
	str(&c.SIPTLSCert, "sip-tls-cert", "HOTLINE_SIP_TLS_CERT", "PEM certificate for SIP over TLS")
	str(&c.SIPTLSKey, "sip-tls-key", "HOTLINE_SIP_TLS_KEY", "PEM key for SIP over TLS")
	num(&c.RTPPortMin, "rtp-port-min", "HOTLINE_RTP_PORT_MIN", "lowest RTP port")
	num(&c.RTPPortMax, "rtp-port-max", "HOTLINE_RTP_PORT_MAX", "highest RTP port")
	dur(&c.RTPTimeout, "rtp-timeout", "HOTLINE_RTP_TIMEOUT", "end a call after this long without RTP")
	str(&c.DatabaseURL, "database-url", "HOTLINE_DATABASE_URL", "postgres:// URL, or empty for SQLite in the data dir")
	str(&c.NATSURL, "nats-url", "HOTLINE_NATS_URL", "NATS JetStream URL; empty = in-process event bus")
	str(&c.AdminPassword, "admin-password", "HOTLINE_ADMIN_PASSWORD", "password of the first admin; empty = random, printed once")
	str(&c.DemoPassword, "demo-password", "HOTLINE_DEMO_PASSWORD", "SIP password of the demo agents; empty = random, printed once")
	boolean(&c.Demo, "demo", "HOTLINE_DEMO", "provision the demo on an empty database")
	str(&c.LogLevel, "log-level", "HOTLINE_LOG_LEVEL", "debug, info, warn or error")
	str(&c.LogFormat, "log-format", "HOTLINE_LOG_FORMAT", "text or json")
	boolean(&c.SecureCookies, "secure-cookies", "HOTLINE_SECURE_COOKIES", "mark cookies Secure (serve behind HTTPS)")
	dur(&c.SessionTTL, "session-ttl", "HOTLINE_SESSION_TTL", "idle lifetime of a login session")
	num(&c.LoginMaxFailures, "login-max-failures", "HOTLINE_LOGIN_MAX_FAILURES", "wrong passwords before a user is locked")
	dur(&c.LoginLockDuration, "login-lock-duration", "HOTLINE_LOGIN_LOCK_DURATION", "how long a locked user stays locked")
	num(&c.SIPAuthMaxFailures, "sip-auth-max-failures", "HOTLINE_SIP_AUTH_MAX_FAILURES", "failed SIP authentications per source before it is refused")
	dur(&c.SIPAuthWindow, "sip-auth-window", "HOTLINE_SIP_AUTH_WINDOW", "window in which SIP authentication failures are counted")
	dur(&c.SIPAuthBan, "sip-auth-ban", "HOTLINE_SIP_AUTH_BAN", "how long a source is refused after too many failures")
	dur(&c.RecordingRetention, "recording-retention", "HOTLINE_RECORDING_RETENTION", "delete recordings older than this; 0 keeps them")
	str(&c.TTSCommand, "tts-command", "HOTLINE_TTS_COMMAND", "offline speech synthesiser (espeak-ng)")
}

func (c *Config) finish() error {
	errs := c.envErrs
	c.envErrs = nil
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite://" + filepath.Join(c.DataDir, "hotline.db")
	}
	if _, _, err := net.SplitHostPort(c.DebugAddr); c.DebugAddr != "" && err != nil {
		errs = append(errs, fmt.Errorf("HOTLINE_DEBUG_ADDR %q: %w", c.DebugAddr, err))
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		errs = append(errs, fmt.Errorf("HOTLINE_HTTP_ADDR %q: %w", c.HTTPAddr, err))
	}
	if _, _, err := net.SplitHostPort(c.SIPAddr); err != nil {
		errs = append(errs, fmt.Errorf("HOTLINE_SIP_ADDR %q: %w", c.SIPAddr, err))
	}
	if c.RTPPortMin <= 0 || c.RTPPortMax > 65535 || c.RTPPortMax-c.RTPPortMin < 2 {
		errs = append(errs, fmt.Errorf("RTP port range %d-%d is not usable", c.RTPPortMin, c.RTPPortMax))
	}
	if (c.SIPTLSCert == "") != (c.SIPTLSKey == "") {
		errs = append(errs, errors.New("HOTLINE_SIP_TLS_CERT and HOTLINE_SIP_TLS_KEY must be set together"))
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite://") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, fmt.Errorf("HOTLINE_DATABASE_URL %q: want postgres://… or sqlite://PATH", c.DatabaseURL))
	}
	if c.LoginMaxFailures < 1 {
		errs = append(errs, errors.New("HOTLINE_LOGIN_MAX_FAILURES must be at least 1"))
	}
	return errors.Join(errs...)
}

// Env is os.Getenv, named for call sites.
func Env(k string) string { return os.Getenv(k) }
