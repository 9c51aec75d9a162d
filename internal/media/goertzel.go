package media

import "math"

// In-band DTMF detection for gateways that send key presses as tones.
//
// Analysis: a 20 ms window (160 samples) is evaluated every 5 ms (40
// samples) at the eight DTMF frequencies. Each 5 ms block is correlated with
// the eight frequencies once (a Goertzel-style single-bin DFT); a window is
// the phase-aligned sum of its four blocks, so overlapping windows cost no
// more than one pass over the audio. 20 ms gives 50 Hz resolution, enough to
// keep adjacent row tones (73 Hz apart) below the relative-peak limit.
//
// A window is a "hit" for a digit when:
//   - both the strongest row and column tone are above the minimum level;
//   - twist: the column tone is between 8 dB weaker and 4 dB stronger than
//     the row tone;
//   - relative peak: each is at least 6 dB above the others in its group;
//   - the two tones hold at least 60% of the window's energy. This rejects
//     speech (energy spread over many harmonics) and, together with the
//     duration rule, short tones: a window only partly covered by a tone
//     has a proportionally smaller share.
//
// Duration and debounce: a digit is reported after 6 hit windows in a row
// (one isolated miss tolerated; tones ≥ 40 ms make at least 7, tones
// ≤ 23 ms at most 4), once per tone. It ends after 4 consecutive windows without it
// (≥ 20 ms), so a 40 ms pause between two presses of the same key (which
// gives at least 8 such windows) yields two digits, while a dropout of a
// few milliseconds inside a tone does not.

const (
	dtmfWindow    = 160
	dtmfHop       = 40
	dtmfBlocks    = dtmfWindow / dtmfHop
	dtmfOnHits    = 6
	dtmfOffMisses = 4

	dtmfMinAmplitude  = 200  // per tone, about -41 dBm0
	dtmfMaxTwistDB    = 4.0  // column may be this much stronger than row
	dtmfMaxRevTwistDB = 8.0  // or this much weaker
	dtmfRelPeakDB     = 6.0  // over the other tones of the same group
	dtmfMinShare      = 0.60 // of window energy in the two tones
)

var dtmfFreqs = [8]float64{697, 770, 852, 941, 1209, 1336, 1477, 1633}

var dtmfKeypad = [4][4]byte{
	{'1', '2', '3', 'A'},
	{'4', '5', '6', 'B'},
	{'7', '8', '9', 'C'},
	{'*', '0', '#', 'D'},
}

// Correlation tables: cos/sin of ωn within a block, and the rotation that
// aligns block b of a window (phase ω·40·b). Immutable after init.
var (
	dtmfCos, dtmfSin   [8][dtmfHop]float64
	dtmfRotC, dtmfRotS [8][dtmfBlocks]float64
	dtmfMinPower       = dtmfMinAmplitude * dtmfMinAmplitude * dtmfWindow / 2.0
	dtmfTwistHi        = math.Pow(10, dtmfMaxTwistDB/10)
	dtmfTwistLo        = math.Pow(10, -dtmfMaxRevTwistDB/10)
	dtmfRelPeak        = math.Pow(10, dtmfRelPeakDB/10)
)

func init() {
	for k, f := range dtmfFreqs {
		w := 2 * math.Pi * f / SampleRate
		for n := range dtmfHop {
			dtmfCos[k][n], dtmfSin[k][n] = math.Cos(w*float64(n)), math.Sin(w*float64(n))
		}
		for b := range dtmfBlocks {
			dtmfRotC[k][b], dtmfRotS[k][b] = math.Cos(w*dtmfHop*float64(b)), math.Sin(w*dtmfHop*float64(b))
		}
	}
}

// dtmfBlock is the correlation of one 5 ms block with the eight tones.
type dtmfBlock struct {
	re, im [8]float64
	energy float64
}

