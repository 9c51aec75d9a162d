package pbx

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Trunk is a carrier connection. Inbound calls from TrustedSources are
// accepted without authentication; outbound calls go to Host, answering the
// carrier's digest challenge with Username/Password. With Register set,
// Hotline registers to the carrier with those credentials.
type Trunk struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Host           string    `json:"host"`      // host[:port] of the carrier's SIP server
	Transport      string    `json:"transport"` // udp, tcp or tls
	TrustedSources []string  `json:"trusted_sources"`
	Register       bool      `json:"register"`
	Username       string    `json:"username,omitempty"`
	CallerID       string    `json:"caller_id,omitempty"`   // number presented on outbound calls
	DialPrefix     string    `json:"dial_prefix,omitempty"` // prepended to dialled numbers
	Enabled        bool      `json:"enabled"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`

	password string
}

// Password returns the carrier password (not serialised).
func (t *Trunk) Password() string { return t.password }

// TrunkInput creates or changes a trunk. An empty Password on update keeps
// the current one.
type TrunkInput struct {
	Name           string   `json:"name" yaml:"name"`
	Host           string   `json:"host,omitempty" yaml:"host,omitempty"`
	Transport      string   `json:"transport,omitempty" yaml:"transport,omitempty"`
	TrustedSources []string `json:"trusted_sources,omitempty" yaml:"trusted_sources,omitempty"`
	Register       bool     `json:"register,omitempty" yaml:"register,omitempty"`
	Username       string   `json:"username,omitempty" yaml:"username,omitempty"`
	Password       string   `json:"password,omitempty" yaml:"password,omitempty"`
	CallerID       string   `json:"caller_id,omitempty" yaml:"caller_id,omitempty"`
	DialPrefix     string   `json:"dial_prefix,omitempty" yaml:"dial_prefix,omitempty"`
	Enabled        *bool    `json:"enabled,omitempty" yaml:"enabled,omitempty"`
}

const trunkCols = `id, name, host, transport, trusted_sources, register, username, password, caller_id, dial_prefix, enabled, created_at, updated_at`

func scanTrunk(row interface{ Scan(...any) error }) (*Trunk, error) {
	var t Trunk
	var sources string
	var c, u int64
	err := row.Scan(&t.ID, &t.Name, &t.Host, &t.Transport, &sources, &t.Register, &t.Username, &t.password,
		&t.CallerID, &t.DialPrefix, &t.Enabled, &c, &u)
	if err != nil {
		return nil, err
	}
	t.TrustedSources = []string{}
	if sources != "" {
		t.TrustedSources = strings.Split(sources, ",")
	}
	t.CreatedAt, t.UpdatedAt = store.Time(c), store.Time(u)
	return &t, nil
}

// Trunks lists every trunk.
func (s *Service) Trunks(ctx context.Context) ([]Trunk, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+trunkCols+` FROM trunks ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("pbx: list trunks: %w", err)
	}
	defer rows.Close()
	out := []Trunk{}
	for rows.Next() {
		t, err := scanTrunk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// Trunk returns one trunk.
func (s *Service) Trunk(ctx context.Context, id int64) (*Trunk, error) {
	return s.getTrunk(ctx, s.DB, `id = $1`, id)
}

// TrunkByName returns the trunk called name.
func (s *Service) TrunkByName(ctx context.Context, name string) (*Trunk, error) {
	return s.getTrunk(ctx, s.DB, `name = $1`, name)
}

func (s *Service) getTrunk(ctx context.Context, q store.Querier, cond string, arg any) (*Trunk, error) {
	t, err := scanTrunk(q.QueryRowContext(ctx, `SELECT `+trunkCols+` FROM trunks WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("trunk")
	}
	if err != nil {
		return nil, fmt.Errorf("pbx: get trunk: %w", err)
	}
	return t, nil
}

// MatchSource returns the enabled trunk that trusts addr, or nil.
func (s *Service) MatchSource(ctx context.Context, addr netip.Addr) (*Trunk, error) {
	ts, err := s.Trunks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Enabled && Trusts(ts[i].TrustedSources, addr) {
			return &ts[i], nil
		}
	}
	return nil, nil
}

// Trusts reports whether addr is one of sources (addresses or CIDR prefixes).
func Trusts(sources []string, addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, src := range sources {
		if p, err := netip.ParsePrefix(src); err == nil && p.Contains(addr) {
			return true
		}
		if a, err := netip.ParseAddr(src); err == nil && a.Unmap() == addr {
			return true
		}
	}
	return false
}

