package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/sip"
	"github.com/hotline-cc/hotline/internal/tts"
)

// accounts gives the registrar the extensions' digest HA1 values.
type accounts struct{ pbx *pbx.Service }

func (a accounts) SIPAccount(ctx context.Context, user string) (sip.Account, error) {
	acct, err := a.pbx.Account(ctx, user)
	if errors.Is(err, pbx.ErrNoAccount) {
		return sip.Account{}, sip.ErrUnknownAccount
	}
	if err != nil {
		return sip.Account{}, err
	}
	return sip.Account{Username: acct.Number, HA1MD5: acct.HA1MD5, HA1SHA256: acct.HA1SHA256, Enabled: acct.Enabled}, nil
}

// trunks tells the SIP layer which sources are trusted carriers.
type trunks struct{ pbx *pbx.Service }

func (t trunks) MatchTrunk(src netip.AddrPort, transport string) (sip.Trunk, bool) {
	tr, err := t.pbx.MatchSource(context.Background(), src.Addr())
	if err != nil || tr == nil {
		return sip.Trunk{}, false
	}
	return sip.Trunk{Name: tr.Name}, true
}

// openTelephony builds the SIP server, media, speech, ACD and call manager.
func (a *App) openTelephony(ctx context.Context) error {
	cfg := a.Cfg
	a.CallLog = calllog.New(a.DB, func(ctx context.Context, subject, typ string, at time.Time, payload any) {
		a.notify(ctx, subject, typ, payload)
	}, a.Log)
	a.closers = append(a.closers, a.CallLog.Close)
	var err error
	a.TTS, err = tts.New(tts.Config{Dir: filepath.Join(cfg.DataDir, "tts"), Espeak: cfg.TTSCommand, Logger: a.Log})
	if err != nil {
		return fmt.Errorf("speech: %w", err)
	}
	if err := a.TTS.Available(ctx); err != nil {
		a.Log.Warn("spoken prompts are off: "+err.Error()+"; upload WAV prompts instead", "err", err)
	}
	ports, err := media.NewPortPool(cfg.RTPPortMin, cfg.RTPPortMax)
	if err != nil {
		return err
	}
	a.SIP, err = sip.New(sip.Config{Addr: cfg.SIPAddr, TLSAddr: cfg.SIPTLSAddr, TLSCertFile: cfg.SIPTLSCert, TLSKeyFile: cfg.SIPTLSKey,
		Realm: pbx.Realm, PublicHost: cfg.SIPPublicHost, UserAgent: "Hotline " + Version,
		AuthMaxFailures: cfg.SIPAuthMaxFailures, AuthFailureWindow: cfg.SIPAuthWindow, AuthBanDuration: cfg.SIPAuthBan,
		// Clients that answer only the first challenge get MD5 alone: old
		// libre (baresip 1.x) and sipp, the load-testing tool.
		DigestLegacyUserAgents: []string{"baresip v0.", "baresip v1.", "sipp"}},
		sip.Deps{Accounts: accounts{a.PBX}, Trunks: trunks{a.PBX}, Logger: a.Log, Observer: sip.ObserverFunc(a.sipEvent)})
	if err != nil {
		return fmt.Errorf("SIP: %w", err)
	}
	a.closers = append(a.closers, a.SIP.Close)
	mediaIP, bindIP, err := a.mediaAddrs()
	if err != nil {
		return err
	}
	var mgr *call.Manager
	a.ACD = acd.New(acd.SystemClock{}, acd.SinkFunc(func(e acd.AgentEvent) { mgr.AgentEvents().AgentEvent(e) }),
		acd.Options{Logger: a.Log, DirectWrapUpSec: 3})
	a.Queues.Engine = a.ACD
	if err := a.Queues.LoadAll(ctx); err != nil {
		return fmt.Errorf("ACD: %w", err)
	}
	audio := call.NewAudio(a.TTS, a.Prompts, cfg.DataDir, a.Log)
	mgr = call.New(call.Deps{SIP: a.SIP, DB: a.DB, PBX: a.PBX, Flows: a.Flows, Audio: audio, ACD: a.ACD, Queues: a.Queues,
		Log: a.CallLog, Recordings: a.Recs, Org: a.Org, Ports: ports, MediaIP: mediaIP, BindIP: bindIP,
		RTPTimeout: cfg.RTPTimeout, AutoReady: true, Logger: a.Log})
	a.Calls = mgr
	mgr.Metrics.Register(a.Registry)
	a.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "hotline_queue_waiting",
		Help: "Callers waiting in all queues of this node."}, func() float64 {
		n := 0
		for _, q := range a.ACD.Snapshot().Queues {
			n += q.Waiting
		}
		return float64(n)
	}))
	for name, f := range map[string]func(sip.Stats) float64{
		"requests":       func(s sip.Stats) float64 { return float64(s.Requests) },
		"malformed":      func(s sip.Stats) float64 { return float64(s.Malformed + s.Unparsable) },
		"auth_failures":  func(s sip.Stats) float64 { return float64(s.AuthFailures) },
		"sources_banned": func(s sip.Stats) float64 { return float64(s.Bans) },
		"handler_panics": func(s sip.Stats) float64 { return float64(s.Panics) },
	} {
		a.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "hotline_sip_" + name + "_total",
			Help: "SIP " + name + " (internal/sip Stats)."}, func() float64 { return f(a.SIP.Stats()) }))
	}
	a.syncTrunks(ctx)
	if n, err := a.Recs.RepairUnfinished(ctx, repairWAV); err != nil {
		a.Log.Warn("recording repair", "err", err)
	} else if n > 0 {
		a.Log.Info("recordings left by a crash repaired", "n", n)
	}
	return nil
}

