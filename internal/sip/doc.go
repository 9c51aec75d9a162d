// Package sip is Hotline's SIP signalling layer, built on sipgo: a registrar
// for agents' phones, a factory of call legs for the B2BUA, and a client
// that registers to carriers. It knows nothing of queues, IVR or media: SDP
// passes through it as opaque bytes.
//
// # Server
//
// New binds UDP and TCP on one port (and TLS when a certificate is
// configured); Run serves until its context ends and then shuts down
// gracefully. Collaborators are interfaces: Accounts (HA1 per username),
// Trunks (which source addresses are trusted carriers), Registry (where
// bindings live; MemoryRegistry for one node) and Observer (registrations,
// authentication failures, bans, reachability, trunk registration state).
//
// # Registrar and security
//
// REGISTER and INVITE from anything but a trusted trunk are challenged with
// digest authentication (RFC 7616/8760): one challenge per configured
// algorithm, SHA-256 first, MD5 for older phones, qop=auth. Some clients
// fail outright when any challenge is not MD5 (libre 1.x, hence baresip
// 1.x; sipp 3.6 takes only the topmost): DigestLegacyUserAgents lists the
// User-Agents that get MD5 alone, and DigestAlgorithms can put MD5 first
// for a fleet that needs it. Nonces are an
// HMAC over their issue time, so any node with the key verifies them
// without state; an expired nonce with a correct response gets stale=true.
// Wrong credentials, unknown and disabled users are answered 403 and
// counted per source IP; AuthMaxFailures within AuthFailureWindow ban the
// IP for AuthBanDuration, during which its REGISTERs and INVITEs get 403
// without a challenge (other methods, calls already up and INVITEs from
// trusted trunks are unaffected).
//
// A binding records both the Contact the phone advertised and the address
// the REGISTER really came from. Everything sent to a phone goes to the
// observed address over the transport (and TCP/TLS connection) it used,
// so phones behind NAT work; responses carry received/rport (RFC 3581).
// Registered contacts are sent OPTIONS every QualifyInterval; one that does
// not answer is marked unreachable (EventReachability), which the ACD uses
// to stop offering calls to that agent.
//
// # Legs
//
// A call through Hotline is two independent SIP dialogs, each a leg:
//
//	caller ──INVITE──▶ InboundLeg   [owner: internal/call]   OutboundLeg ──INVITE──▶ agent phone
//
// The package never connects legs; the owner does, which is what makes it
// a back-to-back user agent rather than a proxy: each leg has its own
// Call-ID, tags, CSeq space and SDP, and the owner decides what one leg's
// events mean for the other. A typical inbound call:
//
//	srv.OnInvite(func(ctx context.Context, in *sip.InboundLeg) {
//		in.Ringing()
//		// ... IVR and queueing; answer early if prompts or music play:
//		//     in.Answer(ctx, ivrSDP)
//		cs, _ := srv.Contacts(ctx, agent) // pick a Reachable one
//		out, err := srv.Dial(ctx, sip.DialRequest{Contact: &cs[0], SDP: offer,
//			FromUser: in.From().User, FromDisplay: in.From().Display,
//			MaxForwards: in.MaxForwards() - 1,
//			OnProgress: func(p sip.Progress) {
//				if p.Code == 180 {
//					in.Ringing()
//				}
//			}})
//		if err != nil || out.Wait(ctx) != nil {
//			in.Reject(486, "Busy Here")
//			return
//		}
//		in.Answer(ctx, answerFor(out.RemoteSDP()))
//		select { // whoever hangs up first, the other leg follows
//		case <-in.Done():
//			out.Hangup(ctx)
//		case <-out.Done():
//			in.Hangup(ctx)
//		}
//	})
//
// The handler owns the inbound leg: if it returns before answering, the
// call is rejected with 480; after answering, the leg lives until someone
// hangs up, whether or not the handler still runs.
//
// Each leg reports how it ended (HangupCause: who, how, SIP code), relays
// in-dialog requests to callbacks — re-INVITE (hold from a phone), INFO
// (DTMF), REFER (blind transfer, with NOTIFY progress the owner reports) —
// and can itself send re-INVITE (put the far end on hold) and INFO. The far
// end's in-dialog requests reach the leg in its CSeq order, one at a time,
// although sipgo handles every message on its own goroutine; our own
// responses on a leg leave in the order the owner makes them, so 180
// always precedes 200.
//
// # Robustness
//
// Every request is validated before routing: missing headers and bad
// syntax get 400, unknown methods 501, unsupported ones 405, oversized
// bodies 413, Require'd extensions 420, Max-Forwards 0 483, our own Via
// coming back 482. Messages sipgo cannot parse are dropped and counted
// (Stats.Unparsable); a panic in handling is recovered, answered 500 and
// counted.
package sip
