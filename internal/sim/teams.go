package sim

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/hotline-cc/hotline/internal/org"
)

type deptPlan struct {
	id     int64
	weight float64 // share of the agents (its queues)
	count  int     // agents in it
	teams  []int64 // its simulator teams, in order
	sizes  map[int64]int
	names  map[string]int64
}

type teamPlan struct{ depts []*deptPlan }

// agentDepartments are the departments of the queues, weighted by their
// number of queues; without any, the first department (created when
// there is none).
func agentDepartments(ctx context.Context, o *org.Service, qs []Queue) ([]*deptPlan, error) {
	w := map[int64]float64{}
	for _, q := range qs {
		if q.DepartmentID != 0 {
			w[q.DepartmentID]++
		}
	}
	if len(w) == 0 {
		ds, err := o.Departments(ctx)
		if err != nil {
			return nil, err
		}
		var id int64
		for _, d := range ds {
			if id == 0 || d.ID < id {
				id = d.ID
			}
		}
		if id == 0 {
			d, err := o.CreateDepartment(ctx, org.System(), org.DepartmentInput{Name: "模拟客服中心"})
			if err != nil {
				return nil, err
			}
			id = d.ID
		}
		w[id] = 1
	}
	var out []*deptPlan
	for id, x := range w {
		out = append(out, &deptPlan{id: id, weight: x, sizes: map[int64]int{}, names: map[string]int64{}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	for _, d := range out {
		ts, err := o.Teams(ctx, d.id)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			d.names[t.Name] = t.ID
		}
	}
	return out, nil
}

func newTeamPlan(depts []*deptPlan, existing []simAgent) *teamPlan {
	p := &teamPlan{depts: depts}
	for _, s := range existing {
		for _, d := range depts {
			if s.user.DepartmentID == d.id {
				d.count++
				if s.user.TeamID != 0 {
					d.sizes[s.user.TeamID]++
				}
			}
		}
	}
	return p
}

// nextDepartment is the department furthest below its share.
func (p *teamPlan) nextDepartment() *deptPlan {
	total, sum := 0, 0.0
	for _, d := range p.depts {
		total += d.count
		sum += d.weight
	}
	var best *deptPlan
	bestGap := math.Inf(-1)
	for _, d := range p.depts {
		gap := d.weight/sum*float64(total+1) - float64(d.count)
		if gap > bestGap {
			best, bestGap = d, gap
		}
	}
	return best
}

// team is the department's first simulator team with room ("模拟一组",
// "模拟二组", …), created when needed.
func (p *teamPlan) team(ctx context.Context, o *org.Service, d *deptPlan) (int64, error) {
	for i := 1; ; i++ {
		name := teamName(i)
		id, ok := d.names[name]
		if !ok {
			t, err := o.CreateTeam(ctx, org.System(), org.TeamInput{Name: name, DepartmentID: d.id})
			if err != nil {
				return 0, fmt.Errorf("sim: create team %s: %w", name, err)
			}
			d.names[name], id = t.ID, t.ID
		}
		if d.sizes[id] < TeamSize {
			return id, nil
		}
	}
}

func (p *teamPlan) joined(d *deptPlan, team int64) {
	d.count++
	d.sizes[team]++
}
