package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store"
)

// UsernamePrefix marks the simulated agents' logins: sim.0001, sim.0002, …
const UsernamePrefix = "sim."

var simUser = regexp.MustCompile(`^sim\.(\d{4,})$`)

// TeamSize is how many simulated agents a team takes.
const TeamSize = 15

// workforce is the simulated agents of one run.
type workforce struct {
	agents  []Agent
	leave   map[int64]time.Time // agent → local midnight of their leave date
	created int
	leavers int
}

type simAgent struct {
	n    int
	user org.User
}

// ensureAgents makes sure n simulated agents work in the period: the
// first n simulated users (by number) hired before it and not gone
// before it, creating the missing ones as agents in teams of the queues'
// departments, and gives a few of them a leave date inside the period
// (turnover). The agents are real users (org), with extensions but no
// phones, and are not queue members of the live ACD.
func ensureAgents(ctx context.Context, db *store.DB, o *org.Service, qs []Queue, n int, cfg Config, today string) (*workforce, error) {
	sys := org.System()
	existing, err := simUsers(ctx, o)
	if err != nil {
		return nil, err
	}
	fromDate := cfg.From.In(cfg.Location).Format(time.DateOnly)
	var use []simAgent
	maxN := 0
	for _, s := range existing {
		maxN = max(maxN, s.n)
		u := s.user
		if len(use) < n && (u.HireDate == "" || u.HireDate <= fromDate) && (u.LeaveDate == "" || u.LeaveDate > fromDate) {
			use = append(use, s)
		}
	}
	wf := &workforce{leave: map[int64]time.Time{}}
	if len(use) < n {
		made, err := createAgents(ctx, db, o, qs, existing, maxN, n-len(use), cfg)
		if err != nil {
			return nil, err
		}
		use = append(use, made...)
		wf.created = len(made)
	}
	for _, s := range use {
		wf.agents = append(wf.agents, Agent{ID: s.user.ID, Extension: s.user.Extension, TeamID: s.user.TeamID,
			DepartmentID: s.user.DepartmentID})
	}
	sort.Slice(wf.agents, func(i, j int) bool { return wf.agents[i].ID < wf.agents[j].ID })
	if err := chooseLeavers(ctx, o, sys, use, wf, cfg, today); err != nil {
		return nil, err
	}
	return wf, nil
}

// simUsers lists the simulated users by number.
func simUsers(ctx context.Context, o *org.Service) ([]simAgent, error) {
	var out []simAgent
	for off := 0; ; off += 1000 {
		us, total, err := o.Users(ctx, org.System(), org.UserQuery{Search: UsernamePrefix, Limit: 1000, Offset: off, Sort: "id"})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if m := simUser.FindStringSubmatch(u.Username); m != nil {
				k, _ := strconv.Atoi(m[1])
				out = append(out, simAgent{n: k, user: u})
			}
		}
		if off+1000 >= total {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n < out[j].n })
	return out, nil
}

