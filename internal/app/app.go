// Package app wires Hotline together: it opens the store, applies
// migrations, builds the domain services, and runs the HTTP (and, with the
// telephony modules, SIP) servers until the context ends. cmd/hotline and the
// end-to-end tests both start Hotline through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/hotline-cc/hotline/examples"
	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/auth"
	"github.com/hotline-cc/hotline/internal/bus"
	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/crmui"
	"github.com/hotline-cc/hotline/internal/deskui"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/provision"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/server"
	"github.com/hotline-cc/hotline/internal/sip"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/telui"
	"github.com/hotline-cc/hotline/internal/tts"
	"github.com/hotline-cc/hotline/internal/web"
)

// Version is set at build time with -ldflags "-X .../internal/app.Version=…".
var Version = "dev"

// App is a running Hotline node's parts.
type App struct {
	Cfg      config.Config
	Log      *slog.Logger
	Out      io.Writer // where first-start credentials are printed
	DB       *store.DB
	Org      *org.Service
	Auth     *auth.Service
	API      *api.API
	PBX      *pbx.Service
	Flows    *ivr.FlowStore
	Prompts  *ivr.PromptStore
	Queues   *queues.Service
	Recs     *recording.Service
	Bus      bus.Bus
	Node     string
	CallLog  *calllog.Log
	TTS      *tts.Engine
	SIP      *sip.Server
	ACD      *acd.Engine
	Calls    *call.Manager
	CRM      *crm.Service
	Dialer   *dialer.Service
	Mgmt     Management // reports, early warning, appraisal, satisfaction, complaints
	UI       *web.UI
	Registry *prometheus.Registry

	httpLn    net.Listener
	closers   []func() error
	trunkMu   sync.Mutex
	trunkRegs map[string]bool
}

