package telui

import (
	"context"
	"sort"

	"github.com/hotline-cc/hotline/internal/org"
)

// maxUserPages bounds allUsers (50 × 1000 users).
const maxUserPages = 50

// allUsers lists every user in a's scope matching q, page by page.
func (h *handlers) allUsers(ctx context.Context, a *org.Actor, q org.UserQuery) ([]org.User, error) {
	q.Limit, q.Sort = 1000, "display_name"
	var out []org.User
	for page := 0; page < maxUserPages; page++ {
		q.Offset = page * q.Limit
		us, total, err := h.Org.Users(ctx, a, q)
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
		if len(out) >= total || len(us) == 0 {
			break
		}
	}
	return out, nil
}

// agentUsers lists the active users in a's scope who have an extension:
// the people the ACD can offer calls to.
func (h *handlers) agentUsers(ctx context.Context, a *org.Actor) ([]org.User, error) {
	active := true
	us, err := h.allUsers(ctx, a, org.UserQuery{Active: &active})
	if err != nil {
		return nil, err
	}
	out := us[:0]
	for _, u := range us {
		if u.Extension != "" {
			out = append(out, u)
		}
	}
	return out, nil
}

// names resolves user IDs to "display name (extension)" labels. Names are
// not scoped data: a call's legs may name agents outside the viewer's
// scope, and a name is what makes the timeline readable.
type names map[int64]string

func (h *handlers) userNames(ctx context.Context, ids ...int64) names {
	out := names{}
	for _, id := range ids {
		if id == 0 || out[id] != "" {
			continue
		}
		u, err := h.Org.User(ctx, org.System(), id)
		if err != nil {
			out[id] = "#" + itoa(id)
			continue
		}
		out[id] = userLabel(u)
	}
	return out
}

func userLabel(u *org.User) string {
	if u.Extension != "" {
		return u.DisplayName + " (" + u.Extension + ")"
	}
	return u.DisplayName
}

// userOptions are select entries for users, by label.
func userOptions(us []org.User) []opt {
	out := make([]opt, 0, len(us))
	for i := range us {
		out = append(out, opt{Value: itoa(us[i].ID), Label: userLabel(&us[i])})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}