// agentHasher hashes the throw-away password CreateUser insists on; the
// stored hash is replaced right after by one strong hash shared by every
// simulated agent (see createAgents).
var agentHasher = password.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// createAgents creates k simulated agents after number maxN, spread over
// the queues' departments in proportion to their queues, TeamSize to a
// team. Their password is one random secret nobody is told (an
// administrator resets it to log in as one): it is hashed once, at the
// organisation's cost, and that hash is stored for all of them.
func createAgents(ctx context.Context, db *store.DB, o *org.Service, qs []Queue, existing []simAgent, maxN, k int, cfg Config) ([]simAgent, error) {
	sys := org.System()
	role, err := o.RoleByKey(ctx, org.RoleAgent)
	if err != nil {
		return nil, err
	}
	depts, err := agentDepartments(ctx, o, qs)
	if err != nil {
		return nil, err
	}
	teams := newTeamPlan(depts, existing)
	fast := *o
	fast.Hasher = agentHasher
	pw := password.Random(24)
	var made []simAgent
	var ids []int64
	for i := range k {
		num := maxN + 1 + i
		dept := teams.nextDepartment()
		team, err := teams.team(ctx, o, dept)
		if err != nil {
			return nil, err
		}
		u, err := createAgent(ctx, &fast, sys, num, role.ID, dept.id, team, pw, cfg)
		if err != nil {
			return nil, err
		}
		teams.joined(dept, team)
		made = append(made, simAgent{n: num, user: *u})
		ids = append(ids, u.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	hash, err := o.Hasher.Hash(pw)
	if err != nil {
		return nil, err
	}
	for len(ids) > 0 {
		m := min(len(ids), 500)
		var args store.Args
		h := args.Add(hash)
		if _, err := db.ExecContext(ctx, `UPDATE users SET password_hash = `+h+` WHERE id IN `+args.In(ids[:m]...),
			args.Values()...); err != nil {
			return nil, fmt.Errorf("sim: agents' password: %w", err)
		}
		ids = ids[m:]
	}
	return made, nil
}

// createAgent creates simulated agent num with a Chinese name, an
// extension from the 6xxxxx block (the next block when taken) and a hire
// date spread over the six years before the period.
func createAgent(ctx context.Context, o *org.Service, sys *org.Actor, num int, roleID, deptID, teamID int64, pw string, cfg Config) (*org.User, error) {
	r := rand.New(rand.NewPCG(uint64(num), 0x68697265))
	hire := cfg.From.In(cfg.Location).AddDate(0, 0, -(30 + r.IntN(6*365))).Format(time.DateOnly)
	in := org.UserInput{Username: fmt.Sprintf("%s%04d", UsernamePrefix, num), DisplayName: chineseName(num), Password: pw,
		RoleID: roleID, DepartmentID: deptID, TeamID: teamID, HireDate: hire}
	for block := 6; block <= 9; block++ {
		in.Extension = fmt.Sprintf("%d%05d", block, num)
		u, err := o.CreateUser(ctx, sys, in)
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Field == "extension" {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("sim: create agent %s: %w", in.Username, err)
		}
		return u, nil
	}
	return nil, fmt.Errorf("sim: no free extension for agent %s", in.Username)
}

// chooseLeavers gives some agents a leave date inside the period, about
// 25% a year (the documents' industry turnover), at least one in a
// period of two days or more: they work until the day before.
func chooseLeavers(ctx context.Context, o *org.Service, sys *org.Actor, use []simAgent, wf *workforce, cfg Config, today string) error {
	days := localDays(cfg)
	if len(days) < 2 || len(use) == 0 {
		return nil
	}
	k := int(math.Round(float64(len(use)) * 0.25 * float64(len(days)) / 365))
	k = min(max(k, 1), len(use)/2+1, len(use))
	r := rand.New(rand.NewPCG(cfg.Seed, 0x6c65617665))
	var free []simAgent
	for _, s := range use {
		if s.user.LeaveDate == "" {
			free = append(free, s)
		}
	}
	r.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	for _, s := range free[:min(k, len(free))] {
		day := days[1+r.IntN(len(days)-1)]
		date := day.Format(time.DateOnly)
		p := org.UserPatch{LeaveDate: &date}
		if date <= today {
			inactive := false
			p.Active = &inactive
		}
		if _, err := o.UpdateUser(ctx, sys, s.user.ID, p); err != nil {
			return fmt.Errorf("sim: leave date of %s: %w", s.user.Username, err)
		}
		wf.leave[s.user.ID] = day
		wf.leavers++
	}
	for _, s := range use {
		if s.user.LeaveDate != "" {
			if d, err := time.ParseInLocation(time.DateOnly, s.user.LeaveDate, cfg.Location); err == nil {
				wf.leave[s.user.ID] = d
			}
		}
	}
	return nil
}

// localDays lists the local midnights of the days the period touches.
func localDays(cfg Config) []time.Time {
	f := cfg.From.In(cfg.Location)
	var out []time.Time
	for d := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, cfg.Location); d.Before(cfg.To); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}
