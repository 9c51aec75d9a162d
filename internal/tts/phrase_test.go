package tts

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestZhNumber(t *testing.T) {
	tests := map[int]string{
		0: "零", 1: "一", 2: "二", 10: "十", 11: "十一", 15: "十五", 20: "二十", 21: "二十一",
		100: "一百", 101: "一百零一", 110: "一百一十", 115: "一百一十五", 1000: "一千", 1001: "一千零一",
		1010: "一千零一十", 1050: "一千零五十", 1100: "一千一百", 9999: "九千九百九十九",
		10000: "一万", 10005: "一万零五", 10050: "一万零五十", 10500: "一万零五百", 11000: "一万一千",
		12345: "一万二千三百四十五", 100000: "十万", 110000: "十一万", 1000100: "一百万零一百",
		100000000: "一亿", 100000001: "一亿零一", 100010000: "一亿零一万", 120003000: "一亿二千万三千", 100003000: "一亿零三千", 20003000: "二千万三千",
		maxNumber: "九千九百九十九亿九千九百九十九万九千九百九十九",
	}
	for n, want := range tests {
		if got := zhNumber(n); got != want {
			t.Errorf("zhNumber(%d) = %s, want %s", n, got, want)
		}
	}
}

// parseZh reads Chinese numerals back, independently of zhNumber.
func parseZh(s string) int {
	if hi, lo, ok := strings.Cut(s, "亿"); ok {
		return parseWan(hi)*100_000_000 + parseWan(lo)
	}
	return parseWan(s)
}

func parseWan(s string) int {
	if hi, lo, ok := strings.Cut(s, "万"); ok {
		return parseSection(hi)*10_000 + parseSection(lo)
	}
	return parseSection(s)
}

func parseSection(s string) int {
	digits := map[rune]int{'零': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	units := map[rune]int{'十': 10, '百': 100, '千': 1000}
	total, digit := 0, 0
	for i, r := range []rune(s) {
		if u, ok := units[r]; ok {
			if i == 0 {
				digit = 1 // 十五
			}
			total += digit * u
			digit = 0
		} else {
			digit = digits[r]
		}
	}
	return total + digit
}

func FuzzZhNumber(f *testing.F) {
	for _, n := range []int{0, 10, 105, 10005, 100000001, 120003000, maxNumber} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int) {
		if n < 0 || n > maxNumber {
			if _, err := Number("zh", n); !errors.Is(err, ErrInvalidText) {
				t.Fatalf("Number(%d) = %v, want ErrInvalidText", n, err)
			}
			return
		}
		s := zhNumber(n)
		if (strings.HasPrefix(s, "零") || strings.HasSuffix(s, "零")) && n != 0 || strings.Contains(s, "零零") || strings.HasPrefix(s, "一十") {
			t.Fatalf("zhNumber(%d) = %s is not how it is read", n, s)
		}
		if got := parseZh(s); got != n {
			t.Fatalf("zhNumber(%d) = %s reads back as %d", n, s, got)
		}
	})
}

func TestPosition(t *testing.T) {
	tests := []struct {
		lang string
		pos  int
		want string
	}{
		{"zh-CN", 1, "您是下一位"},
		{"zh-CN", 3, "您前面还有两位"},
		{"zh", 4, "您前面还有三位"},
		{"zh", 12, "您前面还有十一位"},
		{"en", 1, "you are next in line"},
		{"en-US", 3, "you are number 3 in line"},
	}
	for _, tt := range tests {
		if got, err := Position(tt.lang, tt.pos); err != nil || got != tt.want {
			t.Errorf("Position(%s, %d) = %q, %v; want %q", tt.lang, tt.pos, got, err, tt.want)
		}
	}
	for _, pos := range []int{0, -1, maxNumber + 1} {
		if _, err := Position("en", pos); !errors.Is(err, ErrInvalidText) {
			t.Errorf("Position(%d) = %v, want ErrInvalidText", pos, err)
		}
	}
	if _, err := Position("de", 2); !errors.Is(err, ErrUnsupportedLanguage) {
		t.Errorf("Position(de) = %v", err)
	}
}

func TestEstimatedWait(t *testing.T) {
	tests := []struct {
		lang string
		wait time.Duration
		want string
	}{
		{"zh", 20 * time.Second, "预计等待不到一分钟"},
		{"zh", 40 * time.Second, "预计等待一分钟"},
		{"zh", 2 * time.Minute, "预计等待两分钟"},
		{"zh", 15 * time.Minute, "预计等待十五分钟"},
		{"zh", time.Hour, "预计等待一小时"},
		{"zh", 2*time.Hour + 5*time.Minute, "预计等待两小时五分钟"},
		{"en", 0, "estimated wait less than a minute"},
		{"en", 61 * time.Second, "estimated wait 1 minute"},
		{"en", 2 * time.Minute, "estimated wait 2 minutes"},
		{"en", 150 * time.Second, "estimated wait 3 minutes"},
		{"en", 65 * time.Minute, "estimated wait 1 hour 5 minutes"},
		{"en", 2 * time.Hour, "estimated wait 2 hours"},
	}
	for _, tt := range tests {
		if got, err := EstimatedWait(tt.lang, tt.wait); err != nil || got != tt.want {
			t.Errorf("EstimatedWait(%s, %v) = %q, %v; want %q", tt.lang, tt.wait, got, err, tt.want)
		}
	}
	if _, err := EstimatedWait("en", -time.Second); !errors.Is(err, ErrInvalidText) {
		t.Errorf("negative wait: %v", err)
	}
}

func TestNumber(t *testing.T) {
	if s, err := Number("zh-CN", 12345); err != nil || s != "一万二千三百四十五" {
		t.Errorf("Number(zh, 12345) = %q, %v", s, err)
	}
	if s, err := Number("en", 12345); err != nil || s != "12345" {
		t.Errorf("Number(en, 12345) = %q, %v", s, err)
	}
}

func TestVoice(t *testing.T) {
	tests := map[string]string{
		"zh": "cmn-latn-pinyin", "zh-CN": "cmn-latn-pinyin", "ZH_cn": "cmn-latn-pinyin", "zh-Hans-CN": "cmn-latn-pinyin",
		"cmn": "cmn-latn-pinyin", "en": "en", "en-GB": "en", "en-US": "en-us", "en_us": "en-us",
	}
	for lang, want := range tests {
		if got, err := Voice(lang); err != nil || got != want {
			t.Errorf("Voice(%q) = %q, %v; want %q", lang, got, err, want)
		}
	}
	for _, lang := range []string{"", "fr", "zhx", "e", "-zh"} {
		if _, err := Voice(lang); !errors.Is(err, ErrUnsupportedLanguage) {
			t.Errorf("Voice(%q) = %v, want ErrUnsupportedLanguage", lang, err)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	f.Add("  您好，\t欢迎\n致电 ")
	f.Add("\x00\xff\xfe")
	f.Fuzz(func(t *testing.T, in string) {
		out, err := cleanText(in)
		if err != nil {
			return
		}
		if out == "" || out != strings.TrimSpace(out) || strings.Contains(out, "  ") || strings.ContainsFunc(out, func(r rune) bool {
			return r == '\n' || r == '\t' || r < ' ' || r == 0xFFFD && !strings.ContainsRune(in, 0xFFFD)
		}) {
			t.Fatalf("cleanText(%q) = %q", in, out)
		}
	})
}