// Open builds the app: store, migrations, services, first admin.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) (*App, error) {
	a := &App{Cfg: cfg, Log: log, Out: out, Registry: prometheus.NewRegistry()}
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a.DB = db
	a.closers = append(a.closers, db.Close)
	applied, err := db.Migrate(ctx)
	if err != nil {
		a.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("database migrated", "dialect", db.Dialect, "applied", applied)
	}
	a.Node, _ = os.Hostname()
	a.Bus, err = bus.Open(ctx, cfg.NATSURL, bus.Options{Node: a.Node, Logger: log})
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("event bus: %w", err)
	}
	a.closers = append(a.closers, a.Bus.Close)
	a.Org = org.NewService(db)
	a.Org.Log = log
	a.Org.Notify = a.notify
	if err := a.Org.SyncBuiltinRoles(ctx); err != nil {
		a.Close()
		return nil, err
	}
	a.Auth = auth.New(db, a.Org, cfg.SessionTTL, cfg.LoginMaxFailures, cfg.LoginLockDuration)
	a.Auth.Log = log
	if err := a.firstStart(ctx); err != nil {
		a.Close()
		return nil, err
	}
	a.PBX = pbx.NewService(db)
	a.PBX.Log = log
	a.PBX.Notify = func(ctx context.Context, subject, typ string, payload any) {
		a.notify(ctx, subject, typ, payload)
		if subject == "hotline.pbx.trunk" && a.SIP != nil {
			go a.syncTrunks(context.Background())
		}
	}
	a.Flows, a.Prompts = ivr.NewFlowStore(db), ivr.NewPromptStore(db)
	a.Queues = queues.New(db)
	a.Recs = recording.New(db, filepath.Join(cfg.DataDir, "recordings"))
	a.Recs.Node = a.Node
	a.Recs.Log = log
	a.PBX.Check = a.checkRoute
	if err := a.demo(ctx); err != nil {
		a.Close()
		return nil, err
	}

	if err := a.openTelephony(ctx); err != nil {
		a.Close()
		return nil, err
	}
	a.CRM = crm.New(db, crm.Options{DataDir: cfg.DataDir, Node: a.Node, Log: log})
	a.closers = append(a.closers, a.CRM.Close)
	if err := a.CRM.Start(ctx); err != nil {
		a.Close()
		return nil, err
	}
	a.CallLog.OnCDR = a.customerContacted
	a.Dialer = dialer.New(db, a.Calls, queueAgents{a}, a.CRM, log)
	if err := a.openManagement(ctx); err != nil {
		a.Close()
		return nil, err
	}
	a.API = api.New(api.Deps{DB: db, Org: a.Org, Auth: a.Auth, SecureCookies: cfg.SecureCookies, Version: Version,
		Modules: append([]api.Module{
			api.PBXRoutes{Svc: a.PBX},
			api.QueueRoutes{Svc: a.Queues, Routed: a.PBX.Routes},
			api.IVRRoutes{DB: db, Flows: a.Flows, Prompts: a.Prompts, DataDir: cfg.DataDir, Routed: a.PBX.Routes},
			api.CallRoutes{DB: db, Recordings: a.Recs},
			api.LiveRoutes{DB: db, Org: a.Org, ACD: a.ACD, Calls: a.Calls},
			api.CRMRoutes{Svc: a.CRM},
			api.DialerRoutes{Svc: a.Dialer},
		}, a.managementRoutes()...)})
	a.UI, err = web.New(web.Deps{DB: db, Org: a.Org, Auth: a.Auth, SecureCookies: cfg.SecureCookies, Version: Version, Log: log})
	if err != nil {
		a.Close()
		return nil, err
	}
	if err := a.UI.AddModule(telui.New(telui.Deps{UI: a.UI, DB: a.DB, Org: a.Org, PBX: a.PBX, Queues: a.Queues, Flows: a.Flows,
		Prompts: a.Prompts, Recordings: a.Recs, DataDir: cfg.DataDir, TTS: a.TTS, Log: log})); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.UI.AddModule(crmui.New(a.UI, a.CRM)); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.UI.AddModule(deskui.New(deskui.Deps{UI: a.UI, Org: a.Org, CRM: a.CRM, Dialer: a.Dialer,
		Queues: a.Queues, Log: log})); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.managementUI(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// queueAgents counts the free agents of a queue for the dialer.
type queueAgents struct{ a *App }

func (q queueAgents) Capacity(ctx context.Context, name string) (dialer.Load, error) {
	qu, err := q.a.Queues.ByName(ctx, name)
	if err != nil {
		return dialer.Load{}, err
	}
	st, err := q.a.ACD.QueueStatus(qu.ID)
	if err != nil {
		return dialer.Load{}, err
	}
	l := dialer.Load{Free: st.Available, Waiting: st.Waiting}
	now := time.Now().UnixMilli()
	for _, m := range qu.Members {
		if as, err := q.a.ACD.AgentStatus(m.UserID); err == nil && as.State == acd.OnCall {
			l.Talking = append(l.Talking, time.Duration(now-as.SinceMs)*time.Millisecond)
		}
	}
	return l, nil
}

// customerContacted keeps customers' "last contact" up to date from the
// calls that reached a person (runs on the call log's writer goroutine).
func (a *App) customerContacted(c calllog.CDR, _ []calllog.Leg) {
	if c.Outcome != calllog.OutcomeAnswered {
		return
	}
	number := c.Caller
	if c.Direction != "inbound" {
		number = c.Callee
	}
	if _, err := a.CRM.RecordCallContact(context.Background(), number, c.EndedAt); err != nil {
		a.Log.Warn("customer contact not recorded", "call", c.CallID, "err", err)
	}
}

// notify publishes a domain event on the bus; a failure is logged, never
// fails the change that caused it (which is already committed).
func (a *App) notify(ctx context.Context, subject, typ string, payload any) {
	ev, err := bus.NewEvent(subject, typ, payload)
	if err == nil {
		err = a.Bus.Publish(ctx, ev)
	}
	if err != nil {
		a.Log.Warn("event not published", "subject", subject, "type", typ, "err", err)
	}
}

// Provision applies a provisioning document through the domain services.
func (a *App) Provision(ctx context.Context, doc *provision.Document) (*provision.Report, error) {
	return provision.Apply(ctx, provision.Deps{DB: a.DB, Org: a.Org, PBX: a.PBX, Queues: a.Queues, DataDir: a.Cfg.DataDir},
		doc, org.System())
}

// demo provisions examples/demo.yaml on a database without any telephone
// configuration, when the demo is enabled, and prints the agents' password.
func (a *App) demo(ctx context.Context) error {
	if !a.Cfg.Demo {
		return nil
	}
	exts, err := a.PBX.Extensions(ctx)
	if err != nil || len(exts) > 0 {
		return err
	}
	nums, err := a.PBX.Numbers(ctx)
	if err != nil || len(nums) > 0 {
		return err
	}
	pw := a.Cfg.DemoPassword
	if pw == "" {
		pw = password.Random(12)
	}
	doc, err := provision.Parse("examples/demo.yaml", examples.Demo, func(k string) string {
		if k == "HOTLINE_DEMO_PASSWORD" {
			return pw
		}
		return os.Getenv(k)
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if _, err := a.Provision(ctx, doc); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	shown := "from HOTLINE_DEMO_PASSWORD"
	if a.Cfg.DemoPassword == "" {
		shown = pw + " (shown once)"
	}
	fmt.Fprintf(a.Out, "Demo call center provisioned: agents 1001–1005 (SIP and web logins agent1001…agent1005), "+
		"IVR on 8000, queues sales 8001 and support 8002.\nDemo password: %s\n", shown)
	return nil
}

// checkRoute tells the PBX whether a number's IVR flow or queue exists.
func (a *App) checkRoute(ctx context.Context, kind pbx.RouteKind, target string) error {
	var err error
	switch kind {
	case pbx.RouteIVR:
		_, err = a.Flows.GetByName(ctx, target)
	case pbx.RouteQueue:
		_, err = a.Queues.ByName(ctx, target)
	}
	if err != nil {
		return fmt.Errorf("%s %q does not exist", kind, target)
	}
	return nil
}

// firstStart creates the first administrator on an empty database and prints
// its credentials once.
func (a *App) firstStart(ctx context.Context) error {
	pw, created, err := a.Org.EnsureAdmin(ctx, a.Cfg.AdminPassword)
	if err != nil || !created {
		return err
	}
	if a.Cfg.AdminPassword != "" {
		fmt.Fprintf(a.Out, "Created administrator \"admin\" with the password from HOTLINE_ADMIN_PASSWORD.\n")
	} else {
		fmt.Fprintf(a.Out, "Created administrator \"admin\" with password: %s\n(shown once; change it after logging in)\n", pw)
	}
	return nil
}

// Handler is the root HTTP handler.
func (a *App) Handler() http.Handler {
	return server.Handler(server.Config{DB: a.DB, Auth: a.Auth, Registry: a.Registry, Log: a.Log,
		Parts: []server.Registrar{a.API, a.UI}})
}

// Listen binds the HTTP address (so tests can pass port 0 and read Addr).
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.Cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Cfg.HTTPAddr, err)
	}
	a.httpLn = ln
	return nil
}

