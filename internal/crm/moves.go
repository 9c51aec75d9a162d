package crm

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Actions of the allocation log (分配日志).
const (
	ActionAllocate   = "allocate"   // a manager moved customers to an agent, team or department
	ActionDistribute = "distribute" // a manager handed pool customers out
	ActionClaim      = "claim"      // an agent took a customer from the pool (捞取)
	ActionRelease    = "release"    // an agent gave a customer up to the pool (放弃)
	ActionRecycle    = "recycle"    // a recycle rule moved a customer to the pool (回收)
	ActionImport     = "import"     // an import placed new customers
)

// moveGroup is customers moving together from one placement to another.
type moveGroup struct {
	From, To Placement
	IDs      []int64
}

// moveOp is one operation of the allocation log: several groups may share it.
type moveOp struct {
	ID     string
	Action string
	Reason string
	Actor  *org.Actor
	At     time.Time
}

func newOp(action, reason string, a *org.Actor, at time.Time) moveOp {
	b := make([]byte, 8)
	rand.Read(b)
	return moveOp{ID: hex.EncodeToString(b), Action: action, Reason: reason, Actor: a, At: at}
}

// moveChunk bounds the IDs of one statement (well under SQLite's and
// PostgreSQL's parameter limits).
const moveChunk = 500

// applyMoves moves each group's customers with conditional UPDATEs (the
// customer must still sit where it was read) and logs every group. A
// customer that moved meanwhile fails the whole operation.
func (s *Service) applyMoves(ctx context.Context, tx *sql.Tx, op moveOp, groups []moveGroup) (int, error) {
	moved := 0
	for _, g := range groups {
		if len(g.IDs) == 0 {
			continue
		}
		for start := 0; start < len(g.IDs); start += moveChunk {
			chunk := g.IDs[start:min(start+moveChunk, len(g.IDs))]
			if err := s.moveChunkIDs(ctx, tx, op, g.From, g.To, chunk); err != nil {
				return moved, err
			}
		}
		if err := s.logMoves(ctx, tx, op, g.From, g.To, g.IDs); err != nil {
			return moved, err
		}
		moved += len(g.IDs)
	}
	return moved, nil
}

func (s *Service) moveChunkIDs(ctx context.Context, tx *sql.Tx, op moveOp, from, to Placement, ids []int64) error {
	args := s.binder()
	now := op.At.UnixMilli()
	set := `owner_id = ` + args.Add(store.NullID(to.OwnerID)) + `, team_id = ` + args.Add(store.NullID(to.TeamID)) +
		`, department_id = ` + args.Add(store.NullID(to.DepartmentID)) + `, in_pool = ` + args.Add(to.Pool) +
		`, owned_at = ` + args.Add(now) + `, updated_at = ` + args.Add(now)
	if to.Pool {
		set += `, pooled_at = ` + args.Add(now) + `, pool_reason = ` + args.Add(op.Reason)
	} else {
		set += `, pooled_at = 0, pool_reason = ''`
	}
	if to.OwnerID == 0 {
		set += `, next_follow_up_at = 0`
	}
	in := args.In(ids...)
	res, err := tx.ExecContext(ctx, `UPDATE customers SET `+set+` WHERE id IN `+in+` AND `+placedAt(from, args), args.Values()...)
	if err != nil {
		return fmt.Errorf("crm: move customers: %w", err)
	}
	if n, _ := res.RowsAffected(); int(n) != len(ids) {
		return conflict(CodeChanged, "", "%d of %d customers changed hands meanwhile; nothing was moved — reload and try again", len(ids)-int(n), len(ids))
	}
	return s.moveTasks(ctx, tx, op, to, ids)
}

// placedAt is the condition that a customer still sits at p.
func placedAt(p Placement, args *binder) string {
	return `COALESCE(owner_id, 0) = ` + args.Add(p.OwnerID) + ` AND COALESCE(team_id, 0) = ` + args.Add(p.TeamID) +
		` AND COALESCE(department_id, 0) = ` + args.Add(p.DepartmentID) + ` AND in_pool = ` + args.Add(p.Pool)
}

// moveTasks hands open tasks over to the new owner, or closes them when the
// customers have no owner any more (pool, team, department).
func (s *Service) moveTasks(ctx context.Context, tx *sql.Tx, op moveOp, to Placement, ids []int64) error {
	args := s.binder()
	var q string
	if to.OwnerID != 0 {
		u, err := loadUser(ctx, tx, to.OwnerID)
		if err != nil {
			return err
		}
		q = `UPDATE crm_tasks SET owner_id = ` + args.Add(u.ID) + `, team_id = ` + args.Add(store.NullID(u.TeamID)) +
			`, department_id = ` + args.Add(store.NullID(u.DepartmentID)) + `, updated_at = ` + args.Add(op.At.UnixMilli())
	} else {
		q = `UPDATE crm_tasks SET done = TRUE, done_at = ` + args.Add(op.At.UnixMilli()) + `, result = ` +
			args.Add("cancelled: customer moved ("+op.Action+")") + `, updated_at = ` + args.Add(op.At.UnixMilli())
	}
	q += ` WHERE done = FALSE AND customer_id IN ` + args.In(ids...)
	if _, err := tx.ExecContext(ctx, q, args.Values()...); err != nil {
		return fmt.Errorf("crm: move tasks: %w", err)
	}
	return nil
}

// logMoves writes one allocation-log row for the group and links each
// customer to it (for the customer's timeline).
func (s *Service) logMoves(ctx context.Context, tx *sql.Tx, op moveOp, from, to Placement, ids []int64) error {
	var actorID int64
	name := "system"
	if op.Actor != nil && !op.Actor.System {
		actorID, name = op.Actor.UserID, actorName(op.Actor)
	}
	var logID int64
	err := tx.QueryRowContext(ctx, `INSERT INTO crm_allocations (op, at, action, actor_id, actor_name, reason,
		from_owner_id, from_team_id, from_department_id, from_pool, to_owner_id, to_team_id, to_department_id, to_pool, count)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		op.ID, op.At.UnixMilli(), op.Action, store.NullID(actorID), name, op.Reason,
		store.NullID(from.OwnerID), store.NullID(from.TeamID), store.NullID(from.DepartmentID), from.Pool,
		store.NullID(to.OwnerID), store.NullID(to.TeamID), store.NullID(to.DepartmentID), to.Pool, len(ids)).Scan(&logID)
	if err != nil {
		return fmt.Errorf("crm: log moves: %w", err)
	}
	for start := 0; start < len(ids); start += moveChunk {
		chunk := ids[start:min(start+moveChunk, len(ids))]
		args := s.binder()
		vals := make([]string, len(chunk))
		for i, id := range chunk {
			vals[i] = "(" + args.Add(logID) + ", " + args.Add(id) + ")"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_allocation_items (allocation_id, customer_id) VALUES `+
			strings.Join(vals, ", "), args.Values()...); err != nil {
			return fmt.Errorf("crm: log move items: %w", err)
		}
	}
	return nil
}
