package ivr

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func readProvision(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/provision.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseYAML(t *testing.T) {
	doc, err := ParseYAML("provision.yaml", readProvision(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Prompts) != 2 || len(doc.Flows) != 2 || len(doc.Warnings) != 0 {
		t.Fatalf("doc %+v", doc)
	}
	main, billing := doc.Flows[0], doc.Flows[1]
	menu := main.Nodes["menu"]
	if !reflect.DeepEqual(menu.Choices, map[string]string{"1": "sales", "2": "billing", "#": "operator"}) {
		t.Errorf("choices %v", menu.Choices)
	}
	if menu.Timeout != 5*Second || *menu.Retries != 2 || menu.Prompt[1].Lang != "en" {
		t.Errorf("menu %+v", menu)
	}
	hours := main.Nodes["hours"]
	if hours.Holidays[0].Date != "2025-10-01" || hours.Workdays[0].Date != "2025-09-28" || hours.Weekly["wed"][1] != "13:00-18:00" {
		t.Errorf("hours %+v", hours)
	}
	if main.Nodes["operator"].Target != "8001" || main.Nodes["closed"].Prompt[0].Name != "hold" {
		t.Errorf("scalars %+v %+v", main.Nodes["operator"], main.Nodes["closed"])
	}
	acct := billing.Nodes["acct"]
	if acct.FirstDigitTimeout != 6*Second || acct.InterDigitTimeout.D() != 2500*time.Millisecond || acct.Terminator != "#" {
		t.Errorf("collect %+v", acct)
	}
	// The parsed hours behave: the holiday is closed, the make-up Sunday open.
	if open, _ := hours.OpenAt(time.Date(2025, 9, 28, 10, 0, 0, 0, shanghai)); !open {
		t.Error("make-up workday closed")
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	doc, err := ParseYAML("provision.yaml", readProvision(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseYAML("out.yaml", out)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(doc.Flows, again.Flows) || !reflect.DeepEqual(doc.Prompts, again.Prompts) {
		t.Fatalf("round trip differs:\n%s", out)
	}
	// JSON (the stored form) round-trips too.
	for _, f := range doc.Flows {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := ParseFlowJSON(b)
		if err != nil || !reflect.DeepEqual(f, g) {
			t.Fatalf("JSON round trip of %s: %v\n%s", f.Name, err, b)
		}
	}
}

func TestYAMLErrorsHaveLines(t *testing.T) {
	const head = "flows:\n  - name: main\n    start: m\n    nodes:\n"
	menu := head + "      m:\n        type: menu\n        prompt: m\n        choices:\n          1: sales\n"
	for _, c := range []struct {
		name, doc, want string
	}{
		{"unknown choice target", menu + "          3: sales2\n        on_fail: sales\n      sales: {type: hangup}\n",
			`t.yaml:10:14: flow "main": nodes.m.choices.3: unknown node "sales2"`},
		{"missing required field reported at its node", menu + "      sales: {type: hangup}\n",
			`t.yaml:6:9: flow "main": nodes.m.on_fail: is required`},
		{"unknown field", menu + "        choises: {}\n",
			`t.yaml:10: field choises not found`},
		{"bad duration", menu + "        timeout: 5 seconds\n",
			`t.yaml:10: invalid duration "5 seconds"`},
		{"bad prompt field", menu + "        invalid_prompt: {txt: hi}\n",
			`t.yaml:10: unknown prompt field "txt"`},
		{"syntax error", head + "      m: [\n",
			`t.yaml:`},
		{"timeout out of range", menu + "        timeout: 2m\n        on_fail: sales\n      sales: {type: hangup}\n",
			`t.yaml:10:18: flow "main": nodes.m.timeout: 2m0s is out of range`},
		{"bad weekly range", head + "      h:\n        type: hours\n        timezone: Asia/Shanghai\n        weekly:\n          mon: [\"18:00-09:00\"]\n        open: h2\n        closed: h2\n      h2: {type: hangup}\n",
			`t.yaml:9:17: flow "main": nodes.h.weekly.mon.0: time range "18:00-09:00" must end after it starts`},
		{"duplicate flow", "flows:\n  - {name: a, start: h, nodes: {h: {type: hangup}}}\n  - {name: a, start: h, nodes: {h: {type: hangup}}}\n",
			`t.yaml:3:12: flow "a" is defined twice`},
		{"bad prompt", "prompts:\n  - name: p\n    kind: upload\n    file: ../x.wav\n",
			`t.yaml:4:11: prompt "p": file: must be a relative path inside the data directory`},
		{"two documents", "flows: []\n---\nflows: []\n", `t.yaml:2: only one YAML document is allowed`},
		{"empty", "", `t.yaml: document is empty`},
		{"not a mapping", "- a\n", `t.yaml:1: the document must be a mapping`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseYAML("t.yaml", []byte(c.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error\n%s\nwant it to contain\n%s", err, c.want)
			}
			if apperr.KindOf(err) != apperr.KindInvalid {
				t.Fatalf("not classified invalid: %v", err)
			}
		})
	}
}

// TestYAMLAliasBomb: a "billion laughs" document is refused quickly. yaml.v3
// (v3.0.1) refuses excessive aliasing while decoding ("document contains
// excessive aliasing"); parseTree also bounds the expanded node count
// itself, before any decoding into Go values.
func TestYAMLAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	// yaml.v3 itself refuses it when decoding into Go values ...
	var v any
	if err := yaml.Unmarshal([]byte(b.String()), &v); err == nil || !strings.Contains(err.Error(), "excessive aliasing") {
		t.Fatalf("yaml.v3 alias limit: %v", err)
	}
	// ... and ParseYAML refuses it before decoding, by counting nodes.
	b.WriteString("flows: [*a9]\n")
	start := time.Now()
	_, err := ParseYAML("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Fatalf("alias bomb: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Logf("alias bomb took %v", d) // informative only: timing is not asserted
	}
	// A self-referencing anchor is refused, not followed for ever.
	if _, err := ParseYAML("self.yaml", []byte("flows: &x [*x]\n")); err == nil {
		t.Fatal("self-referencing alias accepted")
	}
}

// wav builds an 8 kHz mono 16-bit PCM WAV of n samples.
func wav(n int) []byte {
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1))
	w(uint16(1))
	w(uint32(8000))
	w(uint32(16000))
	w(uint16(2))
	w(uint16(16))
	b.WriteString("data")
	w(uint32(2 * n))
	b.Write(make([]byte, 2*n))
	return b.Bytes()
}

func TestApply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "prompts"), 0o755)
		if err := os.WriteFile(filepath.Join(dir, "prompts", "hold.wav"), wav(12000), 0o644); err != nil {
			t.Fatal(err)
		}
		opt := ApplyOptions{By: "provision", DataDir: dir}
		apply := func(data []byte) *ApplyReport {
			t.Helper()
			doc, err := ParseYAML("provision.yaml", data)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Apply(ctx, db, doc, opt)
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		data := readProvision(t)
		rep := apply(data)
		want := &ApplyReport{Created: []string{"prompt:welcome", "prompt:hold", "flow:main", "flow:billing"}, Updated: []string{}, Unchanged: []string{}}
		if !reflect.DeepEqual(rep, want) {
			t.Fatalf("first apply %+v", rep)
		}
		hold := must[*StoredPrompt](t)(NewPromptStore(db).GetByName(ctx, "hold"))
		if hold.DurationMS != 1500 || hold.Size != int64(len(wav(12000))) {
			t.Fatalf("hold measured as %d ms, %d bytes", hold.DurationMS, hold.Size)
		}

		rep = apply(data)
		want = &ApplyReport{Created: []string{}, Updated: []string{}, Unchanged: []string{"prompt:welcome", "prompt:hold", "flow:main", "flow:billing"}}
		if !reflect.DeepEqual(rep, want) {
			t.Fatalf("second apply %+v", rep)
		}
		fs := NewFlowStore(db)
		if sf := must[*StoredFlow](t)(fs.GetByName(ctx, "billing")); sf.Version != 1 {
			t.Fatalf("unchanged flow got version %d", sf.Version)
		}

		rep = apply(bytes.Replace(data, []byte("target: billing}"), []byte("target: billing_vip}"), 1))
		if !reflect.DeepEqual(rep.Updated, []string{"flow:billing"}) || len(rep.Unchanged) != 3 {
			t.Fatalf("third apply %+v", rep)
		}
		if sf := must[*StoredFlow](t)(fs.GetByName(ctx, "billing")); sf.Version != 2 || sf.UpdatedBy != "provision" {
			t.Fatalf("updated flow: version %d by %q", sf.Version, sf.UpdatedBy)
		}
		// The references were recorded: billing is in use by main.
		b := must[*StoredFlow](t)(fs.GetByName(ctx, "billing"))
		wantErr(t, fs.Delete(ctx, b.ID), apperr.KindConflict, "in_use")

		// A failing document changes nothing.
		bad := "prompts:\n  - {name: fresh, kind: tts, language: en, text: hi}\nflows:\n  - {name: x, start: g, nodes: {g: {type: goto_flow, flow: nosuch}}}\n"
		doc, err := ParseYAML("bad.yaml", []byte(bad))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Apply(ctx, db, doc, opt)
		wantErr(t, err, apperr.KindInvalid, "nodes.g.flow")
		if _, err := NewPromptStore(db).GetByName(ctx, "fresh"); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("prompt of a failed apply exists: %v", err)
		}
		// Upload prompts need their file.
		os.Remove(filepath.Join(dir, "prompts", "hold.wav"))
		doc, _ = ParseYAML("provision.yaml", data)
		if _, err := Apply(ctx, db, doc, opt); apperr.KindOf(err) != apperr.KindInvalid || !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "no such file") {
			t.Fatalf("missing file: %v", err)
		}
	})
}
