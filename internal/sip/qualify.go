package sip

import (
	"context"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// qualifyParallel bounds how many OPTIONS pings are in flight at once.
const qualifyParallel = 64

func (s *Server) qualifyLoop(ctx context.Context) {
	if s.cfg.QualifyInterval < 0 {
		return
	}
	t := time.NewTicker(s.cfg.QualifyInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.qualifyAll(ctx)
		}
	}
}

func (s *Server) qualifyAll(ctx context.Context) {
	contacts, err := s.registry.All(ctx)
	if err != nil {
		s.log.Error("sip: listing contacts for qualify failed", "error", err)
		return
	}
	sem := make(chan struct{}, qualifyParallel)
	var wg sync.WaitGroup
	for _, c := range contacts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s.Qualify(ctx, c)
		}()
	}
	wg.Wait()
}

// Qualify sends one OPTIONS to a registered contact now, records whether
// it answered within QualifyTimeout, and reports a change with an
// EventReachability. Any response counts: a phone that says 405 is alive.
func (s *Server) Qualify(ctx context.Context, c Contact) bool {
	ok := s.ping(ctx, c)
	if ctx.Err() != nil {
		return ok // shutting down: a missed answer says nothing about the phone
	}
	uctx, cancel := s.requestContext()
	defer cancel()
	updated, changed, err := s.registry.SetReachable(uctx, c.User, c.URI, ok)
	if err != nil {
		s.log.Error("sip: recording reachability failed", "user", c.User, "error", err)
		return ok
	}
	if changed {
		s.log.Info("sip: contact reachability changed", "user", c.User, "contact", c.URI, "reachable", ok)
		s.emit(Event{Kind: EventReachability, User: c.User, Contacts: []Contact{updated}, Reachable: ok})
	}
	return ok
}

func (s *Server) ping(ctx context.Context, c Contact) bool {
	var target gosip.Uri
	if err := gosip.ParseUri(c.URI, &target); err != nil {
		return false
	}
	tp := upperTransport(c.Transport)
	if s.dialogs[tp] == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QualifyTimeout)
	defer cancel()
	req := gosip.NewRequest(gosip.OPTIONS, target)
	req.SetTransport(tp)
	if dest := c.Destination(); dest != "" {
		req.SetDestination(dest)
	}
	if tp == "UDP" {
		req.Laddr = s.udpLaddr
	}
	from := &gosip.FromHeader{Address: gosip.Uri{Scheme: "sip", User: "hotline", Host: s.host}, Params: gosip.NewParams()}
	from.Params.Add("tag", randomHex(8))
	req.AppendHeader(from)
	req.AppendHeader(&gosip.ToHeader{Address: gosip.Uri{Scheme: "sip", User: target.User, Host: target.Host, Port: target.Port}})
	req.AppendHeader(gosip.HeaderClone(&s.dialogs[tp].ContactHDR))
	req.AppendHeader(gosip.NewHeader("User-Agent", s.cfg.UserAgent))
	res, err := s.client.Do(ctx, req)
	return err == nil && res != nil
}
