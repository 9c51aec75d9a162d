package sim

import (
	"errors"
	"fmt"
	"time"
)

// Config is one simulation: the period, the volume and the behaviour.
type Config struct {
	From, To    time.Time      // the period [From, To); every event lies inside
	Location    *time.Location // local time of the profiles and shifts (nil: time.Local)
	CallsPerDay float64        // the mean over a week: weekdays above it, weekends below
	Seed        uint64
	AHT         time.Duration // mean talk time (default 240 s)
	ACW         time.Duration // mean after-call work (default 30 s)
	Patience    time.Duration // mean time a caller waits in a queue before hanging up (default 90 s)
	Shares      Shares        // zero value: DefaultShares
}

// Shares are the probabilities of the behaviours (docs/simulate.md).
type Shares struct {
	SelfService     float64 // callers into an IVR who end there (self-service)
	Blocked         float64 // calls refused before reaching anything (wrong number, codec)
	Transfer        float64 // answered calls the agent transfers (blind)
	AgentHangup     float64 // conversations the agent ends (the caller then gets the survey)
	Rated           float64 // surveyed callers who rate the call
	Hold            float64 // answered legs with at least one hold
	Unresolved      float64 // answered calls the agent marks unresolved
	Repeat          float64 // calls from someone who called in the last 70 hours
	NoAnswer        float64 // offers the agent lets ring out (RONA)
	CallbackKey     float64 // queued callers who press 1 for a callback at an announcement
	CallbackAnswer  float64 // customers who answer the callback
	CustomerCallers float64 // new callers drawn from the CRM's customers, when there are any
	Absent          float64 // shifts an agent misses
	Late            float64 // shifts an agent logs in late to
	Training        float64 // shifts with an hour of training
}

// DefaultShares are the shares docs/simulate.md describes; with them about
// 60% of answered calls are rated (0.75 × 0.8 when the queue surveys).
func DefaultShares() Shares {
	return Shares{SelfService: 0.12, Blocked: 0.01, Transfer: 0.03, AgentHangup: 0.75, Rated: 0.8, Hold: 0.2,
		Unresolved: 0.08, Repeat: 0.15, NoAnswer: 0.02, CallbackKey: 0.08, CallbackAnswer: 0.8, CustomerCallers: 0.4,
		Absent: 0.03, Late: 0.08, Training: 0.05}
}

// Limits of a simulation.
const (
	MaxCallsPerDay = 2_000_000
	MaxDays        = 366
)

func (c *Config) defaults() {
	if c.Location == nil {
		c.Location = time.Local
	}
	if c.AHT == 0 {
		c.AHT = 240 * time.Second
	}
	if c.ACW == 0 {
		c.ACW = 30 * time.Second
	}
	if c.Patience == 0 {
		c.Patience = 90 * time.Second
	}
	if c.Shares == (Shares{}) {
		c.Shares = DefaultShares()
	}
}

// Validate checks the period and the volume.
func (c Config) Validate() error {
	switch {
	case c.From.IsZero() || c.To.IsZero() || !c.To.After(c.From):
		return errors.New("sim: the period must end after it starts")
	case c.To.Sub(c.From) > MaxDays*24*time.Hour:
		return fmt.Errorf("sim: at most %d days at a time", MaxDays)
	case c.To.Sub(c.From) < time.Hour:
		return errors.New("sim: the period must last at least an hour")
	case c.CallsPerDay <= 0 || c.CallsPerDay > MaxCallsPerDay:
		return fmt.Errorf("sim: calls per day must be between 1 and %d", MaxCallsPerDay)
	case c.AHT < 10*time.Second || c.AHT > 2*time.Hour:
		return errors.New("sim: the mean talk time must be between 10 s and 2 h")
	case c.ACW < 0 || c.ACW > time.Hour:
		return errors.New("sim: the mean after-call work must be between 0 and 1 h")
	}
	return nil
}
