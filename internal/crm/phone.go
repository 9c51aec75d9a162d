package crm

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Phone is a number normalised to E.164 with the form it is dialled in
// inside its country: for China the 11-digit mobile or the landline with
// its trunk 0 (02112345678), for other countries 00 and the E.164 digits.
type Phone struct {
	E164     string `json:"e164"`
	National string `json:"national"`
}

// MaxPhones bounds the numbers of one customer.
const MaxPhones = 10

var (
	cnMobile   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	cnLandline = regexp.MustCompile(`^(10|2[0-9]|[3-9][0-9]{2})[0-9]{7,8}$`) // area code without 0, then 7–8 digits
	cnService  = regexp.MustCompile(`^[48]00[0-9]{7}$`)                      // 400 / 800 numbers
)

// phoneSeparators split one cell or input into several numbers. Spaces are
// not among them: people write "138 0013 8000".
const phoneSeparators = ",，;；/、|\n\r"

// SplitPhones splits text holding one or more numbers into the raw numbers.
func SplitPhones(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(phoneSeparators, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// NormalizePhone parses a number the way people type it — with spaces,
// hyphens, dots or brackets, a + or 00 international prefix, full-width
// digits — and returns it in E.164. Without a country prefix it is Chinese
// (+86): an 11-digit mobile, a landline with its area code (021-12345678),
// or a 400/800 number. Anything else is refused with a message saying why.
func NormalizePhone(raw string) (Phone, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Phone{}, invalid(CodeBadPhone, "phones", "a phone number is empty")
	}
	if !utf8.ValidString(s) || len(s) > 64 {
		return Phone{}, invalid(CodeBadPhone, "phones", "%q is not a phone number", clip(s))
	}
	plus, digits, err := phoneDigits(s)
	if err != nil {
		return Phone{}, err
	}
	if strings.HasPrefix(digits, "00") && !plus {
		plus, digits = true, digits[2:]
	}
	if plus {
		return international(s, digits)
	}
	return domestic(s, digits)
}

// phoneDigits keeps the digits of s (full-width ones too) and reports a
// leading +; separators people use inside a number are dropped, anything
// else is an error.
func phoneDigits(s string) (bool, string, error) {
	var b strings.Builder
	plus := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case (r == '+' || r == '＋') && b.Len() == 0 && !plus:
			plus = true
		case strings.ContainsRune(" \t\u00a0\u3000-–—－.()（）", r):
		default:
			if strings.ContainsRune("转#xX", r) || strings.HasPrefix(strings.ToLower(s[i:]), "ext") {
				return false, "", invalid(CodeBadPhone, "phones", "%q has an extension; enter the number without it", clip(s))
			}
			return false, "", invalid(CodeBadPhone, "phones", "%q contains %q, which is not part of a phone number", clip(s), string(r))
		}
	}
	if b.Len() == 0 {
		return false, "", invalid(CodeBadPhone, "phones", "%q has no digits", clip(s))
	}
	return plus, b.String(), nil
}

func international(raw, d string) (Phone, error) {
	if strings.HasPrefix(d, "86") {
		nsn := strings.TrimPrefix(d[2:], "0") // "+86 021 …": people keep the trunk 0
		return china(raw, nsn)
	}
	if d == "" || d[0] == '0' {
		return Phone{}, invalid(CodeBadPhone, "phones", "%q: a country code cannot start with 0", clip(raw))
	}
	if len(d) < 8 || len(d) > 15 {
		return Phone{}, invalid(CodeBadPhone, "phones", "%q: an international number has 8 to 15 digits (got %d)", clip(raw), len(d))
	}
	return Phone{E164: "+" + d, National: "00" + d}, nil
}

func domestic(raw, d string) (Phone, error) {
	switch {
	case strings.HasPrefix(d, "86") && len(d) == 13 && cnMobile.MatchString(d[2:]):
		return china(raw, d[2:])
	case d[0] == '0':
		return china(raw, d[1:])
	case len(d) <= 8:
		return Phone{}, invalid(CodeBadPhone, "phones", "%q is too short (%d digits): add the area code for a landline, e.g. 021-12345678", clip(raw), len(d))
	}
	return china(raw, d)
}

// china checks a Chinese national significant number (no trunk 0).
func china(raw, nsn string) (Phone, error) {
	switch {
	case cnMobile.MatchString(nsn):
		return Phone{E164: "+86" + nsn, National: nsn}, nil
	case cnService.MatchString(nsn):
		return Phone{E164: "+86" + nsn, National: nsn}, nil
	case cnLandline.MatchString(nsn):
		return Phone{E164: "+86" + nsn, National: "0" + nsn}, nil
	case strings.HasPrefix(nsn, "1") && len(nsn) != 11:
		return Phone{}, invalid(CodeBadPhone, "phones", "%q: a mobile number has 11 digits (got %d)", clip(raw), len(nsn))
	case strings.HasPrefix(nsn, "1"):
		return Phone{}, invalid(CodeBadPhone, "phones", "%q is not a Chinese mobile number (13x–19x)", clip(raw))
	}
	return Phone{}, invalid(CodeBadPhone, "phones", "%q is not a mobile (11 digits) or a landline with its area code (0 + 2–3 digits + 7–8 digits)", clip(raw))
}

// Variants are the forms a number may take in call records: E.164 with and
// without +, with the 00 prefix, and as dialled nationally (a mobile also
// with a leading 0, as some exchanges send it).
func (p Phone) Variants() []string {
	v := []string{p.E164, p.E164[1:], "00" + p.E164[1:], p.National}
	if cnMobile.MatchString(p.National) {
		v = append(v, "0"+p.National)
	}
	return v
}

// PhoneFromE164 rebuilds a Phone from its stored E.164 form.
func PhoneFromE164(e string) Phone {
	p, err := NormalizePhone(e)
	if err != nil {
		return Phone{E164: e, National: strings.TrimPrefix(e, "+")}
	}
	return p
}

// NormalizePhones normalises a list (each entry may hold several numbers),
// drops repeats and keeps the order.
func NormalizePhones(raws []string) ([]Phone, error) {
	var out []Phone
	seen := map[string]bool{}
	for _, r := range raws {
		for _, one := range SplitPhones(r) {
			p, err := NormalizePhone(one)
			if err != nil {
				return nil, err
			}
			if !seen[p.E164] {
				seen[p.E164] = true
				out = append(out, p)
			}
		}
	}
	if len(out) > MaxPhones {
		return nil, apperr.Invalid("phones", "at most %d numbers per customer", MaxPhones)
	}
	return out, nil
}

// clip shortens user input quoted in a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// Display formats the number the way people in its country read it:
// Chinese mobiles 138 0013 8000, landlines 021-1234 5678, 400/800 numbers
// 400-810-8888; other countries stay in E.164.
func (p Phone) Display() string {
	n := p.National
	switch {
	case !strings.HasPrefix(p.E164, "+86"):
		return p.E164
	case cnMobile.MatchString(n):
		return n[:3] + " " + n[3:7] + " " + n[7:]
	case cnService.MatchString(n):
		return n[:3] + "-" + n[3:6] + "-" + n[6:]
	case strings.HasPrefix(n, "0") && len(n) > 4:
		area := 3 // 010, 02x
		if n[1] != '1' && n[1] != '2' {
			area = 4
		}
		rest := n[area:]
		if len(rest) == 8 {
			rest = rest[:4] + " " + rest[4:]
		} else if len(rest) == 7 {
			rest = rest[:3] + " " + rest[3:]
		}
		return n[:area] + "-" + rest
	}
	return p.E164
}