func checkTrunkInput(in *TrunkInput) error {
	in.Name = strings.TrimSpace(in.Name)
	if err := valid.Text("name", in.Name, 1, 64); err != nil {
		return err
	}
	if in.Transport == "" {
		in.Transport = "udp"
	}
	if err := valid.OneOf("transport", in.Transport, "udp", "tcp", "tls"); err != nil {
		return err
	}
	if in.Host != "" {
		host := in.Host
		if h, _, err := net.SplitHostPort(in.Host); err == nil {
			host = h
		}
		if host == "" || strings.ContainsAny(host, " /@;") {
			return apperr.Invalid("host", "must be host or host:port of the carrier's SIP server")
		}
	}
	for i, src := range in.TrustedSources {
		src = strings.TrimSpace(src)
		in.TrustedSources[i] = src
		_, perr := netip.ParsePrefix(src)
		_, aerr := netip.ParseAddr(src)
		if perr != nil && aerr != nil {
			return apperr.Invalid(fmt.Sprintf("trusted_sources[%d]", i), "%q is not an IP address or CIDR prefix", src)
		}
	}
	if in.Register && (in.Host == "" || in.Username == "") {
		return apperr.Invalid("register", "registering to a carrier needs host and username")
	}
	if in.Host == "" && len(in.TrustedSources) == 0 {
		return apperr.Invalid("host", "a trunk needs a host (outbound) or trusted sources (inbound)")
	}
	if err := valid.Phone("caller_id", in.CallerID); err != nil {
		return err
	}
	if err := valid.Digits("dial_prefix", in.DialPrefix, 1, 8); err != nil {
		return err
	}
	return valid.Text("username", in.Username, 0, 128)
}

// CreateTrunk adds a trunk.
func (s *Service) CreateTrunk(ctx context.Context, a *org.Actor, in TrunkInput) (*Trunk, error) {
	if err := checkTrunkInput(&in); err != nil {
		return nil, err
	}
	enabled := in.Enabled == nil || *in.Enabled
	var t *Trunk
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO trunks (name, host, transport, trusted_sources, register, username, password,
			caller_id, dial_prefix, enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			in.Name, in.Host, in.Transport, strings.Join(in.TrustedSources, ","), in.Register, in.Username, in.Password,
			in.CallerID, in.DialPrefix, enabled, now).Scan(&id)
		if err := dupErr(err, "name", "a trunk named "+in.Name+" already exists"); err != nil {
			return err
		}
		if t, err = s.getTrunk(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "trunks", id, "trunk "+t.Name, nil, t)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.pbx.trunk", "trunk.created", t)
	return t, nil
}

// UpdateTrunk changes a trunk.
func (s *Service) UpdateTrunk(ctx context.Context, a *org.Actor, id int64, in TrunkInput) (*Trunk, error) {
	if err := checkTrunkInput(&in); err != nil {
		return nil, err
	}
	var after *Trunk
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getTrunk(ctx, tx, `id = $1`, id)
		if err != nil {
			return err
		}
		pw := in.Password
		if pw == "" {
			pw = before.password
		}
		enabled := before.Enabled
		if in.Enabled != nil {
			enabled = *in.Enabled
		}
		_, err = tx.ExecContext(ctx, `UPDATE trunks SET name = $1, host = $2, transport = $3, trusted_sources = $4, register = $5,
			username = $6, password = $7, caller_id = $8, dial_prefix = $9, enabled = $10, updated_at = $11 WHERE id = $12`,
			in.Name, in.Host, in.Transport, strings.Join(in.TrustedSources, ","), in.Register, in.Username, pw,
			in.CallerID, in.DialPrefix, enabled, s.Now().UnixMilli(), id)
		if err := dupErr(err, "name", "a trunk named "+in.Name+" already exists"); err != nil {
			return err
		}
		if after, err = s.getTrunk(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "trunks", id, "trunk "+after.Name, before, after)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.pbx.trunk", "trunk.updated", after)
	return after, nil
}

// DeleteTrunk removes a trunk.
func (s *Service) DeleteTrunk(ctx context.Context, a *org.Actor, id int64) error {
	var before *Trunk
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if before, err = s.getTrunk(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM trunks WHERE id = $1`, id); err != nil {
			return fmt.Errorf("pbx: delete trunk: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "trunks", id, "trunk "+before.Name, before, nil)
	})
	if err == nil {
		s.notify(ctx, "hotline.pbx.trunk", "trunk.deleted", before)
	}
	return err
}
