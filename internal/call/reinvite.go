package call

import (
	"context"

	"github.com/hotline-cc/hotline/internal/calllog"
)

// watchReinvites answers re-INVITEs from a party's phone. A phone putting
// the call on hold (sendonly/inactive) is hold by that party: the agent's
// hold button works like the desktop's.
func (c *Call) watchReinvites(ep *endpoint, agentID int64) {
	ep.leg.OnReinvite(func(ctx context.Context, offer []byte) ([]byte, error) {
		answer, onHold, err := c.m.reoffer(ep, offer)
		if err != nil {
			return nil, err
		}
		if agentID != 0 {
			go func() {
				if onHold {
					c.Hold(agentID)
				} else {
					c.Unhold(agentID)
				}
			}()
		} else if onHold != (c.State() == StateHeld) {
			c.m.Logger.Debug("caller's phone changed hold", "call", c.ID, "hold", onHold)
		}
		return answer, nil
	})
}

var _ = calllog.CallHold
