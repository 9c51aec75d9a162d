package call

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotline-cc/hotline/internal/media"
)

// Metrics are the call layer's Prometheus figures.
type Metrics struct {
	Calls       *prometheus.CounterVec // by direction
	Active      prometheus.GaugeFunc
	KeyToPrompt prometheus.Histogram   // IVR responsiveness: key press → first audio of the next prompt
	RTP         *prometheus.CounterVec // packets of ended RTP streams, by what happened to them
}

func newMetrics(m *Manager) *Metrics {
	return &Metrics{
		Calls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hotline_calls_total",
			Help: "Calls started, by direction."}, []string{"direction"}),
		Active: prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "hotline_calls_active",
			Help: "Calls in progress on this node."}, func() float64 { return float64(len(m.Calls())) }),
		KeyToPrompt: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "hotline_ivr_key_to_prompt_seconds",
			Help:    "Time from a caller's key press being recognised to the first audio frame of the prompt it leads to.",
			Buckets: []float64{0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1}}),
		RTP: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hotline_rtp_packets_total",
			Help: "RTP packets of the call legs that have ended: received, sent, lost (missing when their turn came), late (arrived after it)."},
			[]string{"kind"}),
	}
}

// streamClosed adds an ended leg's RTP counters to the totals. Loss is
// lost / (received + lost), as the receiving side saw it.
func (ms *Metrics) streamClosed(st media.StreamStats) {
	ms.RTP.WithLabelValues("received").Add(float64(st.PacketsIn))
	ms.RTP.WithLabelValues("sent").Add(float64(st.PacketsOut))
	ms.RTP.WithLabelValues("lost").Add(float64(st.Lost))
	ms.RTP.WithLabelValues("late").Add(float64(st.Late))
}

// Register adds the metrics to reg.
func (ms *Metrics) Register(reg prometheus.Registerer) {
	reg.MustRegister(ms.Calls, ms.Active, ms.KeyToPrompt, ms.RTP)
}

// timedSource reports when its first frame is read by the bridge — the
// moment the prompt's first packet leaves for the caller.
type timedSource struct {
	*media.Player
	once  sync.Once
	since time.Time
	obs   prometheus.Observer
}

func (s *timedSource) ReadFrame(dst []int16) bool {
	ok := s.Player.ReadFrame(dst)
	if ok {
		s.once.Do(func() { s.obs.Observe(time.Since(s.since).Seconds()) })
	}
	return ok
}
