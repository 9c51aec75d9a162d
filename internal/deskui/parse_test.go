package deskui_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/deskui"
	"github.com/hotline-cc/hotline/internal/dialer"
)

func TestParseObjections(t *testing.T) {
	got, err := deskui.ParseObjections("太贵了 = 有试用\r\n\n  没时间=两分钟 = 说完 \n")
	want := []dialer.Objection{{Objection: "太贵了", Answer: "有试用"}, {Objection: "没时间", Answer: "两分钟 = 说完"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v %v", got, err)
	}
	if got, err := deskui.ParseObjections(" \n "); err != nil || len(got) != 0 {
		t.Fatalf("blank: %+v %v", got, err)
	}
	for _, c := range []struct {
		in     string
		line   int
		reason string
	}{
		{"a = b\nno equals", 2, "desk.err.line.no_equals"},
		{"\n\n = answer", 3, "desk.err.line.objection_empty"},
		{"question =", 1, "desk.err.line.objection_empty"},
		{strings.Repeat("a = b\n", 201), 201, "desk.err.line.too_many"},
	} {
		_, err := deskui.ParseObjections(c.in)
		var le *deskui.LineError
		if !errors.As(err, &le) || le.Line != c.line || le.Reason != c.reason {
			t.Errorf("%q: %v, want line %d %s", c.in, err, c.line, c.reason)
		}
	}
	// What is written is read back.
	back, err := deskui.ParseObjections(deskui.FormatObjections(want))
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
}

func TestParseDispositions(t *testing.T) {
	got, err := deskui.ParseDispositions("sale | 成交 Sale | success final\n\nmaybe\nstop | 拒绝 | FINAL, dnc\nlater | | retry")
	want := []dialer.Disposition{{Key: "sale", Label: "成交 Sale", Success: true, Final: true}, {Key: "maybe", Label: "maybe"},
		{Key: "stop", Label: "拒绝", Final: true, DNC: true}, {Key: "later", Label: "later", Retry: true}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v %v", got, err)
	}
	if got, err := deskui.ParseDispositions(""); err != nil || got != nil {
		t.Fatalf("empty means the defaults: %+v %v", got, err)
	}
	for _, c := range []struct {
		in     string
		line   int
		reason string
	}{
		{"a | b | c | d", 1, "desk.err.line.disp_parts"},
		{"ok\nNot A Key | x", 2, "desk.err.line.disp_key"},
		{"a\nb\na", 3, "desk.err.line.disp_dup"},
		{"a | b | sold", 1, "desk.err.line.disp_flag"},
		{" | label", 1, "desk.err.line.disp_key"},
	} {
		_, err := deskui.ParseDispositions(c.in)
		var le *deskui.LineError
		if !errors.As(err, &le) || le.Line != c.line || le.Reason != c.reason {
			t.Errorf("%q: %v, want line %d %s", c.in, err, c.line, c.reason)
		}
	}
	back, err := deskui.ParseDispositions(deskui.FormatDispositions(dialer.DefaultDispositions))
	if err != nil || !reflect.DeepEqual(back, dialer.DefaultDispositions) {
		t.Fatalf("the defaults do not survive the form: %+v %v", back, err)
	}
	// A label with the separator keeps its line.
	back, err = deskui.ParseDispositions(deskui.FormatDispositions([]dialer.Disposition{{Key: "x", Label: "a | b\nc"}}))
	if err != nil || len(back) != 1 || back[0].Label != "a / b c" {
		t.Fatalf("label with | and a line break: %+v %v", back, err)
	}
}

func TestParseHourRanges(t *testing.T) {
	got, bad := deskui.ParseHourRanges("09:00-12:00, 13:30-21:00；\n22:00-24:00")
	if bad != "" || strings.Join(got, " ") != "09:00-12:00 13:30-21:00 22:00-24:00" {
		t.Fatalf("got %v, bad %q", got, bad)
	}
	for _, in := range []string{"9-5", "12:00-09:00", "25:00-26:00", "09:00-12:00,10:00", "09:00-12:00junk"} {
		if _, bad := deskui.ParseHourRanges(in); bad == "" {
			t.Errorf("%q accepted", in)
		}
	}
	if got, bad := deskui.ParseHourRanges("  "); bad != "" || len(got) != 0 {
		t.Fatalf("blank: %v %q", got, bad)
	}
}

func TestScriptLineBreaks(t *testing.T) {
	s := deskui.EncodeScript("  第一行\r\n第二行\r第三行\t! \n")
	if s != "第一行\n第二行\n第三行 !" {
		t.Fatalf("encoded script %q", s)
	}
	if got := deskui.DecodeScript("a\u2028b"); got != "a\nb" {
		t.Fatalf("legacy line separator decoded as %q", got)
	}
	if got := deskui.DecodeScript(s); got != "第一行\n第二行\n第三行 !" {
		t.Fatalf("decoded %q", got)
	}
}

func FuzzParseObjections(f *testing.F) {
	f.Add("太贵了 = 有试用\n没时间 = 两分钟")
	f.Add("=\n=\n")
	f.Add("\r\r\n = x")
	f.Fuzz(func(t *testing.T, s string) {
		os, err := deskui.ParseObjections(s)
		if err != nil {
			var le *deskui.LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, o := range os {
			if o.Objection == "" || o.Answer == "" {
				t.Fatalf("empty entry from %q", s)
			}
		}
	})
}

func FuzzParseDispositions(f *testing.F) {
	f.Add("sale | 成交 | success final\nno | 不要 | final dnc")
	f.Add("a|b|c|d")
	f.Add("x | y | retry,,,")
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := deskui.ParseDispositions(s)
		if err != nil {
			var le *deskui.LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, d := range ds {
			if d.Key == "" || seen[d.Key] || d.Label == "" {
				t.Fatalf("bad entry %+v from %q", d, s)
			}
			seen[d.Key] = true
		}
		// Written back, the list reads the same.
		back, err := deskui.ParseDispositions(deskui.FormatDispositions(ds))
		if err != nil || len(back) != len(ds) {
			t.Fatalf("round trip of %+v: %+v %v", ds, back, err)
		}
	})
}

func FuzzParseHourRanges(f *testing.F) {
	f.Add("09:00-12:00, 13:30-21:00")
	f.Add("24:00-24:59")
	f.Fuzz(func(t *testing.T, s string) {
		rs, bad := deskui.ParseHourRanges(s)
		if bad != "" {
			return
		}
		if _, err := dialer.ParseHours("UTC", []string{"mon"}, rs); err != nil {
			t.Fatalf("accepted %q but the dialer refuses it: %v", s, err)
		}
	})
}
