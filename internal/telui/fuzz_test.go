package telui

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzFlowText feeds the flow editor arbitrary text: it never panics,
// every position it reports lies inside the text, and a flow it accepts
// writes back to YAML that reads as the same flow.
func FuzzFlowText(f *testing.F) {
	f.Add("name: f\nstart: a\nnodes:\n  a: {type: hangup}\n")
	f.Add("name: f\nstart: a\nnodes:\n  a: {type: play, prompt: p, next: b}\n")
	f.Add(`{"name": "j", "start": "a", "nodes": {"a": {"type": "menu", "prompt": {"text": "x", "lang": "en"}, "choices": {"1": "a"}}}}`)
	f.Add("---\nname: f\nstart: a\nnodes:\n  a: &x {type: hangup}\n  b: *x\n")
	f.Add("name: [\n")
	f.Add("\ufeffname: f\r\nstart: a\r\n")
	f.Fuzz(func(t *testing.T, text string) {
		c := parseFlowText(text)
		lines := strings.Count(normalizeText(text), "\n") + 2
		for _, is := range append(append([]issue{}, c.Errors...), c.Warnings...) {
			if is.Line < 0 || is.Line > lines || is.Col < 0 {
				t.Fatalf("position %d:%d outside a text of %d lines: %+v", is.Line, is.Col, lines, is)
			}
		}
		if c.Flow == nil {
			if len(c.Errors) == 0 {
				t.Fatal("refused without an error")
			}
			return
		}
		out, err := flowYAML(c.Flow)
		if err != nil {
			t.Fatalf("accepted flow does not write back: %v", err)
		}
		back := parseFlowText(out)
		if back.Flow == nil {
			t.Fatalf("written flow does not read back: %+v\n%s", back.Errors, out)
		}
		if !reflect.DeepEqual(back.Flow, c.Flow) {
			t.Fatalf("round trip changed the flow:\n%s", out)
		}
	})
}
