package ivr

import (
	"bytes"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Prompt is one thing to say: a stored prompt by Name (an uploaded 8 kHz WAV
// or a stored TTS text, see PromptStore), or inline Text to synthesise in
// Lang. Written as a plain string for a stored prompt and as
// {text: "...", lang: "zh-CN"} for inline text.
//
// Inline text may use {{variable}} templates; the interpreter expands them
// and fills an empty Lang from the "language" variable before Play.
type Prompt struct {
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	Text string `json:"text,omitempty" yaml:"text,omitempty"`
	Lang string `json:"lang,omitempty" yaml:"lang,omitempty"`
}

// IsTTS reports whether p is inline text rather than a stored prompt.
func (p Prompt) IsTTS() bool { return p.Name == "" }

func (p Prompt) String() string {
	if p.Name != "" {
		return p.Name
	}
	return fmt.Sprintf("tts[%s]%q", p.Lang, p.Text)
}

// MarshalJSON writes a stored prompt as its name and inline text as an object.
func (p Prompt) MarshalJSON() ([]byte, error) {
	if p.Name != "" && p.Text == "" && p.Lang == "" {
		return json.Marshal(p.Name)
	}
	type plain Prompt
	return json.Marshal(plain(p))
}

// UnmarshalJSON reads a name or an object with name, or text and lang.
func (p *Prompt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*p = Prompt{}
		return json.Unmarshal(b, &p.Name)
	}
	type plain Prompt
	var v plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("prompt must be a stored prompt name or {\"text\": ..., \"lang\": ...}: %w", err)
	}
	*p = Prompt(v)
	return nil
}

// MarshalYAML writes a stored prompt as its name and inline text as a mapping.
func (p Prompt) MarshalYAML() (any, error) {
	if p.Name != "" && p.Text == "" && p.Lang == "" {
		return p.Name, nil
	}
	type plain Prompt
	return plain(p), nil
}

// UnmarshalYAML reads a name or a mapping with name, or text and lang. It
// walks the node itself (no nested Decode) so that alias limits hold.
func (p *Prompt) UnmarshalYAML(n *yaml.Node) error {
	n = resolveAlias(n)
	*p = Prompt{}
	switch n.Kind {
	case yaml.ScalarNode:
		p.Name = n.Value
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolveAlias(n.Content[i+1])
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: prompt %s must be text", v.Line, k.Value)
			}
			switch k.Value {
			case "name":
				p.Name = v.Value
			case "text":
				p.Text = v.Value
			case "lang":
				p.Lang = v.Value
			default:
				return fmt.Errorf("line %d: unknown prompt field %q (want name, or text and lang)", k.Line, k.Value)
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: prompt must be a stored prompt name or {text: ..., lang: ...}", n.Line)
}

// Prompts is a sequence of prompts played one after another. It may be
// written as one prompt or as a list.
type Prompts []Prompt

// maxPromptList bounds one prompt list while decoding, before validation.
const maxPromptList = 20

// UnmarshalJSON reads one prompt or a list.
func (ps *Prompts) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*ps = nil
		return nil
	}
	if len(b) > 0 && b[0] == '[' {
		var list []Prompt
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*ps = nil // an empty list is no prompt, as if omitted
		if len(list) > 0 {
			*ps = list
		}
		return nil
	}
	var p Prompt
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*ps = Prompts{p}
	return nil
}

// UnmarshalYAML reads one prompt or a list.
func (ps *Prompts) UnmarshalYAML(n *yaml.Node) error {
	n = resolveAlias(n)
	if n.Kind != yaml.SequenceNode {
		var p Prompt
		if err := p.UnmarshalYAML(n); err != nil {
			return err
		}
		*ps = Prompts{p}
		return nil
	}
	if len(n.Content) > maxPromptList {
		return fmt.Errorf("line %d: at most %d prompts in a list", n.Line, maxPromptList)
	}
	if len(n.Content) == 0 {
		*ps = nil // an empty list is no prompt, as if omitted
		return nil
	}
	out := make(Prompts, len(n.Content))
	for i, item := range n.Content {
		if err := out[i].UnmarshalYAML(item); err != nil {
			return err
		}
	}
	*ps = out
	return nil
}

// resolveAlias follows an alias node to its anchor (one step: an anchor
// cannot itself be an alias).
func resolveAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}
