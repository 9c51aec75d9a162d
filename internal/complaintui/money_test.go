package complaintui

import "testing"

func TestParseYuan(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"1000": 100000, "1,000": 100000, "¥5 000": 500000, "10000元": 1000000, "０.５": 50, "12.34": 1234, "0": 0,
		"1，000．5": 100050, "10000000": 1000000000,
	} {
		if got, err := parseYuan(in); err != nil || got != want {
			t.Errorf("parseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "1.234", "1.", ".5", "abc", "1e3", "10000001", "999999999999", "1.2.3", "+5"} {
		if got, err := parseYuan(bad); err == nil {
			t.Errorf("parseYuan(%q) = %d, want an error", bad, got)
		}
	}
	for fen, want := range map[int64]string{100000: "1,000", 1000000: "10,000", 1234: "12.34", 5: "0.05", 0: "0", 123456789: "1,234,567.89"} {
		if got := yuan(fen); got != want {
			t.Errorf("yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

// A typed amount never panics, and what it reads shows back as the same
// number of fen.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"1000", "1,000.5", "¥5 000", "０.５", "1.", "99999999", "-1", "元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := parseYuan(s)
		if err != nil {
			return
		}
		if fen < 0 || fen > maxYuan*100 {
			t.Fatalf("parseYuan(%q) = %d out of range", s, fen)
		}
		if back, err := parseYuan(yuan(fen)); err != nil || back != fen {
			t.Fatalf("round trip of %q: %d → %q → %d, %v", s, fen, yuan(fen), back, err)
		}
	})
}
