package report

import (
	"context"
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
)

// Bucket is the length of the smallest interval the rollups keep.
const Bucket = 15 * time.Minute

// Kinds of rollups a bucket can be dirty in.
const (
	DirtyCalls     = "calls"      // calls that started in the bucket
	DirtyAgents    = "agents"     // agents' state time in the bucket
	dirtyCallsDay  = "calls_day"  // a local day whose day rollup of calls is behind its buckets
	dirtyAgentsDay = "agents_day" // ... of agents
)

// BucketOf returns the start of the 15-minute bucket holding t (in ms).
func BucketOf(t time.Time) int64 { return bucketOfMS(t.UnixMilli()) }

func bucketOfMS(ms int64) int64 {
	b := Bucket.Milliseconds()
	return ms - ((ms%b)+b)%b
}

// Invalidate marks every bucket overlapping [from, to) dirty in both
// kinds, so that the rollups are recomputed from the records: for writers
// that add calls, agent events or shifts in bulk (the simulator, imports,
// generated schedules).
func Invalidate(ctx context.Context, q store.Querier, from, to time.Time) error {
	for _, kind := range []string{DirtyCalls, DirtyAgents} {
		if err := markRange(ctx, q, kind, from, to); err != nil {
			return err
		}
	}
	return nil
}

func markRange(ctx context.Context, q store.Querier, kind string, from, to time.Time) error {
	b := Bucket.Milliseconds()
	for at := BucketOf(from); at < to.UnixMilli(); at += b {
		if err := mark(ctx, q, kind, at); err != nil {
			return err
		}
	}
	return nil
}

// mark makes a bucket dirty; a bucket marked again while it is being
// recomputed stays dirty (its generation moved on).
func mark(ctx context.Context, q store.Querier, kind string, bucket int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO rep_dirty (kind, bucket, gen) VALUES ($1, $2, 0)
		ON CONFLICT (kind, bucket) DO UPDATE SET gen = rep_dirty.gen + 1`, kind, bucket)
	if err != nil {
		return fmt.Errorf("report: mark %s bucket dirty: %w", kind, err)
	}
	return nil
}
