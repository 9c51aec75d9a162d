package telui

import (
	"net/http"
	"sort"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/web"
)

var memberInputs = newInputs("user_id", "penalty")

// maxPenalty is the highest member penalty (the ACD's limit).
const maxPenalty = 1000

type memberRow struct {
	UserID  int64
	Name    string
	Penalty int
}

// memberView fills the member list and the agents who could join.
func (h *handlers) memberView(r *http.Request, a *org.Actor, v *queueFormView) error {
	ids := make([]int64, 0, len(v.Queue.Members))
	in := map[int64]bool{}
	for _, m := range v.Queue.Members {
		ids = append(ids, m.UserID)
		in[m.UserID] = true
	}
	nm := h.userNames(r.Context(), ids...)
	for _, m := range v.Queue.Members {
		v.Members = append(v.Members, memberRow{UserID: m.UserID, Name: nm[m.UserID], Penalty: m.Penalty})
	}
	sort.SliceStable(v.Members, func(i, j int) bool { return v.Members[i].Name < v.Members[j].Name })
	agents, err := h.agentUsers(r.Context(), a)
	if err != nil {
		return err
	}
	var free []org.User
	for _, u := range agents {
		if !in[u.ID] {
			free = append(free, u)
		}
	}
	v.Candidates = userOptions(free)
	if v.MemberForm == nil {
		v.MemberForm = h.ui.NewForm(r, memberInputs.list()...)
		v.MemberForm.Set("penalty", "0")
	}
	return nil
}

// penalty reads a member penalty input.
func (h *handlers) penalty(r *http.Request, f *web.Form) int {
	p := h.intField(r, f, "penalty", 0)
	if p < 0 || p > maxPenalty {
		h.invalid(r, f, "penalty", "tel.err.range", "0", itoa(maxPenalty))
	}
	return p
}

// saveMembers stores a queue's new member list, or re-renders the queue
// page with the member form's error.
func (h *handlers) saveMembers(w http.ResponseWriter, r *http.Request, a *org.Actor, q *queues.Queue, f *web.Form,
	members []queues.Member, okKey, arg string) error {
	status, err := h.save(r, f, memberInputs, func() error {
		next := *q
		next.Members = members
		_, err := h.Queues.Save(r.Context(), a, next)
		return rename(err, "members[0].user_id", "user_id")
	})
	if err != nil {
		return err
	}
	if status != 0 {
		ef := h.ui.NewForm(r, queueFields...)
		s, wd := queueValues(ef, q)
		return h.queuePage(w, r, a, queueFormView{Queue: q, Form: ef, SkillRows: seq(s), WideningRows: seq(wd),
			MemberForm: f}, status)
	}
	h.back(w, r, Base+"/queues/"+itoa(q.ID)+"#members", okKey, arg, q.Name)
	return nil
}

func (h *handlers) memberAdd(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q, err := h.queueByID(r)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r, memberInputs.list()...)
	uid := f.ID("user_id")
	if uid == 0 && f.Err("user_id") == "" {
		h.invalid(r, f, "user_id", "err.required")
	}
	pen := h.penalty(r, f)
	members := []queues.Member{{UserID: uid, Penalty: pen}} // first, so an error names it
	for _, m := range q.Members {
		if m.UserID != uid {
			members = append(members, m)
		}
	}
	name := h.userNames(r.Context(), uid)[uid]
	return h.saveMembers(w, r, a, q, f, members, "tel.flash.member_added", name)
}

// memberOf reads {uid} and checks it is a member of q.
func memberOf(r *http.Request, q *queues.Queue) (int64, error) {
	uid, err := web.PathID(r, "uid")
	if err != nil {
		return 0, err
	}
	for _, m := range q.Members {
		if m.UserID == uid {
			return uid, nil
		}
	}
	return 0, errNoMember
}

func (h *handlers) memberPenalty(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q, err := h.queueByID(r)
	if err != nil {
		return err
	}
	uid, err := memberOf(r, q)
	if err != nil {
		return err
	}
	f := h.ui.ParseForm(r, memberInputs.list()...)
	f.Set("user_id", itoa(uid))
	pen := h.penalty(r, f)
	name := h.userNames(r.Context(), uid)[uid]
	if msg := f.Errors["penalty"]; msg != "" {
		// The row's own input is not the add form's: say whose penalty it is.
		delete(f.Errors, "penalty")
		f.Error = name + ": " + msg
	}
	members := []queues.Member{{UserID: uid, Penalty: pen}}
	for _, m := range q.Members {
		if m.UserID != uid {
			members = append(members, m)
		}
	}
	return h.saveMembers(w, r, a, q, f, members, "tel.flash.member_saved", name)
}

func (h *handlers) memberRemove(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	q, err := h.queueByID(r)
	if err != nil {
		return err
	}
	uid, err := memberOf(r, q)
	if err != nil {
		return err
	}
	members := []queues.Member{}
	for _, m := range q.Members {
		if m.UserID != uid {
			members = append(members, m)
		}
	}
	name := h.userNames(r.Context(), uid)[uid]
	f := h.ui.NewForm(r, memberInputs.list()...)
	return h.saveMembers(w, r, a, q, f, members, "tel.flash.member_removed", name)
}

var errNoMember = apperr.NotFound("member")
