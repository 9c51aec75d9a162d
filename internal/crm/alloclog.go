package crm

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Allocation is one row of the allocation log (分配日志): who moved how
// many customers from where to where, when and why.
type Allocation struct {
	ID        int64     `json:"id"`
	Op        string    `json:"op"` // rows of one operation share it
	At        time.Time `json:"at"`
	Action    string    `json:"action"`
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Reason    string    `json:"reason,omitempty"`
	From      Placement `json:"from"`
	FromName  string    `json:"from_name"`
	To        Placement `json:"to"`
	ToName    string    `json:"to_name"`
	Count     int       `json:"count"`
}

// AllocationFilter selects log rows.
type AllocationFilter struct {
	Since, Until time.Time
	Action       string
	ActorID      int64
	UserID       int64 // moves from or to this owner
	Limit        int
	Offset       int
}

var (
	fromColumns = org.Columns{Owner: "l.from_owner_id", Team: "l.from_team_id", Department: "l.from_department_id"}
	toColumns   = org.Columns{Owner: "l.to_owner_id", Team: "l.to_team_id", Department: "l.to_department_id"}
)

// Actions lists the allocation-log actions.
var Actions = []string{ActionAllocate, ActionDistribute, ActionClaim, ActionRelease, ActionRecycle, ActionImport}

const allocCols = `l.id, l.op, l.at, l.action, COALESCE(l.actor_id, 0), l.actor_name, l.reason,
	COALESCE(l.from_owner_id, 0), COALESCE(l.from_team_id, 0), COALESCE(l.from_department_id, 0), l.from_pool,
	COALESCE(l.to_owner_id, 0), COALESCE(l.to_team_id, 0), COALESCE(l.to_department_id, 0), l.to_pool, l.count,
	COALESCE(fu.display_name, ''), COALESCE(ft.name, ''), COALESCE(fd.name, ''),
	COALESCE(tu.display_name, ''), COALESCE(tt.name, ''), COALESCE(td.name, '')`

const allocFrom = ` FROM crm_allocations l
	LEFT JOIN users fu ON fu.id = l.from_owner_id LEFT JOIN teams ft ON ft.id = l.from_team_id
	LEFT JOIN departments fd ON fd.id = l.from_department_id
	LEFT JOIN users tu ON tu.id = l.to_owner_id LEFT JOIN teams tt ON tt.id = l.to_team_id
	LEFT JOIN departments td ON td.id = l.to_department_id`

func scanAllocation(row interface{ Scan(...any) error }) (*Allocation, error) {
	var l Allocation
	var at int64
	var fu, ft, fd, tu, tt, td string
	err := row.Scan(&l.ID, &l.Op, &at, &l.Action, &l.ActorID, &l.ActorName, &l.Reason,
		&l.From.OwnerID, &l.From.TeamID, &l.From.DepartmentID, &l.From.Pool,
		&l.To.OwnerID, &l.To.TeamID, &l.To.DepartmentID, &l.To.Pool, &l.Count, &fu, &ft, &fd, &tu, &tt, &td)
	if err != nil {
		return nil, err
	}
	l.At = store.Time(at)
	l.FromName, l.ToName = placeName(l.From, fu, ft, fd), placeName(l.To, tu, tt, td)
	return &l, nil
}

// placeName describes a placement by its most specific part.
func placeName(p Placement, user, team, dept string) string {
	switch {
	case p.Pool:
		return "pool"
	case p.OwnerID != 0:
		return user
	case p.TeamID != 0:
		return team
	case p.DepartmentID != 0:
		return dept
	}
	return "unassigned"
}

func (f *AllocationFilter) where(a *org.Actor, args *store.Args) (string, error) {
	where := "(" + a.Scope.Filter(fromColumns, args) + " OR " + a.Scope.Filter(toColumns, args)
	if a.UserID != 0 {
		where += " OR l.actor_id = " + args.Add(a.UserID)
	}
	where += ")"
	if f.Action != "" {
		if err := valid.OneOf("action", f.Action, Actions...); err != nil {
			return "", err
		}
		where += " AND l.action = " + args.Add(f.Action)
	}
	if f.ActorID != 0 {
		where += " AND l.actor_id = " + args.Add(f.ActorID)
	}
	if f.UserID != 0 {
		p := args.Add(f.UserID)
		where += " AND (l.from_owner_id = " + p + " OR l.to_owner_id = " + p + ")"
	}
	if !f.Since.IsZero() {
		where += " AND l.at >= " + args.Add(f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		where += " AND l.at < " + args.Add(f.Until.UnixMilli())
	}
	return where, nil
}

// Allocations lists the allocation log newest first: moves from or to the
// actor's data scope, and the actor's own operations.
func (s *Service) Allocations(ctx context.Context, a *org.Actor, f AllocationFilter) ([]Allocation, int, error) {
	var args store.Args
	where, err := f.where(a, &args)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM crm_allocations l WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("crm: count allocations: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	q := `SELECT ` + allocCols + allocFrom + ` WHERE ` + where + ` ORDER BY l.at DESC, l.id DESC LIMIT ` + args.Add(f.Limit) +
		` OFFSET ` + args.Add(f.Offset)
	out := []Allocation{}
	err = s.eachAllocation(ctx, q, args.Values(), func(l *Allocation) error {
		out = append(out, *l)
		return nil
	})
	return out, total, err
}

func (s *Service) eachAllocation(ctx context.Context, q string, args []any, fn func(*Allocation) error) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("crm: allocations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanAllocation(rows)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportAllocations writes the filtered log as CSV or XLSX.
func (s *Service) ExportAllocations(ctx context.Context, a *org.Actor, f AllocationFilter, format, lang string, w io.Writer) error {
	if err := a.Require(org.P("customers", "export")); err != nil {
		return err
	}
	var args store.Args
	where, err := f.where(a, &args)
	if err != nil {
		return err
	}
	tw, err := newTableWriter(format, w)
	if err != nil {
		return err
	}
	if err := tw.Row(allocHeaders(lang)); err != nil {
		return err
	}
	q := `SELECT ` + allocCols + allocFrom + ` WHERE ` + where + ` ORDER BY l.at DESC, l.id DESC`
	err = s.eachAllocation(ctx, q, args.Values(), func(l *Allocation) error {
		return tw.Row([]string{strconv.FormatInt(l.ID, 10), s.fmtTime(l.At), l.Action, l.ActorName, l.FromName, l.ToName,
			strconv.Itoa(l.Count), l.Reason})
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

func allocHeaders(lang string) []string {
	if lang == "zh-CN" {
		return []string{"编号", "时间", "操作", "操作人", "从", "到", "数量", "原因"}
	}
	return []string{"ID", "Time", "Action", "By", "From", "To", "Count", "Reason"}
}

func (s *Service) fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.opts.Location).Format("2006-01-02 15:04")
}

var errFormat = apperr.Invalid("format", "must be csv or xlsx")
