package complaintui

import (
	"errors"
	"strconv"
	"strings"
)

// errYuan is a penalty amount that is not a sum of yuan.
var errYuan = errors.New("not an amount in yuan")

// maxYuan bounds what a form accepts (¥10,000,000), as the service does.
const maxYuan = 10_000_000

// parseYuan reads an amount typed in yuan — "1000", "1,000", "¥1 000.5",
// "５０００" — into fen. At most two decimals; no sign.
func parseYuan(s string) (int64, error) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９': // full-width digits from a Chinese IME
			return '0' + (r - '０')
		case r == '．':
			return '.'
		case r == ',' || r == '，' || r == ' ' || r == '¥' || r == '￥' || r == '元':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 8 || len(frac) > 2 || (dot && frac == "") {
		return 0, errYuan
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, errYuan
			}
		}
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > maxYuan {
		return 0, errYuan
	}
	fen := y * 100
	if frac != "" {
		f, _ := strconv.Atoi((frac + "0")[:2])
		fen += int64(f)
	}
	if fen > maxYuan*100 {
		return 0, errYuan
	}
	return fen, nil
}

// yuan shows fen as yuan: 100000 → "1,000", 12345 → "123.45".
func yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if c := fen % 100; c != 0 {
		s += "." + strconv.FormatInt(100+c, 10)[1:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
