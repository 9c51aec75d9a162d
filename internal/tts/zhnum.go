package tts

import "strings"

// maxNumber is the largest number written out: 9999 亿 9999 万 9999.
const maxNumber = 999_999_999_999

var zhDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// zhNumber writes 0 ≤ n ≤ maxNumber in Chinese numerals the way they are
// read aloud: 10 十, 105 一百零五, 1050 一千零五十, 10005 一万零五,
// 110000 十一万, 100000001 一亿零一.
func zhNumber(n int) string {
	if n == 0 {
		return zhDigits[0]
	}
	var b strings.Builder
	// Groups of four digits: 亿, 万, units.
	groups := []struct {
		div  int
		unit string
	}{{100_000_000, "亿"}, {10_000, "万"}, {1, ""}}
	started, zero := false, false
	for _, g := range groups {
		v := n / g.div % 10_000
		if v == 0 {
			zero = started // a skipped group needs a 零 before what follows
			continue
		}
		if started && (zero || v < 1000) {
			b.WriteString(zhDigits[0])
		}
		b.WriteString(zhSection(v) + g.unit)
		started, zero = true, false
	}
	s := b.String()
	if strings.HasPrefix(s, "一十") { // 十五, 十万, not 一十五
		s = strings.TrimPrefix(s, "一")
	}
	return s
}

// zhSection writes 1 ≤ v ≤ 9999 with 零 for inner zeros (一千零五).
func zhSection(v int) string {
	units := []string{"千", "百", "十", ""}
	var b strings.Builder
	started, zero := false, false
	for i, div := range []int{1000, 100, 10, 1} {
		d := v / div % 10
		if d == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteString(zhDigits[0])
		}
		b.WriteString(zhDigits[d] + units[i])
		started, zero = true, false
	}
	return b.String()
}

// zhCount writes a count before a measure word (位, 分钟): 2 is 两.
func zhCount(n int) string {
	if n == 2 {
		return "两"
	}
	return zhNumber(n)
}