// syncTrunks makes the outward registrations match the trunks that ask for
// one: started (or restarted with new settings) for enabled registering
// trunks, stopped for the others.
func (a *App) syncTrunks(ctx context.Context) {
	ts, err := a.PBX.Trunks(ctx)
	if err != nil {
		a.Log.Warn("trunks", "err", err)
		return
	}
	a.trunkMu.Lock()
	defer a.trunkMu.Unlock()
	want := map[string]bool{}
	for _, t := range ts {
		if !t.Enabled || !t.Register || t.Host == "" {
			continue
		}
		want[t.Name] = true
		uri := "sip:" + t.Host + ";transport=" + t.Transport
		if err := a.SIP.RegisterTrunk(sip.TrunkRegistration{Name: t.Name, Registrar: uri, Username: t.Username,
			Password: t.Password()}); err != nil {
			a.Log.Warn("trunk registration", "trunk", t.Name, "err", err)
		}
	}
	for name := range a.trunkRegs {
		if !want[name] {
			a.SIP.StopTrunk(ctx, name)
		}
	}
	a.trunkRegs = want
}

// publishQueues pushes each queue's live figures on the bus
// (hotline.queue.<id>, type queue.status) whenever they change, checked
// every second, so wallboards on any node follow without polling the API.
func (a *App) publishQueues(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last := map[int64]string{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, q := range a.ACD.Snapshot().Queues {
			key := fmt.Sprintf("%d/%d/%d/%d/%d/%d/%d", q.Waiting, q.LongestWaitMs/1000, q.Available, q.Busy, q.NotReady,
				q.Answered, q.Abandoned)
			if last[q.ID] == key {
				continue
			}
			last[q.ID] = key
			a.notify(ctx, fmt.Sprintf("hotline.queue.%d", q.ID), "queue.status", q)
		}
	}
}

// sipEvent forwards SIP events to the call manager (agents follow their
// phones) once it exists.
func (a *App) sipEvent(e sip.Event) {
	if a.Calls != nil {
		a.Calls.SIPObserver().SIPEvent(e)
	}
}

// mediaAddrs decides the address in our SDP and the one RTP binds to.
func (a *App) mediaAddrs() (netip.Addr, netip.Addr, error) {
	host, _, err := net.SplitHostPort(a.Cfg.SIPAddr)
	if err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	bind, err := netip.ParseAddr(host)
	if err != nil {
		bind = netip.IPv4Unspecified()
	}
	adv := a.SIP.Host()
	if ip, err := netip.ParseAddr(adv); err == nil {
		return ip, bind, nil
	}
	ips, err := net.LookupIP(adv)
	if err != nil || len(ips) == 0 {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("media address: cannot resolve %q", adv)
	}
	ip, _ := netip.AddrFromSlice(ips[0])
	return ip.Unmap(), bind, nil
}

func repairWAV(path string) (time.Duration, int64, error) {
	frames, err := media.RepairWAV(path)
	if err != nil {
		return 0, 0, err
	}
	return time.Duration(frames) * time.Second / 8000, 44 + frames*4, nil
}
