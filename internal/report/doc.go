// Package report computes the 23 operating metrics of a call center
// (DOMAIN.md §2, docs/metrics.md) from the recorded facts — CDRs and legs
// derived from the call event log, agent state changes, ratings, shifts —
// and serves them as interval reports grouped and filtered as managers
// ask. Rollups per 15-minute bucket and per day keep month-long reports
// fast; they are derived data, recomputed from the records whenever a
// bucket changes, and never a second truth about a call.
package report
