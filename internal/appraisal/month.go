package appraisal

import (
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// Month is a calendar month, "2006-01". Months compare as strings.
type Month string

// ParseMonth reads a month "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Format("2006-01") != s {
		return "", apperr.Invalid("month", "must be a month YYYY-MM")
	}
	return Month(s), nil
}

// MonthOf is the month holding t (in t's location).
func MonthOf(t time.Time) Month { return Month(t.Format("2006-01")) }

func (m Month) t() time.Time {
	t, _ := time.Parse("2006-01", string(m))
	return t
}

// Start is the first instant of the month in loc.
func (m Month) Start(loc *time.Location) time.Time {
	t := m.t()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// End is the first instant of the next month in loc.
func (m Month) End(loc *time.Location) time.Time { return m.Add(1).Start(loc) }

// Add returns the month n months later (earlier for n < 0).
func (m Month) Add(n int) Month { return MonthOf(m.t().AddDate(0, n, 0)) }

// FirstDay is the month's first date, "YYYY-MM-DD".
func (m Month) FirstDay() string { return string(m) + "-01" }

// LastDay is the month's last date.
func (m Month) LastDay() string { return m.t().AddDate(0, 1, -1).Format("2006-01-02") }

func (m Month) String() string { return string(m) }
