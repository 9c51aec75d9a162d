// Package telui is the telephony part of Hotline's browser UI (话务): the
// pages operators use to configure extensions (分机), carrier trunks (中继),
// inbound numbers (号码), queues (队列) with their members and the agents'
// skills (技能), IVR flows (IVR 流程) and prompts (语音文件), and to look
// through the call history (通话记录) and the recordings (录音).
//
// It is one web.Module: New builds it from the domain services, and the
// application adds it to the UI with UI.AddModule before serving. Pages call
// the same services as the JSON API (internal/api), check the same
// permissions — telephony:view/manage, queues:view/manage, calls:view,
// recordings:view/delete — and read calls and recordings through the actor's
// data scope.
//
// The IVR flow editor needs no JavaScript toolchain: a flow is edited as YAML
// (or JSON, which YAML reads too) in a textarea; the server validates it with
// ivr.ParseYAML and ivr.Validate and lists every problem with its line and
// field path, warns about unreachable nodes and unknown transfer targets, and
// refuses to overwrite a flow someone else saved meanwhile. A read-only
// outline shows the nodes and their branches for operators.
package telui
