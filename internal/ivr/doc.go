// Package ivr is Hotline's interactive voice response: call flows kept as
// data (JSON in the database, YAML for provisioning), their validation, and
// the interpreter that runs one flow for one caller.
//
// A Flow is a graph of nodes — play, collect, menu, hours, set, goto_flow,
// transfer, hangup — keyed by id. Validate checks a flow and names the field
// path of every problem ("nodes.main.choices.3: unknown node \"sales2\"").
//
// Run interprets a flow against a Channel supplied by the call layer: the
// channel starts prompt playback without blocking and delivers DTMF keys on a
// Go channel, while the interpreter owns every timeout through an injectable
// Clock. That split keeps timing exact (a menu timeout starts when its prompt
// ends) and lets the next prompt start the instant a key completes a choice.
//
// Type-ahead: keys are read in every wait, including during prompts that
// cannot be interrupted, and kept in order (up to 64 pending keys) for the
// next collect or menu, which then skips its prompt and uses them at once.
// Each key press is one event, so "111" is three keys, never merged, and no
// key is discarded: after invalid input, keys the caller already typed
// after the bad one answer the retry.
//
// FlowStore and PromptStore keep flows and prompts in the database; ParseYAML
// and Apply provision them idempotently from a YAML document.
package ivr
