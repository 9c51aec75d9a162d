package provision

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
)

// Deps are the services a document is applied through, so that every
// change is validated and audited as if made in the UI.
type Deps struct {
	DB      *store.DB
	Org     *org.Service
	PBX     *pbx.Service
	Queues  *queues.Service
	DataDir string
}

// Report says what Apply did, as "kind:name" entries.
type Report struct {
	Created   []string `json:"created"`
	Updated   []string `json:"updated"`
	Unchanged []string `json:"unchanged"`
}

func (r *Report) add(kind, name string, created, changed bool) {
	e := kind + ":" + name
	switch {
	case created:
		r.Created = append(r.Created, e)
	case changed:
		r.Updated = append(r.Updated, e)
	default:
		r.Unchanged = append(r.Unchanged, e)
	}
}

// Apply makes the database match doc. Objects are applied in dependency
// order; the first error stops it, naming the object.
func Apply(ctx context.Context, d Deps, doc *Document, a *org.Actor) (*Report, error) {
	r := &Report{Created: []string{}, Updated: []string{}, Unchanged: []string{}}
	steps := []func(context.Context, Deps, *Document, *org.Actor, *Report) error{
		applyDepartments, applyTeams, applyExtensions, applyUsers, applyIVR, applyQueues, applyTrunks, applyNumbers,
	}
	for _, step := range steps {
		if err := step(ctx, d, doc, a, r); err != nil {
			return r, err
		}
	}
	return r, nil
}

func applyDepartments(ctx context.Context, d Deps, doc *Document, a *org.Actor, r *Report) error {
	for _, want := range doc.Departments {
		all, err := d.Org.Departments(ctx)
		if err != nil {
			return err
		}
		parent := int64(0)
		if want.Parent != "" {
			if parent = deptID(all, want.Parent); parent == 0 {
				return apperr.Invalid("departments", "department %q: parent %q is not defined before it", want.Name, want.Parent)
			}
		}
		var found *org.Department
		for i := range all {
			if all[i].Name == want.Name {
				found = &all[i]
			}
		}
		switch {
		case found == nil:
			if _, err := d.Org.CreateDepartment(ctx, a, org.DepartmentInput{Name: want.Name, ParentID: parent}); err != nil {
				return fmt.Errorf("department %q: %w", want.Name, err)
			}
			r.add("department", want.Name, true, false)
		case found.ParentID != parent:
			if _, err := d.Org.UpdateDepartment(ctx, a, found.ID, org.DepartmentInput{Name: want.Name, ParentID: parent}); err != nil {
				return fmt.Errorf("department %q: %w", want.Name, err)
			}
			r.add("department", want.Name, false, true)
		default:
			r.add("department", want.Name, false, false)
		}
	}
	return nil
}

func deptID(all []org.Department, name string) int64 {
	for _, x := range all {
		if x.Name == name {
			return x.ID
		}
	}
	return 0
}

func (d Deps) deptByName(ctx context.Context, name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	all, err := d.Org.Departments(ctx)
	if err != nil {
		return 0, err
	}
	if id := deptID(all, name); id != 0 {
		return id, nil
	}
	return 0, apperr.Invalid("department", "department %q does not exist", name)
}

func (d Deps) teamByName(ctx context.Context, name string) (*org.Team, error) {
	ts, err := d.Org.Teams(ctx, 0)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Name == name {
			return &ts[i], nil
		}
	}
	return nil, apperr.Invalid("team", "team %q does not exist", name)
}

func applyTeams(ctx context.Context, d Deps, doc *Document, a *org.Actor, r *Report) error {
	for _, want := range doc.Teams {
		dept, err := d.deptByName(ctx, want.Department)
		if err != nil {
			return fmt.Errorf("team %q: %w", want.Name, err)
		}
		t, err := d.teamByName(ctx, want.Name)
		switch {
		case err != nil:
			if _, err := d.Org.CreateTeam(ctx, a, org.TeamInput{Name: want.Name, DepartmentID: dept}); err != nil {
				return fmt.Errorf("team %q: %w", want.Name, err)
			}
			r.add("team", want.Name, true, false)
		case t.DepartmentID != dept:
			if _, err := d.Org.UpdateTeam(ctx, a, t.ID, org.TeamInput{Name: want.Name, DepartmentID: dept, LeaderID: t.LeaderID}); err != nil {
				return fmt.Errorf("team %q: %w", want.Name, err)
			}
			r.add("team", want.Name, false, true)
		default:
			r.add("team", want.Name, false, false)
		}
	}
	return nil
}

