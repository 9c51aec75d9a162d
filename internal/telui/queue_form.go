package telui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/web"
)

// The queue editor's plain inputs; the skill and widening rows are added per
// form (skills_0_skill, skills_0_min_level, widening_0_after_sec, ...).
var queueFields = []string{"name", "department_id", "strategy", "priority",
	"ring_timeout_sec", "no_answer_not_ready", "wrap_up_sec", "survey", "survey_scale",
	"max_waiting", "max_wait_sec", "overflow_action", "overflow_queue_id", "overflow_target", "overflow_box",
	"overflow_message", "overflow_no_agents", "announce_interval_sec", "language", "priority_boost_sec",
	"service_level_sec", "short_abandon_sec", "music_on_hold"}

// Blank rows offered below the filled ones, so that an operator can add
// skills and widening steps without a script.
const (
	blankSkillRows    = 2
	blankWideningRows = 1
)

// queueInputs names every input of a form with the given row counts.
func queueInputs(skills, widening int) inputs {
	in := newInputs(queueFields...)
	for i := 0; i < skills; i++ {
		in[fmt.Sprintf("skills_%d_skill", i)] = true
		in[fmt.Sprintf("skills_%d_min_level", i)] = true
	}
	for i := 0; i < widening; i++ {
		for _, s := range []string{"", "_after_sec", "_lower_by", "_drop_skill"} {
			in[fmt.Sprintf("widening_%d%s", i, s)] = true
		}
	}
	return in
}

