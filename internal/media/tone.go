package media

import (
	"fmt"
	"math"
	"time"
)

// samplesFor returns the number of 8 kHz samples in d.
func samplesFor(d time.Duration) int {
	return int(d * SampleRate / time.Second)
}

// Silence returns d of silence.
func Silence(d time.Duration) []int16 { return make([]int16, samplesFor(d)) }

// Tone returns d of the sum of sine waves at freqs, each with the given
// peak amplitude (clipped to 16 bits): beeps, ring-back, test signals.
func Tone(d time.Duration, amplitude float64, freqs ...float64) []int16 {
	out := make([]int16, samplesFor(d))
	for i := range out {
		v := 0.0
		for _, f := range freqs {
			v += amplitude * math.Sin(2*math.Pi*f*float64(i)/SampleRate)
		}
		out[i] = clip16(int32(math.Round(v)))
	}
	return out
}

// DTMFTone returns the dual tone of a key (0-9 * # A-D) lasting d, each
// tone with the given peak amplitude.
func DTMFTone(digit byte, d time.Duration, amplitude float64) ([]int16, error) {
	row, col, ok := keypadPos(digit)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrBadDigit, digit)
	}
	return Tone(d, amplitude, dtmfFreqs[row], dtmfFreqs[4+col]), nil
}

func keypadPos(digit byte) (row, col int, ok bool) {
	if digit >= 'a' && digit <= 'd' {
		digit -= 'a' - 'A'
	}
	for r := range dtmfKeypad {
		for c := range dtmfKeypad[r] {
			if dtmfKeypad[r][c] == digit {
				return r, c, true
			}
		}
	}
	return 0, 0, false
}

// clip16 saturates a mixed sample to the int16 range.
func clip16(v int32) int16 {
	if v > math.MaxInt16 {
		return math.MaxInt16
	}
	if v < math.MinInt16 {
		return math.MinInt16
	}
	return int16(v)
}