// dtmfDetector finds DTMF digits in a stream of 8 kHz samples. Feed it
// audio in any chunk sizes; it is not safe for concurrent use.
type dtmfDetector struct {
	blocks [dtmfBlocks]dtmfBlock // ring of the last four blocks
	head   int                   // index of the oldest block
	filled int
	buf    [dtmfHop]float64
	n      int // samples in buf

	cand   byte // digit of the current run of hit windows
	run    int  // hit windows in the run
	holes  int  // windows without a hit just before this one (0 or 1)
	active byte // digit reported and not yet ended
	misses int
}

// process consumes samples and calls report for each detected digit.
func (d *dtmfDetector) process(pcm []int16, report func(byte)) {
	for _, s := range pcm {
		d.buf[d.n] = float64(s)
		d.n++
		if d.n == dtmfHop {
			d.n = 0
			d.addBlock()
			if d.filled == dtmfBlocks {
				if digit := d.step(d.classify()); digit != 0 {
					report(digit)
				}
			}
		}
	}
}

func (d *dtmfDetector) addBlock() {
	b := &d.blocks[d.head]
	e := 0.0
	for _, x := range d.buf {
		e += x * x
	}
	b.energy = e
	for k := range dtmfFreqs {
		c, s := &dtmfCos[k], &dtmfSin[k]
		re, im := 0.0, 0.0
		for n, x := range d.buf {
			re += x * c[n]
			im -= x * s[n]
		}
		b.re[k], b.im[k] = re, im
	}
	d.head = (d.head + 1) % dtmfBlocks
	d.filled = min(d.filled+1, dtmfBlocks)
}

// classify evaluates the window made of the last four blocks and returns
// its digit, or 0.
func (d *dtmfDetector) classify() byte {
	var pow [8]float64
	energy := 0.0
	for b := range dtmfBlocks {
		energy += d.blocks[(d.head+b)%dtmfBlocks].energy
	}
	if energy < 2*dtmfMinPower {
		return 0
	}
	for k := range dtmfFreqs {
		re, im := 0.0, 0.0
		for b := range dtmfBlocks {
			blk := &d.blocks[(d.head+b)%dtmfBlocks]
			// Multiply by e^{-jω·40·b} to put block b at its place in the window.
			c, s := dtmfRotC[k][b], dtmfRotS[k][b]
			re += blk.re[k]*c + blk.im[k]*s
			im += blk.im[k]*c - blk.re[k]*s
		}
		pow[k] = 2 * (re*re + im*im) / dtmfWindow
	}
	row, rowP := strongest(pow[:4])
	col, colP := strongest(pow[4:])
	switch {
	case rowP < dtmfMinPower || colP < dtmfMinPower:
		return 0
	case colP > rowP*dtmfTwistHi || colP < rowP*dtmfTwistLo:
		return 0
	case !dominates(pow[:4], row) || !dominates(pow[4:], col):
		return 0
	case rowP+colP < dtmfMinShare*energy:
		return 0
	}
	return dtmfKeypad[row][col]
}

func strongest(p []float64) (int, float64) {
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	return best, p[best]
}

func dominates(p []float64, best int) bool {
	for i := range p {
		if i != best && p[i]*dtmfRelPeak > p[best] {
			return false
		}
	}
	return true
}

// step advances the debounce state machine by one window and returns a
// digit when one starts. While a digit is building up, one isolated window
// without it is tolerated (not counted): noise can push a single window of
// a weak, twisted tone just over a limit.
func (d *dtmfDetector) step(hit byte) byte {
	switch {
	case hit != 0 && hit == d.cand:
		d.run++
		d.holes = 0
	case hit == 0 && d.cand != 0 && d.holes == 0:
		d.holes = 1
	default:
		d.cand, d.run, d.holes = hit, 0, 0
		if hit != 0 {
			d.run = 1
		}
	}
	if d.active != 0 {
		if hit == d.active {
			d.misses = 0
		} else if d.misses++; d.misses >= dtmfOffMisses {
			d.active = 0
		}
	}
	if d.active == 0 && d.cand != 0 && d.run >= dtmfOnHits {
		d.active, d.misses = d.cand, 0
		return d.cand
	}
	return 0
}
