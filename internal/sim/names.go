package sim

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Common surnames (百家姓, by frequency) and given-name characters for the
// simulated agents' display names.
var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞宇浩凯婷雪琳晨欣怡子涵思雨梓轩博文佳嘉俊")
)

// chineseName is the display name of simulated agent n: a surname and one
// or two given characters, the same for n whatever the seed, so an agent
// keeps their name across runs.
func chineseName(n int) string {
	r := rand.New(rand.NewPCG(uint64(n), 0x6e616d6573))
	var b strings.Builder
	b.WriteRune(surnames[r.IntN(len(surnames))])
	b.WriteRune(given[r.IntN(len(given))])
	if r.IntN(3) > 0 {
		b.WriteRune(given[r.IntN(len(given))])
	}
	return b.String()
}

var digitsZh = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// chineseNumber writes 1–999 in Chinese numerals (一, 十二, 二十, 一百零五).
func chineseNumber(n int) string {
	if n <= 0 || n > 999 {
		return strconv.Itoa(n)
	}
	var b strings.Builder
	h, t, u := n/100, n/10%10, n%10
	if h > 0 {
		b.WriteString(digitsZh[h] + "百")
		if t == 0 && u > 0 {
			b.WriteString("零")
		}
	}
	if t > 0 {
		if t > 1 || h > 0 {
			b.WriteString(digitsZh[t])
		}
		b.WriteString("十")
	}
	if u > 0 {
		b.WriteString(digitsZh[u])
	}
	return b.String()
}

// teamName is the name of the simulator's n-th team in a department.
func teamName(n int) string { return "模拟" + chineseNumber(n) + "组" }
