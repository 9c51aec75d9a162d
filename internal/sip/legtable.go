package sip

import (
	"context"
	"sync"

	gosip "github.com/emiago/sipgo/sip"
)

// dialogKey identifies a dialog from our side. For any request the far end
// sends in a dialog, To carries our tag and From theirs, whichever side
// created the dialog, so one key shape serves inbound and outbound legs.
type dialogKey struct {
	callID, local, remote string
}

func keyOfRequest(req *gosip.Request) dialogKey {
	return dialogKey{callID: req.CallID().Value(), local: tagOf(req.To().Params), remote: tagOf(req.From().Params)}
}

// legTable finds legs by dialog and knows every live leg for shutdown.
type legTable struct {
	mu     sync.RWMutex
	byKey  map[dialogKey]*legCore
	keys   map[*legCore]dialogKey
	active map[*legCore]struct{}
}

func (t *legTable) init() {
	t.byKey = make(map[dialogKey]*legCore)
	t.keys = make(map[*legCore]dialogKey)
	t.active = make(map[*legCore]struct{})
}

// track registers a live leg (not yet routable).
func (t *legTable) track(l *legCore) {
	t.mu.Lock()
	t.active[l] = struct{}{}
	t.mu.Unlock()
	l.s.stats.activeLegs.Add(1)
}

// route makes the leg receive in-dialog requests for k.
func (t *legTable) route(l *legCore, k dialogKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, live := t.active[l]; !live {
		return
	}
	t.byKey[k] = l
	t.keys[l] = k
}

func (t *legTable) get(k dialogKey) *legCore {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.byKey[k]
}

func (t *legTable) remove(l *legCore) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, live := t.active[l]; !live {
		return
	}
	delete(t.active, l)
	if k, ok := t.keys[l]; ok {
		delete(t.byKey, k)
		delete(t.keys, l)
	}
	l.s.stats.activeLegs.Add(-1)
}

// hangupAll ends every live leg in parallel, bounded by ctx.
func (t *legTable) hangupAll(ctx context.Context) {
	t.mu.RLock()
	legs := make([]*legCore, 0, len(t.active))
	for l := range t.active {
		legs = append(legs, l)
	}
	t.mu.RUnlock()
	var wg sync.WaitGroup
	for _, l := range legs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.hangup != nil {
				_ = l.hangup(ctx)
			}
			l.end(HangupCause{By: ByLocal, Kind: CauseShutdown, Reason: "server shutdown"})
		}()
	}
	wg.Wait()
}
