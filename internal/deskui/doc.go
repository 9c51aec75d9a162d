// Package deskui is the live side of Hotline's browser UI (工作台): the
// agent desktop (坐席工作台), the supervisors' wallboard (监控大屏) and the
// outbound campaign pages (外呼任务).
//
// It is one web.Module; New builds it from the domain services and the
// application adds it with UI.AddModule before serving. The pages are server
// rendered in zh-CN and English; the desktop and the wallboard then keep
// themselves current with a small script (static/*.js, no build step, no
// inline scripts) that polls the JSON API every second or two with the
// session cookie and sends the page's CSRF token in X-CSRF-Token:
//
//   - the desktop: GET /api/v1/me/agent for the agent's state and current
//     call; POST /me/agent/state, /me/agent/wrapup/end, /me/call/{action},
//     /me/call/transfer and /me/dial for the controls; GET /api/v1/tasks/due
//     for the follow-up reminders (弹窗提醒); the campaign endpoints for
//     preview dialling and dispositions; and this module's own JSON helpers,
//     GET /desk/api/pop (the screen pop, 弹屏: the customer found for the
//     caller's number in the actor's data scope, the newest items of the
//     contact history, and the campaign's script for campaign calls) and
//     POST /desk/api/notes (a note written during the call), and
//     POST /api/v1/me/calls/{id}/resolution (the caller's issue resolved or
//     not, for first-call resolution);
//   - the wallboard: GET /api/v1/live/queues, /live/agents and /live/calls,
//     GET /api/v1/alerts/status (each queue's early-warning thresholds and
//     open alerts, internal/alert), and POST /live/calls/{id}/monitor to
//     listen, whisper or barge in.
//
// On an automatic (progressive or predictive) campaign call the desktop lets
// the agent choose the result during the call but saves it once the call
// has ended: the dialler stores the call's outcome when the call ends, over
// any result saved before.
//
// The campaign pages list campaigns with their figures, edit them (mode,
// queue, calling hours, retries, pacing limits, the script with objection
// answers and the dispositions), fill the call list from a CRM filter, start,
// pause or finish them, list their contacts, and manage the do-not-call list.
// Every page checks the same permission as the JSON API: any logged-in user
// for the desktop, queues:view for the wallboard, campaigns:view to look at
// campaigns and campaigns:manage to change them.
package deskui
