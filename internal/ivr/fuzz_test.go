package ivr

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParseYAML: any input yields a document or an error, never a panic or
// unbounded work; an accepted document validates and survives a round trip.
func FuzzParseYAML(f *testing.F) {
	f.Add(readProvision(f))
	for _, s := range []string{
		"", "flows:\n", "flows: [~]\n", "flows: &x [*x]\n", "prompts: [{name: a, kind: tts}]\n",
		"flows:\n  - {name: a, start: h, nodes: {h: {type: hangup, prompt: [a, {text: hi, lang: en}]}}}\n",
		"flows:\n  - {name: a, start: h, nodes: {h: {type: menu, prompt: *p, choices: {'#': h}, on_fail: h}}}\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nflows: [*b]\n", "- - - - [",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ParseYAML("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, fl := range doc.Flows {
			if _, err := Validate(fl); err != nil {
				t.Fatalf("accepted an invalid flow: %v", err)
			}
		}
		out, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatalf("marshal an accepted document: %v", err)
		}
		again, err := ParseYAML("again.yaml", out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(doc.Flows, again.Flows) {
			t.Fatalf("round trip differs:\n%s", out)
		}
	})
}

// FuzzParseFlowJSON: the API's flow decoder never panics, and an accepted
// flow re-encodes to the same flow.
func FuzzParseFlowJSON(f *testing.F) {
	for _, fl := range []*Flow{DemoFlow(), menuFlow(), collectFlow(nil)} {
		b, _ := json.Marshal(fl)
		f.Add(b)
	}
	for _, s := range []string{`{}`, `null`, `{"name":"a","start":"x","nodes":{"x":null}}`, `{"nodes":{"x":{"type":"menu","prompt":1}}}`,
		`{"name":"a","start":"x","nodes":{"x":{"type":"hangup","prompt":{"text":"hi","lang":"en"}}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, _, err := ParseFlowJSON(data)
		if err != nil {
			return
		}
		b, err := json.Marshal(fl)
		if err != nil {
			t.Fatal(err)
		}
		again, _, err := ParseFlowJSON(b)
		if err != nil || !reflect.DeepEqual(fl, again) {
			t.Fatalf("round trip: %v\n%s", err, b)
		}
	})
}

// FuzzProbeWAV: uploaded files never panic the header reader.
func FuzzProbeWAV(f *testing.F) {
	f.Add(wav(100))
	f.Add(wav(0))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := ProbeWAV(bytes.NewReader(data))
		if err == nil && (info.SampleRate != PromptSampleRate || info.Channels != 1 || info.Duration < 0) {
			t.Fatalf("accepted %+v", info)
		}
	})
}