func applyExtensions(ctx context.Context, d Deps, doc *Document, a *org.Actor, r *Report) error {
	for _, want := range doc.Extensions {
		cur, err := d.PBX.ExtensionByNumber(ctx, want.Number)
		if apperr.KindOf(err) == apperr.KindNotFound {
			if _, err := d.PBX.CreateExtension(ctx, a, pbx.ExtensionInput{Number: want.Number, DisplayName: want.DisplayName, Password: want.Password}); err != nil {
				return fmt.Errorf("extension %s: %w", want.Number, err)
			}
			r.add("extension", want.Number, true, false)
			continue
		}
		if err != nil {
			return err
		}
		acct, err := d.PBX.Account(ctx, want.Number)
		if err != nil {
			return err
		}
		md5h, _ := pbx.HA1(want.Number, pbx.Realm, want.Password)
		if cur.DisplayName == want.DisplayName && cur.Enabled && (want.Password == "" || acct.HA1MD5 == md5h) {
			r.add("extension", want.Number, false, false)
			continue
		}
		on := true
		if _, err := d.PBX.UpdateExtension(ctx, a, cur.ID, pbx.ExtensionInput{Number: want.Number, DisplayName: want.DisplayName,
			Password: want.Password, Enabled: &on}); err != nil {
			return fmt.Errorf("extension %s: %w", want.Number, err)
		}
		r.add("extension", want.Number, false, true)
	}
	return nil
}

func (d Deps) roleID(ctx context.Context, name string) (int64, error) {
	if name == "" {
		name = org.RoleAgent
	}
	if role, err := d.Org.RoleByKey(ctx, name); err == nil {
		return role.ID, nil
	}
	roles, err := d.Org.Roles(ctx)
	if err != nil {
		return 0, err
	}
	for _, role := range roles {
		if role.Name == name {
			return role.ID, nil
		}
	}
	return 0, apperr.Invalid("role", "role %q does not exist", name)
}

func applyUsers(ctx context.Context, d Deps, doc *Document, a *org.Actor, r *Report) error {
	for _, want := range doc.Users {
		roleID, err := d.roleID(ctx, want.Role)
		if err != nil {
			return fmt.Errorf("user %q: %w", want.Username, err)
		}
		dept, err := d.deptByName(ctx, want.Department)
		if err != nil {
			return fmt.Errorf("user %q: %w", want.Username, err)
		}
		var team int64
		if want.Team != "" {
			t, err := d.teamByName(ctx, want.Team)
			if err != nil {
				return fmt.Errorf("user %q: %w", want.Username, err)
			}
			team = t.ID
		}
		cred, err := d.Org.CredentialFor(ctx, want.Username)
		var id int64
		if err != nil {
			if want.HireDate == "" {
				want.HireDate = time.Now().Format(time.DateOnly)
			}
			u, err := d.Org.CreateUser(ctx, a, org.UserInput{Username: want.Username, DisplayName: want.DisplayName,
				Password: want.Password, RoleID: roleID, DepartmentID: dept, TeamID: team, Extension: want.Extension, HireDate: want.HireDate})
			if err != nil {
				return fmt.Errorf("user %q: %w", want.Username, err)
			}
			id = u.ID
			r.add("user", want.Username, true, false)
		} else {
			id = cred.UserID
			cur, err := d.Org.User(ctx, org.System(), id)
			if err != nil {
				return err
			}
			if cur.DisplayName != want.DisplayName || cur.RoleID != roleID || cur.DepartmentID != dept || cur.TeamID != team ||
				cur.Extension != want.Extension || !cur.Active {
				on := true
				p := org.UserPatch{DisplayName: &want.DisplayName, RoleID: &roleID, DepartmentID: &dept, TeamID: &team,
					Extension: &want.Extension, Active: &on}
				if _, err := d.Org.UpdateUser(ctx, a, id, p); err != nil {
					return fmt.Errorf("user %q: %w", want.Username, err)
				}
				r.add("user", want.Username, false, true)
			} else {
				r.add("user", want.Username, false, false)
			}
		}
		if want.Skills != nil {
			cur, err := d.Queues.Agent(ctx, id)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(cur.Skills, want.Skills) {
				if _, err := d.Queues.SetAgent(ctx, a, queues.Agent{UserID: id, Skills: want.Skills, Queues: cur.Queues}); err != nil {
					return fmt.Errorf("user %q skills: %w", want.Username, err)
				}
			}
		}
	}
	return nil
}

func applyIVR(ctx context.Context, d Deps, doc *Document, a *org.Actor, r *Report) error {
	if doc.ivrDoc == nil {
		return nil
	}
	rep, err := ivr.Apply(ctx, d.DB, doc.ivrDoc, ivr.ApplyOptions{By: a.Username, DataDir: d.DataDir})
	if err != nil {
		return err
	}
	r.Created = append(r.Created, rep.Created...)
	r.Updated = append(r.Updated, rep.Updated...)
	r.Unchanged = append(r.Unchanged, rep.Unchanged...)
	return nil
}

