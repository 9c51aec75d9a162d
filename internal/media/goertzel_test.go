package media

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// signal builds test audio with a seeded generator.
type signal struct {
	rng *rand.Rand
	buf []float64
}

func (s *signal) silence(n int) { s.buf = append(s.buf, make([]float64, n)...) }

// dualTone appends a DTMF tone: row amplitude a, column amplitude
// a·10^(twistDB/20), random phases.
func (s *signal) dualTone(digit byte, n int, a, twistDB float64) {
	row, col, _ := keypadPos(digit)
	fr, fc := dtmfFreqs[row], dtmfFreqs[4+col]
	ac := a * math.Pow(10, twistDB/20)
	pr, pc := s.rng.Float64()*2*math.Pi, s.rng.Float64()*2*math.Pi
	for i := range n {
		t := float64(i) / SampleRate
		s.buf = append(s.buf, a*math.Sin(2*math.Pi*fr*t+pr)+ac*math.Sin(2*math.Pi*fc*t+pc))
	}
}

// addNoise adds white Gaussian noise with the given power per sample.
func (s *signal) addNoise(from int, power float64) {
	sd := math.Sqrt(power)
	for i := from; i < len(s.buf); i++ {
		s.buf[i] += s.rng.NormFloat64() * sd
	}
}

// pcm returns the signal as 16-bit samples, optionally through G.711 µ-law
// as a gateway would send it.
func (s *signal) pcm(g711 bool) []int16 {
	out := make([]int16, len(s.buf))
	for i, v := range s.buf {
		out[i] = clip16(int32(math.Round(v)))
		if g711 {
			out[i] = UlawDecode(UlawEncode(out[i]))
		}
	}
	return out
}

// detect runs a fresh detector over pcm in 160-sample frames.
func detect(pcm []int16) string {
	var d dtmfDetector
	var got []byte
	for len(pcm) > 0 {
		n := min(FrameSamples, len(pcm))
		d.process(pcm[:n], func(b byte) { got = append(got, b) })
		pcm = pcm[n:]
	}
	return string(got)
}

// editDistance counts digit errors (substitutions, misses, extras).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// TestGoertzelAccuracy generates thousands of valid digits — durations
// 40-150 ms, pauses 40-150 ms, levels -6 to -26 dBm0 per tone, twist within
// the limits, white noise at 15-20 dB SNR, half of them through µ-law —
// and requires more than 99.9% of them to be detected exactly once.
func TestGoertzelAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 7))
	total, errs := 0, 0
	for trial := range 400 {
		s := &signal{rng: rng}
		s.silence(rng.IntN(200)) // random alignment
		var sent strings.Builder
		for range 12 {
			digit := dtmfDigits[rng.IntN(16)]
			if rng.IntN(3) == 0 && sent.Len() > 0 {
				digit = sent.String()[sent.Len()-1] // repeats, e.g. "111"
			}
			sent.WriteByte(digit)
			amp := 22700 * math.Pow(10, -(6+rng.Float64()*20)/20)
			twist := -7 + rng.Float64()*10 // -7 .. +3 dB
			start := len(s.buf)
			s.dualTone(digit, 320+rng.IntN(881), amp, twist)
			toneP := amp * amp / 2 * (1 + math.Pow(10, twist/10))
			snr := 15 + rng.Float64()*5
			s.silence(320 + rng.IntN(881))
			s.addNoise(start, toneP/math.Pow(10, snr/10))
		}
		s.silence(400)
		got := detect(s.pcm(trial%2 == 0))
		e := editDistance(sent.String(), got)
		total += sent.Len()
		errs += e
		if e > 0 && errs < 10 {
			t.Logf("trial %d: sent %s, detected %s", trial, sent.String(), got)
		}
	}
	acc := 100 * float64(total-errs) / float64(total)
	t.Logf("in-band DTMF: %d digits, %d errors, accuracy %.3f%%", total, errs, acc)
	if acc <= 99.9 {
		t.Fatalf("accuracy %.3f%% ≤ 99.9%%", acc)
	}
}

// TestGoertzelRejects: tones too short, too weak, or with too much twist
// must never be reported.
func TestGoertzelRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type gen func(s *signal, digit byte)
	cases := map[string]gen{
		"10-23 ms tones": func(s *signal, d byte) {
			s.dualTone(d, 80+rng.IntN(105), 8000, 0)
		},
		"level below -45 dBm0": func(s *signal, d byte) {
			s.dualTone(d, 800, 100, 0)
		},
		"column 6 dB stronger (reverse twist)": func(s *signal, d byte) {
			s.dualTone(d, 800, 3000, 6)
		},
		"column 11 dB weaker": func(s *signal, d byte) {
			s.dualTone(d, 800, 8000, -11)
		},
		"single tone": func(s *signal, d byte) {
			row, _, _ := keypadPos(d)
			for i := range 800 {
				s.buf = append(s.buf, 8000*math.Sin(2*math.Pi*dtmfFreqs[row]*float64(i)/SampleRate))
			}
		},
	}
	for name, g := range cases {
		t.Run(name, func(t *testing.T) {
			tried := 0
			for trial := range 300 {
				s := &signal{rng: rng}
				s.silence(rng.IntN(200))
				g(s, dtmfDigits[trial%16])
				s.silence(400)
				s.addNoise(0, 100) // -30 dB or so under the tones
				if got := detect(s.pcm(false)); got != "" {
					t.Fatalf("trial %d: detected %q", trial, got)
				}
				tried++
			}
			t.Logf("%d signals, no digit", tried)
		})
	}
}

