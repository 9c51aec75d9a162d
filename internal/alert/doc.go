// Package alert is Hotline's early warning (预警管理): thresholds per queue
// on the live and recent figures supervisors watch — calls waiting now,
// the longest wait now, the service level and the abandonment rate over
// the last N minutes — each with a warning and a critical level, and the
// alerts they raise, kept as episodes with their start, end and worst
// value.
//
// Rules are data (table alert_rules): one default rule per metric for every
// queue, which a queue's own rule for that metric overrides as a whole.
// The defaults shipped by the migration are the wallboard's former fixed
// thresholds, so the wallboard looks as before out of the box.
//
// The Evaluator reads each queue's live figures from the ACD and the
// windowed ones from the CDRs every two seconds, and runs every
// (queue, metric) through Step, a pure function of the episode's state,
// the figure, the rule and the time. Step opens an episode when the
// figure goes past a level, moves it between warning and critical, and
// closes it when the figure is back on the good side; hysteresis (the
// figure must come back by a margin) and a hold time (a change must last)
// keep a figure that wobbles around a level to one episode. Each change is
// stored (alert_episodes), logged and published on the event bus
// (hotline.alert.<queue id>).
//
// An alert belongs to its queue's department: the API and the pages filter
// every list through the actor's data scope on that department (a
// team-scope user sees the queues of their own department). See
// docs/alerts.md.
package alert
