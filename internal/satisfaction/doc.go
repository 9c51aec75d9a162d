// Package satisfaction is the review process behind the post-call rating
// (满意度管理, DOMAIN.md §5): every "very unsatisfied" rating — a row of
// call_ratings flagged by calllog.SaveRating — becomes a case that
//
//	new → reviewed → call-back assigned → called back → closed
//
// A supervisor listens to the recording and records the reason category
// and the finding (reviewed); assigns the call-back to an after-sales team,
// optionally to one person in it, with a due time (assigned); a member of
// that team calls the customer and records the result — resolved, not
// resolved or unreachable, and an unreachable call-back can be assigned
// again (called back); the supervisor closes the case with the final reason
// and the outcome fed back to the agent (closed). Every step is one row of
// the case's timeline and one audit entry, written in one transaction.
//
// Cases are picked up from the ratings, not pushed by the call layer: PickUp
// inserts a case for every flagged rating that has none (so ratings stored
// before this module existed, or while it was down, are never lost). It runs
// before every read and periodically (Run).
//
// Data scope: a case belongs to the rated call's agent, team and department
// (the rating's columns) and is read through org.Scope.Filter. Members of
// the after-sales team a call-back is assigned to also see the case — even
// outside their normal scope — but may only record the call-back on it.
//
// CSAT figures (by agent, queue, period) are the report module's; this
// package reports on the review process itself (Report).
package satisfaction
