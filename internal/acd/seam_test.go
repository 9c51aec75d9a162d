package acd

import (
	"encoding/json"
	"fmt"
)

// putCheckState wraps the in-memory State and remembers what was last Put
// for each record, so a test can prove the engine never changes a record
// without publishing it (the contract a shared State relies on).
type putCheckState struct {
	State
	agents map[int64]string
	calls  map[string]string
}

func newPutCheckState() *putCheckState {
	return &putCheckState{State: NewMemState(), agents: map[int64]string{}, calls: map[string]string{}}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (s *putCheckState) PutAgent(a *AgentRecord) {
	s.State.PutAgent(a)
	s.agents[a.Agent.ID] = mustJSON(a)
}

func (s *putCheckState) DeleteAgent(id int64) {
	s.State.DeleteAgent(id)
	delete(s.agents, id)
}

func (s *putCheckState) PutCall(c *CallRecord) {
	s.State.PutCall(c)
	s.calls[c.Call.ID] = mustJSON(c)
}

func (s *putCheckState) DeleteCall(id string) {
	s.State.DeleteCall(id)
	delete(s.calls, id)
}

// unpublished lists records whose current value differs from the last Put.
func (s *putCheckState) unpublished() []string {
	var out []string
	s.State.RangeAgents(func(a *AgentRecord) bool {
		if mustJSON(a) != s.agents[a.Agent.ID] {
			out = append(out, fmt.Sprintf("agent %d", a.Agent.ID))
		}
		return true
	})
	s.State.RangeCalls(func(c *CallRecord) bool {
		if mustJSON(c) != s.calls[c.Call.ID] {
			out = append(out, "call "+c.Call.ID)
		}
		return true
	})
	return out
}
