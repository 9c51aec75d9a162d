package complaintui

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

var penaltyFields = []string{"minor_fen", "general_fen", "serious_fen"}

type penaltiesView struct {
	Form    *web.Form
	CanEdit bool
}

func (u *UI) penalties(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	p, err := u.Svc.Penalties(r.Context())
	if err != nil {
		return err
	}
	f := u.UI.NewForm(r, penaltyFields...)
	f.Set("minor_fen", yuan(p.MinorFen))
	f.Set("general_fen", yuan(p.GeneralFen))
	f.Set("serious_fen", yuan(p.SeriousFen))
	u.UI.Render(w, r, "complaints_penalties", &penaltiesView{Form: f, CanEdit: a.Can(complaint.PermSettings)})
	return nil
}

func (u *UI) penaltiesSave(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.UI.ParseForm(r, penaltyFields...)
	var in complaint.PenaltiesInput
	for name, dst := range map[string]**int64{"minor_fen": &in.MinorFen, "general_fen": &in.GeneralFen, "serious_fen": &in.SeriousFen} {
		fen, err := parseYuan(f.Get(name))
		if err != nil {
			f.Invalid(name, "complaints.err.yuan")
			continue
		}
		*dst = &fen
	}
	status, err := u.save(r, f, penaltyFields, func() error {
		_, err := u.Svc.SetPenalties(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		u.UI.RenderStatus(w, r, status, "complaints_penalties", &penaltiesView{Form: f, CanEdit: true})
		return nil
	}
	u.UI.Flash(w, web.FlashOK, "complaints.flash.penalties")
	web.Redirect(w, r, Base+"/penalties")
	return nil
}
