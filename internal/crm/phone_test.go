package crm

import (
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	ok := []struct{ in, e164, national string }{
		{"13800138000", "+8613800138000", "13800138000"},
		{"138 0013 8000", "+8613800138000", "13800138000"},
		{"+86 138-0013-8000", "+8613800138000", "13800138000"},
		{"+86 (138) 0013.8000", "+8613800138000", "13800138000"},
		{"008613800138000", "+8613800138000", "13800138000"},
		{"8613800138000", "+8613800138000", "13800138000"},
		{"013800138000", "+8613800138000", "13800138000"},
		{"１３８００１３８０００", "+8613800138000", "13800138000"},
		{"＋86 138 0013 8000", "+8613800138000", "13800138000"},
		{"021-12345678", "+862112345678", "02112345678"},
		{"(021) 1234 5678", "+862112345678", "02112345678"},
		{"（021）12345678", "+862112345678", "02112345678"},
		{"010-88886666", "+861088886666", "01088886666"},
		{"0755-1234567", "+867551234567", "07551234567"},
		{"0571 8765 4321", "+8657187654321", "057187654321"},
		{"+86 21 1234 5678", "+862112345678", "02112345678"},
		{"+86 021 1234 5678", "+862112345678", "02112345678"},
		{"400-810-8888", "+864008108888", "4008108888"},
		{"+1 415 555 2671", "+14155552671", "0014155552671"},
		{"0044 20 7946 0958", "+442079460958", "00442079460958"},
	}
	for _, c := range ok {
		p, err := NormalizePhone(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if p.E164 != c.e164 || p.National != c.national {
			t.Errorf("%q: got %+v, want %s %s", c.in, p, c.e164, c.national)
		}
	}
	bad := []struct{ in, msg string }{
		{"", "empty"},
		{"abc", "not part of a phone number"},
		{"12345678", "too short"},
		{"1380013800", "11 digits"},
		{"138001380001", "11 digits"},
		{"12800138000", "not a Chinese mobile"},
		{"23800138000", "not a mobile"},
		{"021-123", "not a mobile"},
		{"138-0013-8000 转 123", "extension"},
		{"021-12345678 ext 9", "extension"},
		{"+0 123 456 789", "cannot start with 0"},
		{"+1 234", "8 to 15 digits"},
		{"+1 2345 6789 0123 4567", "8 to 15 digits"},
		{"138*0013*8000", "not part of a phone number"},
		{"---", "no digits"},
	}
	for _, c := range bad {
		_, err := NormalizePhone(c.in)
		if err == nil {
			t.Errorf("%q: accepted", c.in)
			continue
		}
		if CodeOf(err) != CodeBadPhone || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: error %q (code %s), want it to mention %q", c.in, err, CodeOf(err), c.msg)
		}
	}
}

func TestNormalizePhonesSplitsAndDedupes(t *testing.T) {
	ps, err := NormalizePhones([]string{"138 0013 8000；021-12345678", "+8613800138000", "0755-1234567/13900139000"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.E164)
	}
	want := "+8613800138000 +862112345678 +867551234567 +8613900139000"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %v, want %s", got, want)
	}
	if _, err := NormalizePhones([]string{"13800138000, 12"}); err == nil {
		t.Fatal("a bad number in a list was accepted")
	}
}

func TestVariants(t *testing.T) {
	p, _ := NormalizePhone("13800138000")
	want := "+8613800138000 8613800138000 008613800138000 13800138000 013800138000"
	if got := strings.Join(p.Variants(), " "); got != want {
		t.Fatalf("variants %s, want %s", got, want)
	}
}

// FuzzNormalizePhone: any input gives a number or a classified error, never
// a panic, and a normalised number normalises to itself.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"138 0013 8000", "+86 138-0013-8000", "021-12345678", "00441234567890", "转", "+", "0", "１３８"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePhone(s)
		if err != nil {
			if CodeOf(err) == "" {
				t.Fatalf("%q: unclassified error %v", s, err)
			}
			return
		}
		q, err := NormalizePhone(p.E164)
		if err != nil || q != p {
			t.Fatalf("%q → %+v does not normalise to itself: %+v %v", s, p, q, err)
		}
		if !strings.HasPrefix(p.E164, "+") || len(p.E164) > 16 {
			t.Fatalf("%q → bad E.164 %q", s, p.E164)
		}
	})
}

func TestDisplay(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000": "138 0013 8000", "021-12345678": "021-1234 5678", "010 8888 6666": "010-8888 6666",
		"0755-1234567": "0755-123 4567", "0571 8765 4321": "0571-8765 4321", "4008108888": "400-810-8888",
		"+1 415 555 2671": "+14155552671",
	} {
		p, err := NormalizePhone(in)
		if err != nil || p.Display() != want {
			t.Errorf("%s → %q %v, want %q", in, p.Display(), err, want)
		}
	}
}
