package sim

import (
	"math"
	"math/rand/v2"
	"time"
)

// Interval is the arrival process's step: the count of each 15-minute
// interval is Poisson with the profile's mean for it.
const Interval = 15 * time.Minute

// SlotsPerDay is the number of intervals in a (24-hour) day.
const SlotsPerDay = int(24 * time.Hour / Interval)

// WeekWeights scale the daily volume by weekday (Sunday first); they
// average 1 over a week, so CallsPerDay is the weekly mean: Monday is the
// busiest day, weekends are lower.
var WeekWeights = [7]float64{0.82, 1.12, 1.06, 1.06, 1.06, 1.06, 0.82}

// DayWeights is the intraday profile: the share of a day's calls in each
// 15-minute slot of local time (summing to 1). A low night floor, the
// morning peak around 10:00, the afternoon peak around 15:00 with the
// lunch dip between them, and a smaller evening shoulder around 20:00.
var DayWeights = dayWeights()

func dayWeights() [SlotsPerDay]float64 {
	bump := func(h, mu, sigma float64) float64 { return math.Exp(-(h - mu) * (h - mu) / (2 * sigma * sigma)) }
	var w [SlotsPerDay]float64
	sum := 0.0
	for i := range w {
		h := (float64(i) + 0.5) / 4
		w[i] = 0.03 + bump(h, 10, 1.5) + 0.8*bump(h, 15, 1.8) + 0.25*bump(h, 20, 1.6)
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// slotOf is the index of t's 15-minute slot in its local day.
func slotOf(t time.Time) int { return (t.Hour()*60 + t.Minute()) / 15 }

// ExpectedCalls is the mean number of arrivals in [from, to) (local time
// in loc) for callsPerDay: the sum of the profile over the intervals.
func ExpectedCalls(from, to time.Time, loc *time.Location, callsPerDay float64) float64 {
	sum := 0.0
	forIntervals(from, to, func(start time.Time, frac float64) {
		sum += intervalMean(start.In(loc), callsPerDay) * frac
	})
	return sum
}

func intervalMean(local time.Time, callsPerDay float64) float64 {
	return callsPerDay * WeekWeights[local.Weekday()] * DayWeights[slotOf(local)]
}

// forIntervals calls fn for each 15-minute grid interval overlapping
// [from, to) with its start and the fraction of it inside the period.
func forIntervals(from, to time.Time, fn func(start time.Time, frac float64)) {
	for s := from.Truncate(Interval); s.Before(to); s = s.Add(Interval) {
		lo, hi := maxTime(s, from), minTime(s.Add(Interval), to)
		fn(s, float64(hi.Sub(lo))/float64(Interval))
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// poisson draws a Poisson-distributed count with mean lambda: Knuth's
// product method for small means, Hörmann's PTRS (transformed rejection,
// 1993) for large ones, both exact.
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda < 30 {
		limit, p, k := math.Exp(-lambda), 1.0, 0
		for {
			p *= r.Float64()
			if p <= limit {
				return k
			}
			k++
		}
	}
	slam, loglam := math.Sqrt(lambda), math.Log(lambda)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lambda + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -lambda+k*loglam-lg {
			return int(k)
		}
	}
}

// expMS draws an exponential duration with the given mean, in ms.
func expMS(r *rand.Rand, mean time.Duration) int64 {
	return int64(r.ExpFloat64() * float64(mean.Milliseconds()))
}

// uniMS draws a uniform duration in [lo, hi), in ms.
func uniMS(r *rand.Rand, lo, hi time.Duration) int64 {
	return lo.Milliseconds() + int64(r.Float64()*float64((hi-lo).Milliseconds()))
}

// chance reports an event of probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }
