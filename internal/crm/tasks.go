package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Kinds of tasks.
const (
	TaskFollowUp    = "follow_up"    // 跟进
	TaskReturnVisit = "return_visit" // 回访
	TaskCallback    = "callback"     // 回电
	TaskOther       = "other"
)

// TaskKinds lists the task kinds.
var TaskKinds = []string{TaskFollowUp, TaskReturnVisit, TaskCallback, TaskOther}

// Task is a follow-up or return-visit task (跟进/回访任务) with a due time;
// the desktop reminds its owner when it comes due.
type Task struct {
	ID           int64     `json:"id"`
	CustomerID   int64     `json:"customer_id"`
	CustomerName string    `json:"customer_name"`
	OwnerID      int64     `json:"owner_id"`
	OwnerName    string    `json:"owner_name"`
	TeamID       int64     `json:"team_id,omitempty"`
	DepartmentID int64     `json:"department_id,omitempty"`
	Kind         string    `json:"kind"`
	Title        string    `json:"title"`
	DueAt        time.Time `json:"due_at"`
	Done         bool      `json:"done"`
	DoneAt       time.Time `json:"done_at,omitzero"`
	Result       string    `json:"result,omitempty"`
	Overdue      bool      `json:"overdue"`
	CreatedBy    int64     `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TaskInput creates or changes a task. OwnerID defaults to the customer's
// owner, or the creator.
type TaskInput struct {
	CustomerID int64     `json:"customer_id"`
	OwnerID    int64     `json:"owner_id,omitempty"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title,omitempty"`
	DueAt      time.Time `json:"due_at"`
}

// TaskDone completes a task with its result.
type TaskDone struct {
	Result string `json:"result"`
}

// TaskColumns are the data-scope columns of tasks aliased "t".
var TaskColumns = org.Columns{Owner: "t.owner_id", Team: "t.team_id", Department: "t.department_id"}

const taskCols = `t.id, t.customer_id, c.name, t.owner_id, COALESCE(u.display_name, ''), COALESCE(t.team_id, 0),
	COALESCE(t.department_id, 0), t.kind, t.title, t.due_at, t.done, t.done_at, t.result, COALESCE(t.created_by, 0),
	t.created_at, t.updated_at`

const taskFrom = ` FROM crm_tasks t JOIN customers c ON c.id = t.customer_id LEFT JOIN users u ON u.id = t.owner_id`

func scanTask(row interface{ Scan(...any) error }, now time.Time) (*Task, error) {
	var t Task
	var due, doneAt, created, updated int64
	err := row.Scan(&t.ID, &t.CustomerID, &t.CustomerName, &t.OwnerID, &t.OwnerName, &t.TeamID, &t.DepartmentID, &t.Kind,
		&t.Title, &due, &t.Done, &doneAt, &t.Result, &t.CreatedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	t.DueAt, t.DoneAt, t.CreatedAt, t.UpdatedAt = store.Time(due), store.Time(doneAt), store.Time(created), store.Time(updated)
	t.Overdue = !t.Done && t.DueAt.Before(now)
	return &t, nil
}

// Task returns a task in a's scope.
func (s *Service) Task(ctx context.Context, a *org.Actor, id int64) (*Task, error) {
	return s.scopedTask(ctx, s.db, a, id)
}

func (s *Service) scopedTask(ctx context.Context, q store.Querier, a *org.Actor, id int64) (*Task, error) {
	var args store.Args
	query := `SELECT ` + taskCols + taskFrom + ` WHERE t.id = ` + args.Add(id) + ` AND ` + a.Scope.Filter(TaskColumns, &args)
	t, err := scanTask(q.QueryRowContext(ctx, query, args.Values()...), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("task")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: get task: %w", err)
	}
	return t, nil
}

func (in *TaskInput) check() error {
	in.Title = strings.TrimSpace(in.Title)
	if in.Kind == "" {
		in.Kind = TaskFollowUp
	}
	if err := valid.OneOf("kind", in.Kind, TaskKinds...); err != nil {
		return err
	}
	if err := valid.Text("title", in.Title, 0, 200); err != nil {
		return err
	}
	if in.DueAt.IsZero() {
		return invalid(CodeRequired, "due_at", "is required")
	}
	if in.DueAt.Year() < 2000 || in.DueAt.Year() > 2200 {
		return apperr.Invalid("due_at", "is not a plausible time")
	}
	return nil
}

// taskOwner resolves and checks the owner of a task on customer c.
func (s *Service) taskOwner(ctx context.Context, q store.Querier, a *org.Actor, c *Customer, ownerID int64) (*userInfo, error) {
	if ownerID == 0 {
		ownerID = c.OwnerID
	}
	if ownerID == 0 {
		ownerID = a.UserID
	}
	u, err := loadUser(ctx, q, ownerID)
	if err != nil || !a.Scope.Allows(u.ID, u.TeamID, u.DepartmentID) {
		return nil, apperr.Invalid("owner_id", "user %d does not exist or is outside your data scope", ownerID)
	}
	return u, nil
}

// CreateTask adds a task on a customer a may change.
func (s *Service) CreateTask(ctx context.Context, a *org.Actor, in TaskInput) (*Task, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	var t *Task
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := s.scopedCustomer(ctx, tx, a, in.CustomerID, writeScope)
		if err != nil {
			if apperr.KindOf(err) == apperr.KindNotFound {
				return apperr.Invalid("customer_id", "customer %d does not exist or is outside your data scope", in.CustomerID)
			}
			return err
		}
		u, err := s.taskOwner(ctx, tx, a, c, in.OwnerID)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO crm_tasks (customer_id, owner_id, team_id, department_id, kind, title, due_at,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			c.ID, u.ID, store.NullID(u.TeamID), store.NullID(u.DepartmentID), in.Kind, in.Title, in.DueAt.UnixMilli(),
			store.NullID(a.UserID), now).Scan(&id); err != nil {
			return fmt.Errorf("crm: create task: %w", err)
		}
		if err := refreshFollowUp(ctx, tx, []int64{c.ID}); err != nil {
			return err
		}
		t, err = s.scopedTask(ctx, tx, org.System(), id)
		return err
	})
	return t, err
}

// UpdateTask changes an open task's owner, kind, title or due time.
func (s *Service) UpdateTask(ctx context.Context, a *org.Actor, id int64, in TaskInput) (*Task, error) {
	var t *Task
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.scopedTask(ctx, tx, a, id)
		if err != nil {
			return err
		}
		in.CustomerID = before.CustomerID
		if err := in.check(); err != nil {
			return err
		}
		if before.Done {
			return apperr.Conflict("done", "the task is already done")
		}
		c, err := getCustomer(ctx, tx, before.CustomerID)
		if err != nil {
			return err
		}
		if in.OwnerID == 0 {
			in.OwnerID = before.OwnerID
		}
		u, err := s.taskOwner(ctx, tx, a, c, in.OwnerID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE crm_tasks SET owner_id = $1, team_id = $2, department_id = $3, kind = $4, title = $5,
			due_at = $6, updated_at = $7 WHERE id = $8`, u.ID, store.NullID(u.TeamID), store.NullID(u.DepartmentID), in.Kind, in.Title,
			in.DueAt.UnixMilli(), s.now().UnixMilli(), id); err != nil {
			return fmt.Errorf("crm: update task: %w", err)
		}
		if err := refreshFollowUp(ctx, tx, []int64{c.ID}); err != nil {
			return err
		}
		t, err = s.scopedTask(ctx, tx, org.System(), id)
		return err
	})
	return t, err
}

// CompleteTask marks a task done with its result; it counts as contact and
// as progress with the customer.
func (s *Service) CompleteTask(ctx context.Context, a *org.Actor, id int64, in TaskDone) (*Task, error) {
	in.Result = strings.TrimSpace(in.Result)
	if err := valid.Text("result", strings.ReplaceAll(in.Result, "\n", " "), 0, 2000); err != nil {
		return nil, err
	}
	var t *Task
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.scopedTask(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if before.Done {
			return apperr.Conflict("done", "the task is already done")
		}
		now := s.now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE crm_tasks SET done = TRUE, done_at = $1, result = $2, updated_at = $1 WHERE id = $3`,
			now, in.Result, id); err != nil {
			return fmt.Errorf("crm: complete task: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET last_contact_at = CASE WHEN last_contact_at < $1 THEN $1 ELSE last_contact_at END,
			progress_at = $1, updated_at = $1 WHERE id = $2`, now, before.CustomerID); err != nil {
			return fmt.Errorf("crm: touch customer: %w", err)
		}
		if err := refreshFollowUp(ctx, tx, []int64{before.CustomerID}); err != nil {
			return err
		}
		t, err = s.scopedTask(ctx, tx, org.System(), id)
		return err
	})
	return t, err
}

// DeleteTask removes a task in a's scope.
func (s *Service) DeleteTask(ctx context.Context, a *org.Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.scopedTask(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM crm_tasks WHERE id = $1`, id); err != nil {
			return fmt.Errorf("crm: delete task: %w", err)
		}
		return refreshFollowUp(ctx, tx, []int64{before.CustomerID})
	})
}

// refreshFollowUp sets customers' next follow-up time to their earliest
// open task (0 without one).
func refreshFollowUp(ctx context.Context, q store.Querier, ids []int64) error {
	for start := 0; start < len(ids); start += 500 {
		var args store.Args
		in := args.In(ids[start:min(start+500, len(ids))]...)
		if _, err := q.ExecContext(ctx, `UPDATE customers SET next_follow_up_at = COALESCE((SELECT min(t.due_at) FROM crm_tasks t
			WHERE t.customer_id = customers.id AND t.done = FALSE), 0) WHERE id IN `+in, args.Values()...); err != nil {
			return fmt.Errorf("crm: refresh follow-up: %w", err)
		}
	}
	return nil
}

// TaskFilter selects tasks.
type TaskFilter struct {
	OwnerID    int64
	TeamID     int64
	CustomerID int64
	Done       *bool
	Overdue    bool      // open and due before now
	DueBefore  time.Time // open and due before
	Limit      int
	Offset     int
}

// Tasks lists the tasks in a's scope, soonest due first.
func (s *Service) Tasks(ctx context.Context, a *org.Actor, f TaskFilter) ([]Task, int, error) {
	var args store.Args
	where := a.Scope.Filter(TaskColumns, &args)
	for col, v := range map[string]int64{"t.owner_id": f.OwnerID, "t.team_id": f.TeamID, "t.customer_id": f.CustomerID} {
		if v != 0 {
			where += " AND " + col + " = " + args.Add(v)
		}
	}
	if f.Done != nil {
		where += " AND t.done = " + args.Add(*f.Done)
	}
	now := s.now()
	if f.Overdue {
		f.DueBefore = now
	}
	if !f.DueBefore.IsZero() {
		where += " AND t.done = FALSE AND t.due_at < " + args.Add(f.DueBefore.UnixMilli())
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM crm_tasks t WHERE `+where, args.Values()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("crm: count tasks: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	q := `SELECT ` + taskCols + taskFrom + ` WHERE ` + where + ` ORDER BY t.done, t.due_at, t.id LIMIT ` + args.Add(f.Limit) +
		` OFFSET ` + args.Add(f.Offset)
	out, err := s.queryTasks(ctx, q, args.Values(), now)
	return out, total, err
}

func (s *Service) queryTasks(ctx context.Context, q string, args []any, now time.Time) ([]Task, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: list tasks: %w", err)
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		t, err := scanTask(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// DueTasks is what the desktop polls for reminders.
type DueTasks struct {
	Now     time.Time `json:"now"`
	Overdue []Task    `json:"overdue"`
	DueSoon []Task    `json:"due_soon"`
}

// MaxDueWithin bounds the reminder window.
const MaxDueWithin = 7 * 24 * time.Hour

// Due returns the actor's own open tasks that are overdue or due within
// the window — one indexed range scan on (owner_id, done, due_at).
func (s *Service) Due(ctx context.Context, a *org.Actor, within time.Duration) (*DueTasks, error) {
	if within < 0 || within > MaxDueWithin {
		return nil, apperr.Invalid("within", "must be a duration from 0 to 168h, like 10m")
	}
	now := s.now()
	q := `SELECT ` + taskCols + taskFrom + ` WHERE t.owner_id = $1 AND t.done = FALSE AND t.due_at <= $2 ORDER BY t.due_at LIMIT 200`
	ts, err := s.queryTasks(ctx, q, []any{a.UserID, now.Add(within).UnixMilli()}, now)
	if err != nil {
		return nil, err
	}
	d := &DueTasks{Now: now, Overdue: []Task{}, DueSoon: []Task{}}
	for _, t := range ts {
		if t.Overdue {
			d.Overdue = append(d.Overdue, t)
		} else {
			d.DueSoon = append(d.DueSoon, t)
		}
	}
	return d, nil
}

// OverdueCount is the overdue tasks of one agent or team.
type OverdueCount struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Count      int       `json:"count"`
	OldestDue  time.Time `json:"oldest_due"`
	TeamID     int64     `json:"team_id,omitempty"`
	Department int64     `json:"department_id,omitempty"`
}

// Overdue is the leaders' view: overdue tasks per agent and per team, in
// the actor's scope.
type Overdue struct {
	ByAgent []OverdueCount `json:"by_agent"`
	ByTeam  []OverdueCount `json:"by_team"`
}

// OverdueSummary counts the open tasks past due per agent and per team.
func (s *Service) OverdueSummary(ctx context.Context, a *org.Actor) (*Overdue, error) {
	out := &Overdue{ByAgent: []OverdueCount{}, ByTeam: []OverdueCount{}}
	now := s.now().UnixMilli()
	queries := []struct {
		sql string
		dst *[]OverdueCount
	}{
		{`SELECT t.owner_id, COALESCE(u.display_name, ''), count(*), min(t.due_at), COALESCE(t.team_id, 0), COALESCE(t.department_id, 0)
			FROM crm_tasks t LEFT JOIN users u ON u.id = t.owner_id WHERE t.done = FALSE AND t.due_at < %s AND %s
			GROUP BY t.owner_id, u.display_name, t.team_id, t.department_id ORDER BY count(*) DESC, t.owner_id`, &out.ByAgent},
		{`SELECT COALESCE(t.team_id, 0), COALESCE(tm.name, ''), count(*), min(t.due_at), COALESCE(t.team_id, 0), COALESCE(tm.department_id, 0)
			FROM crm_tasks t LEFT JOIN teams tm ON tm.id = t.team_id WHERE t.done = FALSE AND t.due_at < %s AND %s
			GROUP BY t.team_id, tm.name, tm.department_id ORDER BY count(*) DESC, t.team_id`, &out.ByTeam},
	}
	for _, qq := range queries {
		var args store.Args
		q := fmt.Sprintf(qq.sql, args.Add(now), a.Scope.Filter(TaskColumns, &args))
		rows, err := s.db.QueryContext(ctx, q, args.Values()...)
		if err != nil {
			return nil, fmt.Errorf("crm: overdue: %w", err)
		}
		for rows.Next() {
			var c OverdueCount
			var oldest int64
			if err := rows.Scan(&c.ID, &c.Name, &c.Count, &oldest, &c.TeamID, &c.Department); err != nil {
				rows.Close()
				return nil, err
			}
			c.OldestDue = store.Time(oldest)
			*qq.dst = append(*qq.dst, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
