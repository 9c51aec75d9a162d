package appraisal

import (
	"context"
	"time"

	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/store"
)

// ComplaintTickets counts the complaint tickets of internal/complaint
// (complaint.AgentMonth): the source of complaints items.
type ComplaintTickets struct{ DB *store.DB }

// AgentMonth implements ComplaintSource.
func (c ComplaintTickets) AgentMonth(ctx context.Context, start time.Time) (map[int64]ComplaintFigures, error) {
	fs, err := complaint.AgentMonth(ctx, c.DB, start)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]ComplaintFigures, len(fs))
	for id, f := range fs {
		out[id] = ComplaintFigures{All: f.Complaints, Liable: f.Liable, Serious: f.Serious, Penalty: float64(f.PenaltyFen) / 100}
	}
	return out, nil
}
