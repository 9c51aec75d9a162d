package call

import (
	"context"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/recording"
)

// voicemail takes a message from a caller a queue could not serve: a
// prompt, a tone, then up to two minutes of the caller (ended by # or
// hanging up), stored as a recording of the queue's department that
// supervisors find with the queue's recordings.
func (c *Call) voicemail(q *queues.Queue) {
	lang := c.lang()
	text := "坐席全忙，请在提示音后留言，按井号键结束。"
	if lang == "en" {
		text = "All our agents are busy. Please leave a message after the tone, and press hash when you are done."
	}
	keys := make(chan rune, 8)
	c.keySink(keys)
	if p := c.play(append(c.m.Audio.Say(c.ctx, lang, text), media.Tone(400*time.Millisecond, 4000, 1000)...), false); p != nil {
		select {
		case <-p.Done():
		case <-c.done:
			return
		}
	}
	rs := c.m.Recordings
	if rs == nil {
		c.end("system", "voicemail_unavailable")
		return
	}
	start := time.Now()
	abs, rel, err := rs.NewPath(c.ID, start)
	var w *media.Recorder
	if err == nil {
		w, err = media.NewRecorder(abs, c.m.Logger)
	}
	if err != nil {
		c.m.Logger.Error("voicemail not recorded", "call", c.ID, "err", err)
		c.end("system", "voicemail_failed")
		return
	}
	id, _ := rs.Start(c.ctx, recording.Recording{CallID: c.ID, Path: rel, StartedAt: start, Queue: q.Name, DepartmentID: q.DepartmentID})
	c.bridge.SetTap(w)
	c.emit(calllog.RecordingStarted, calllog.Event{Queue: q.Name, Data: calllog.Data{Recording: id, Kind: "voicemail"}})
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
wait:
	for {
		select {
		case k, ok := <-keys:
			if !ok || k == '#' {
				break wait
			}
		case <-deadline.C:
			break wait
		case <-c.done:
			break wait
		}
	}
	c.bridge.SetTap(nil)
	w.Close()
	now := time.Now()
	rs.Finish(context.Background(), id, recording.Recording{EndedAt: now, DurationMS: w.Duration().Milliseconds(), SizeBytes: w.Size(),
		Queue: q.Name, DepartmentID: q.DepartmentID,
		Parties: []recording.Party{{Channel: "left", Who: "voicemail from " + c.From, From: start, Until: now}}})
	c.emit(calllog.RecordingStopped, calllog.Event{Queue: q.Name, Data: calllog.Data{Recording: id, Kind: "voicemail"}})
	if c.State() == StateEnded {
		return
	}
	c.keySink(nil)
	thanks := "您的留言已收到，我们会尽快回复，再见。"
	if lang == "en" {
		thanks = "Thank you, we have your message and will call you back. Goodbye."
	}
	c.sayThenEnd("voicemail_left", lang, thanks)
}