// TestGoertzelRepeatAndDropout: the same key twice with a 40 ms pause is
// two digits; one tone with a 5 ms dropout is one.
func TestGoertzelRepeatAndDropout(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		s := &signal{rng: rng}
		s.silence(rng.IntN(160))
		s.dualTone('1', 320, 6000, 0)
		s.silence(320)
		s.dualTone('1', 320, 6000, 0)
		s.silence(400)
		if got := detect(s.pcm(false)); got != "11" {
			t.Fatalf("trial %d: repeated key with 40 ms pause: got %q", trial, got)
		}
		s = &signal{rng: rng}
		s.silence(rng.IntN(160))
		s.dualTone('5', 480, 6000, 0)
		s.silence(40)
		s.dualTone('5', 480, 6000, 0)
		s.silence(400)
		if got := detect(s.pcm(false)); got != "5" {
			t.Fatalf("trial %d: tone with 5 ms dropout: got %q", trial, got)
		}
	}
}

// voice appends voice-like audio: a glottal pulse train (harmonics of a
// gliding pitch 90-260 Hz) shaped by three random formants, in syllables.
func (s *signal) voice(n int) {
	f0 := 90 + s.rng.Float64()*170
	glide := (s.rng.Float64() - 0.5) * 0.4 * f0 // ±20% over the syllable
	formants := [3]float64{300 + s.rng.Float64()*600, 900 + s.rng.Float64()*1600, 2300 + s.rng.Float64()*900}
	amp := 2000 + s.rng.Float64()*8000
	phase := 0.0
	var harm []float64
	for i := range n {
		f := f0 + glide*float64(i)/float64(n)
		phase += 2 * math.Pi * f / SampleRate
		harm = harm[:0]
		v := 0.0
		for k := 1; float64(k)*f < 3400; k++ {
			hf := float64(k) * f
			g := 0.05
			for j, fm := range formants {
				bw := 80.0 + 40*float64(j)
				g += math.Exp(-(hf - fm) * (hf - fm) / (2 * bw * bw))
			}
			v += g * math.Sin(float64(k)*phase)
		}
		env := math.Sin(math.Pi * float64(i) / float64(n)) // syllable envelope
		s.buf = append(s.buf, amp*env*v/3)
	}
}

// multiTone appends a random chord of 2-6 tones. Components are kept 5%
// away from DTMF frequencies: a signal with a row and a column component
// inside the ±3.5% acceptance band and little else simply is DTMF.
func (s *signal) multiTone(n int) {
	k := 2 + s.rng.IntN(5)
	freqs := make([]float64, 0, k)
	for len(freqs) < k {
		f := 200 + s.rng.Float64()*3200
		near := false
		for _, d := range dtmfFreqs {
			near = near || math.Abs(f-d) < 0.05*d
		}
		if !near {
			freqs = append(freqs, f)
		}
	}
	amps := make([]float64, k)
	for i := range amps {
		amps[i] = 500 + s.rng.Float64()*6000
	}
	for i := range n {
		v := 0.0
		for j, f := range freqs {
			v += amps[j] * math.Sin(2*math.Pi*f*float64(i)/SampleRate)
		}
		s.buf = append(s.buf, v)
	}
}

// TestGoertzelTalkOff: minutes of voice-like audio and random chords must
// not produce a single digit.
func TestGoertzelTalkOff(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	s := &signal{rng: rng}
	for len(s.buf) < 120*SampleRate {
		s.voice(800 + rng.IntN(2400)) // 100-400 ms syllables
		if rng.IntN(4) == 0 {
			s.silence(rng.IntN(800))
		}
	}
	for len(s.buf) < 240*SampleRate {
		s.multiTone(400 + rng.IntN(1200))
	}
	s.addNoise(0, 1e4)
	got := detect(s.pcm(true))
	t.Logf("%d s of voice-like audio and random chords: %d false digits", len(s.buf)/SampleRate, len(got))
	if got != "" {
		t.Fatalf("false digits %q", got)
	}
}

func TestDTMFToneHelper(t *testing.T) {
	for i := range len(dtmfDigits) {
		d := dtmfDigits[i]
		pcm, err := DTMFTone(d, 100e6, 8000)
		if err != nil {
			t.Fatal(err)
		}
		pcm = append(append(Silence(20e6), pcm...), Silence(60e6)...)
		if got := detect(pcm); got != string(d) {
			t.Errorf("DTMFTone(%q) detected as %q", d, got)
		}
	}
	if _, err := DTMFTone('x', 100e6, 8000); err == nil {
		t.Error("DTMFTone accepted 'x'")
	}
}
