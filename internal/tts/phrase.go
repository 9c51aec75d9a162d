package tts

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Position is the queue-position announcement for a caller at position
// (1 = next to be answered): zh "您前面还有两位" (the callers ahead), en
// "you are number 3 in line"; position 1 is "您是下一位" / "you are next
// in line".
func Position(lang string, position int) (string, error) {
	f, err := Family(lang)
	if err != nil {
		return "", err
	}
	if position < 1 || position > maxNumber {
		return "", fmt.Errorf("%w: queue position %d", ErrInvalidText, position)
	}
	if f == Chinese {
		if position == 1 {
			return "您是下一位", nil
		}
		return "您前面还有" + zhCount(position-1) + "位", nil
	}
	if position == 1 {
		return "you are next in line", nil
	}
	return "you are number " + strconv.Itoa(position) + " in line", nil
}

// EstimatedWait announces an expected wait rounded to whole minutes:
// zh "预计等待两分钟", en "estimated wait 2 minutes"; under half a minute
// "预计等待不到一分钟" / "estimated wait less than a minute"; an hour or
// more as hours and minutes.
func EstimatedWait(lang string, wait time.Duration) (string, error) {
	f, err := Family(lang)
	if err != nil {
		return "", err
	}
	if wait < 0 || wait > 100*24*time.Hour {
		return "", fmt.Errorf("%w: wait %v", ErrInvalidText, wait)
	}
	minutes := int(wait.Round(time.Minute) / time.Minute)
	if f == Chinese {
		if minutes == 0 {
			return "预计等待不到一分钟", nil
		}
		return "预计等待" + zhDuration(minutes/60, minutes%60), nil
	}
	if minutes == 0 {
		return "estimated wait less than a minute", nil
	}
	return "estimated wait " + enDuration(minutes/60, minutes%60), nil
}

// Number writes n for speaking: Chinese numerals (一万零五) in Chinese,
// digits in English (espeak-ng reads those well).
func Number(lang string, n int) (string, error) {
	f, err := Family(lang)
	if err != nil {
		return "", err
	}
	if n < 0 || n > maxNumber {
		return "", fmt.Errorf("%w: number %d outside 0..%d", ErrInvalidText, n, maxNumber)
	}
	if f == Chinese {
		return zhNumber(n), nil
	}
	return strconv.Itoa(n), nil
}

func zhDuration(hours, minutes int) string {
	var b strings.Builder
	if hours > 0 {
		b.WriteString(zhCount(hours) + "小时")
	}
	if minutes > 0 {
		b.WriteString(zhCount(minutes) + "分钟")
	}
	return b.String()
}

func enDuration(hours, minutes int) string {
	var parts []string
	if hours > 0 {
		parts = append(parts, plural(hours, "hour"))
	}
	if minutes > 0 {
		parts = append(parts, plural(minutes, "minute"))
	}
	return strings.Join(parts, " ")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
