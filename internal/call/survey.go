package call

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
)

// survey moves the caller to the satisfaction rating (满意度评价) after the
// agent hangs up: one key from 1 to the queue's scale; the rating is stored
// against the call, the agent and the queue, and the lowest is flagged.
func (c *Call) survey() {
	c.mu.Lock()
	if c.state == StateEnded || c.surveyed {
		c.mu.Unlock()
		return
	}
	c.state, c.surveyed = StateSurvey, true
	q := c.queue
	var ag = c.lastAgent
	c.mu.Unlock()
	scale := 5
	if q != nil && q.SurveyScale > 0 {
		scale = q.SurveyScale
	}
	lang := c.lang()
	keys := make(chan rune, 8)
	c.keySink(keys)
	score := 0
	for try := 0; try < 2 && score == 0; try++ {
		c.play(c.m.Audio.Say(c.ctx, lang, surveyText(lang, scale)), false)
		k := c.waitKey(keys, 10*time.Second)
		if k == 0 && c.State() == StateEnded {
			return
		}
		if k >= '1' && int(k-'0') <= scale {
			score = int(k - '0')
		}
	}
	c.keySink(nil)
	if score == 0 {
		c.end("system", "survey_no_answer")
		return
	}
	queue := ""
	if q != nil {
		queue = q.Name
	}
	r := calllog.Rating{CallID: c.ID, At: time.Now(), Score: score, Scale: scale, Queue: queue}
	if ag != nil {
		r.AgentID, r.TeamID, r.DepartmentID = ag.UserID, ag.TeamID, ag.DepartmentID
	}
	if _, err := calllog.SaveRating(context.Background(), c.m.DB, r); err != nil {
		c.m.Logger.Warn("rating not stored", "call", c.ID, "err", err)
	}
	c.emit(calllog.CallRated, calllog.Event{Leg: "caller", AgentID: r.AgentID, Queue: queue, Data: calllog.Data{Score: score, Scale: scale}})
	c.sayThenEnd("survey_done", lang, thanksText(lang))
}

func surveyText(lang string, scale int) string {
	if lang == "en" {
		return fmt.Sprintf("Please rate our service: press 1 for very unsatisfied up to %d for very satisfied.", scale)
	}
	return fmt.Sprintf("请对本次服务进行评价：非常不满意请按1，非常满意请按%d。", scale)
}

func thanksText(lang string) string {
	if lang == "en" {
		return "Thank you for your rating. Goodbye."
	}
	return "感谢您的评价，再见。"
}