// HTTPAddr is the bound HTTP address.
func (a *App) HTTPAddr() string { return a.httpLn.Addr().String() }

// Serve runs until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context) error {
	if a.httpLn == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 3)
	go func() { errc <- srv.Serve(a.httpLn) }()
	sipCtx, stopSIP := context.WithCancel(context.Background())
	defer stopSIP()
	callsCtx, stopCalls := context.WithCancel(context.Background())
	callsDone := make(chan struct{})
	go func() {
		if err := a.SIP.Run(sipCtx); err != nil {
			errc <- fmt.Errorf("SIP: %w", err)
		}
	}()
	go func() { defer close(callsDone); a.Calls.Run(callsCtx) }()
	defer func() {
		// Calls end first (BYE to every party), then SIP stops.
		stopCalls()
		<-callsDone
		stopSIP()
	}()
	if a.Cfg.DebugAddr != "" {
		dbg := &http.Server{Addr: a.Cfg.DebugAddr, Handler: server.DebugHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := dbg.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("debug server: %w", err)
			}
		}()
		defer dbg.Close()
		a.Log.Info("Go profiles served", "addr", a.Cfg.DebugAddr)
	}
	go a.housekeeping(ctx)
	go a.CRM.RunRecycleEvery(ctx, time.Hour)
	go a.Dialer.Run(callsCtx)
	go a.publishQueues(callsCtx)
	a.runManagement(callsCtx)
	fmt.Fprintf(a.Out, "Hotline %s is running: http://%s/ — SIP on %s (UDP and TCP)\n", Version, a.HTTPAddr(), a.SIP.Addr("udp"))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// housekeeping runs periodic clean-up until ctx ends.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := a.Auth.PurgeExpired(ctx); err != nil {
				a.Log.Warn("purge sessions", "err", err)
			} else if n > 0 {
				a.Log.Debug("purged expired sessions", "n", n)
			}
			if ret := a.Cfg.RecordingRetention; ret > 0 {
				if n, err := a.Recs.Purge(ctx, time.Now().Add(-ret)); err != nil {
					a.Log.Warn("recording retention", "err", err)
				} else if n > 0 {
					a.Log.Info("recordings past retention deleted", "n", n)
				}
			}
		}
	}
}

// Close releases everything Open acquired, in reverse order.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	return errors.Join(errs...)
}