// rowCount is how many rows of a repeated group a posted form carries: one
// more than the highest index of prefix_N_suffix (bounded).
func rowCount(f *web.Form, prefix, suffix string) int {
	n := 0
	for k := range f.Values {
		rest, ok := strings.CutPrefix(k, prefix+"_")
		if !ok {
			continue
		}
		idx, ok := strings.CutSuffix(rest, "_"+suffix)
		if !ok {
			continue
		}
		if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < 100 && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// secText shows a seconds setting; 0 is "" where 0 means the default.
func secText(v int, zeroIsDefault bool) string {
	if v == 0 && zeroIsDefault {
		return ""
	}
	return strconv.Itoa(v)
}

// queueValues fills the editor from a queue and returns its row counts.
func queueValues(f *web.Form, q *queues.Queue) (skills, widening int) {
	set := map[string]string{
		"name": q.Name, "department_id": idText(q.DepartmentID), "strategy": string(q.Strategy),
		"priority": strconv.Itoa(q.Priority), "ring_timeout_sec": secText(q.RingTimeoutSec, true),
		"no_answer_not_ready": boolValue(q.NoAnswer.NotReady), "wrap_up_sec": strconv.Itoa(q.WrapUpSec),
		"survey": boolValue(q.Survey), "survey_scale": secText(q.SurveyScale, true),
		"max_waiting": strconv.Itoa(q.MaxWaiting), "max_wait_sec": strconv.Itoa(q.MaxWaitSec),
		"overflow_action": string(q.Overflow.Action), "overflow_queue_id": idText(q.Overflow.QueueID),
		"overflow_message": q.Overflow.Message, "overflow_no_agents": boolValue(q.OverflowNoAgents),
		"announce_interval_sec": strconv.Itoa(q.AnnounceIntervalSec), "language": q.Language,
		"priority_boost_sec": secText(q.PriorityBoostSec, true), "service_level_sec": secText(q.ServiceLevelSec, true),
		"short_abandon_sec": strconv.Itoa(q.ShortAbandonSec), "music_on_hold": q.MusicOnHold,
	}
	switch q.Overflow.Action {
	case acd.OverflowIVR:
		set["overflow_target"] = q.Overflow.Target
	case acd.OverflowVoicemail:
		set["overflow_box"] = q.Overflow.Target
	}
	for k, v := range set {
		f.Set(k, v)
	}
	for i, s := range q.Skills {
		f.Set(fmt.Sprintf("skills_%d_skill", i), s.Skill)
		f.Set(fmt.Sprintf("skills_%d_min_level", i), strconv.Itoa(s.MinLevel))
	}
	for i, w := range q.Widening {
		f.Set(fmt.Sprintf("widening_%d_after_sec", i), strconv.Itoa(w.AfterSec))
		f.Set(fmt.Sprintf("widening_%d_lower_by", i), strconv.Itoa(w.LowerBy))
		f.Set(fmt.Sprintf("widening_%d_drop_skill", i), w.DropSkill)
	}
	return len(q.Skills) + blankSkillRows, len(q.Widening) + blankWideningRows
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return itoa(id)
}

// queueForm is a parsed queue editor: the queue, and for each skill and
// widening step the form row it came from (blank rows are skipped, so the
// validators' indexes need mapping back).
type queueForm struct {
	Q          queues.Queue
	skillRow   []int
	wideRow    []int
	skills     int
	widening   int
	overflowIn string // the input holding Overflow.Target
}

// parseQueue reads the editor over base (the stored queue, or a new one):
// settings the editor does not show (members, the no-answer reason) stay.
func (h *handlers) parseQueue(r *http.Request, f *web.Form, base queues.Queue) *queueForm {
	p := &queueForm{Q: base, skills: rowCount(f, "skills", "skill"), widening: rowCount(f, "widening", "after_sec")}
	q := &p.Q
	q.Members = nil // members are managed on their own; nil keeps them
	num := func(name string, def int) int { return h.intField(r, f, name, def) }
	q.Name = f.Get("name")
	q.DepartmentID = int64(num("department_id", 0))
	q.Strategy = acd.Strategy(f.Get("strategy"))
	q.Priority = num("priority", 0)
	q.RingTimeoutSec = num("ring_timeout_sec", 0)
	q.NoAnswer.NotReady = checked(f, "no_answer_not_ready")
	q.WrapUpSec = num("wrap_up_sec", 0)
	q.Survey = checked(f, "survey")
	q.SurveyScale = num("survey_scale", 0)
	q.MaxWaiting = num("max_waiting", 0)
	q.MaxWaitSec = num("max_wait_sec", 0)
	q.OverflowNoAgents = checked(f, "overflow_no_agents")
	q.AnnounceIntervalSec = num("announce_interval_sec", 0)
	q.Language = f.Get("language")
	q.PriorityBoostSec = num("priority_boost_sec", 0)
	q.ServiceLevelSec = num("service_level_sec", 0)
	q.ShortAbandonSec = num("short_abandon_sec", 0)
	q.MusicOnHold = f.Get("music_on_hold")
	h.parseOverflow(r, f, p)
	h.parseSkills(r, f, p)
	h.parseWidening(r, f, p)
	return p
}

func (h *handlers) parseOverflow(r *http.Request, f *web.Form, p *queueForm) {
	o := acd.Overflow{Action: acd.OverflowAction(f.Get("overflow_action"))}
	switch o.Action {
	case acd.OverflowQueue:
		o.QueueID = int64(h.intField(r, f, "overflow_queue_id", 0))
	case acd.OverflowIVR:
		o.Target, p.overflowIn = f.Get("overflow_target"), "overflow_target"
	case acd.OverflowVoicemail:
		o.Target, p.overflowIn = f.Get("overflow_box"), "overflow_box"
	case acd.OverflowHangup:
		o.Message = f.Get("overflow_message")
	}
	p.Q.Overflow = o
}

func (h *handlers) parseSkills(r *http.Request, f *web.Form, p *queueForm) {
	p.Q.Skills = nil
	for i := 0; i < p.skills; i++ {
		name := f.Get(fmt.Sprintf("skills_%d_skill", i))
		lvlIn := fmt.Sprintf("skills_%d_min_level", i)
		if name == "" && f.Get(lvlIn) == "" {
			continue
		}
		lvl := h.intField(r, f, lvlIn, 0)
		p.Q.Skills = append(p.Q.Skills, acd.SkillReq{Skill: name, MinLevel: lvl})
		p.skillRow = append(p.skillRow, i)
	}
}

func (h *handlers) parseWidening(r *http.Request, f *web.Form, p *queueForm) {
	p.Q.Widening = nil
	for i := 0; i < p.widening; i++ {
		pre := fmt.Sprintf("widening_%d_", i)
		if f.Get(pre+"after_sec") == "" && f.Get(pre+"lower_by") == "" && f.Get(pre+"drop_skill") == "" {
			continue
		}
		w := acd.WideningStep{AfterSec: h.intField(r, f, pre+"after_sec", 0),
			LowerBy: h.intField(r, f, pre+"lower_by", 0), DropSkill: f.Get(pre + "drop_skill")}
		p.Q.Widening = append(p.Q.Widening, w)
		p.wideRow = append(p.wideRow, i)
	}
}

// formError maps a validator's field (indexes into the compacted lists,
// the overflow target shared by two inputs) to the editor's inputs.
func (p *queueForm) formError(err error) error {
	e := apperr.As(err)
	if e == nil || e.Field == "" {
		return err
	}
	field := e.Field
	field = remapIndex(field, "skills", p.skillRow)
	field = remapIndex(field, "widening", p.wideRow)
	if field == "overflow.target" && p.overflowIn != "" {
		field = p.overflowIn
	}
	return rename(err, e.Field, field)
}

// remapIndex rewrites "list[k]..." to "list[rows[k]]...".
func remapIndex(field, list string, rows []int) string {
	rest, ok := strings.CutPrefix(field, list+"[")
	if !ok {
		return field
	}
	idx, tail, ok := strings.Cut(rest, "]")
	if !ok {
		return field
	}
	k, err := strconv.Atoi(idx)
	if err != nil || k < 0 || k >= len(rows) {
		return field
	}
	return fmt.Sprintf("%s[%d]%s", list, rows[k], tail)
}
