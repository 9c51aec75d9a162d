package call

import (
	"time"

	"github.com/hotline-cc/hotline/internal/ivr"
)

func promptsNamed(names ...string) []ivr.Prompt {
	out := make([]ivr.Prompt, len(names))
	for i, n := range names {
		out[i] = ivr.Prompt{Name: n}
	}
	return out
}

// sayThenEnd speaks text to the caller and hangs up when it has been said.
func (c *Call) sayThenEnd(cause, lang, text string) {
	c.playPCMThenEnd(cause, c.m.Audio.Say(c.ctx, lang, text))
}

// playThenEnd plays prompts to the caller and hangs up.
func (c *Call) playThenEnd(cause string, prompts []ivr.Prompt) {
	c.playPCMThenEnd(cause, c.m.Audio.PCM(c.ctx, prompts))
}

func (c *Call) playPCMThenEnd(cause string, pcm []int16) {
	if p := c.play(pcm, false); p != nil {
		select {
		case <-p.Done():
		case <-c.done:
		case <-time.After(2 * time.Minute):
		}
	}
	c.end("system", cause)
}

// waitKey waits for one key from keys, up to d; 0 on timeout or hang-up.
func (c *Call) waitKey(keys <-chan rune, d time.Duration) rune {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case k, ok := <-keys:
		if ok {
			return k
		}
	case <-t.C:
	case <-c.done:
	}
	return 0
}