func applyQueues(ctx context.Context, d Deps, doc *Document, a *org.Actor, r *Report) error {
	for _, want := range doc.Queues {
		q := want.Queue
		dept, err := d.deptByName(ctx, want.Department)
		if err != nil {
			return fmt.Errorf("queue %q: %w", q.Name, err)
		}
		q.DepartmentID = dept
		q.Members = []queues.Member{}
		for _, name := range want.MemberNames {
			c, err := d.Org.CredentialFor(ctx, name)
			if err != nil {
				return apperr.Invalid("queues", "queue %q: member %q is not a user", q.Name, name)
			}
			q.Members = append(q.Members, queues.Member{UserID: c.UserID})
		}
		cur, err := d.Queues.ByName(ctx, q.Name)
		created := apperr.KindOf(err) == apperr.KindNotFound
		if err != nil && !created {
			return err
		}
		if !created {
			q.ID = cur.ID
			if sameQueue(cur, &q) {
				r.add("queue", q.Name, false, false)
				continue
			}
		}
		if _, err := d.Queues.Save(ctx, a, q); err != nil {
			return fmt.Errorf("queue %q: %w", q.Name, err)
		}
		r.add("queue", q.Name, created, !created)
	}
	return nil
}

// sameQueue compares a stored queue with the wanted one after defaults.
func sameQueue(cur, want *queues.Queue) bool {
	w := *want
	if w.Strategy == "" {
		w.Strategy = acd.LongestIdle
	}
	if w.Language == "" {
		w.Language = "zh-CN"
	}
	if w.SurveyScale == 0 {
		w.SurveyScale = 5
	}
	c := *cur
	sort.Slice(c.Members, func(i, j int) bool { return c.Members[i].UserID < c.Members[j].UserID })
	sort.Slice(w.Members, func(i, j int) bool { return w.Members[i].UserID < w.Members[j].UserID })
	c.CreatedAt, c.UpdatedAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(c, w)
}

func applyTrunks(ctx context.Context, d Deps, doc *Document, a *org.Actor, r *Report) error {
	for _, want := range doc.Trunks {
		in := want.TrunkInput
		cur, err := d.PBX.TrunkByName(ctx, in.Name)
		if apperr.KindOf(err) == apperr.KindNotFound {
			if _, err := d.PBX.CreateTrunk(ctx, a, in); err != nil {
				return fmt.Errorf("trunk %q: %w", in.Name, err)
			}
			r.add("trunk", in.Name, true, false)
			continue
		}
		if err != nil {
			return err
		}
		transport := in.Transport
		if transport == "" {
			transport = "udp"
		}
		same := cur.Host == in.Host && cur.Transport == transport && reflect.DeepEqual(cur.TrustedSources, nonNil(in.TrustedSources)) &&
			cur.Register == in.Register && cur.Username == in.Username && cur.CallerID == in.CallerID &&
			cur.DialPrefix == in.DialPrefix && (in.Password == "" || in.Password == cur.Password()) && cur.Enabled
		if same {
			r.add("trunk", in.Name, false, false)
			continue
		}
		if _, err := d.PBX.UpdateTrunk(ctx, a, cur.ID, in); err != nil {
			return fmt.Errorf("trunk %q: %w", in.Name, err)
		}
		r.add("trunk", in.Name, false, true)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func applyNumbers(ctx context.Context, d Deps, doc *Document, a *org.Actor, r *Report) error {
	all, err := d.PBX.Numbers(ctx)
	if err != nil {
		return err
	}
	for _, want := range doc.Numbers {
		var cur *pbx.Number
		for i := range all {
			if all[i].Number == want.Number {
				cur = &all[i]
			}
		}
		if cur == nil {
			if _, err := d.PBX.CreateNumber(ctx, a, want); err != nil {
				return fmt.Errorf("number %s: %w", want.Number, err)
			}
			r.add("number", want.Number, true, false)
			continue
		}
		if cur.RouteKind == want.RouteKind && cur.RouteTarget == want.RouteTarget && cur.Description == want.Description &&
			cur.Priority == want.Priority && cur.Enabled {
			r.add("number", want.Number, false, false)
			continue
		}
		if _, err := d.PBX.UpdateNumber(ctx, a, cur.ID, want); err != nil {
			return fmt.Errorf("number %s: %w", want.Number, err)
		}
		r.add("number", want.Number, false, true)
	}
	return nil
}
