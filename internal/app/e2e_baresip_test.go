package app_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// lockedBuffer collects a process's output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, p...)
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}

// baresip starts a real softphone registered as ext that answers calls
// automatically, with a tone as its microphone (baresip hangs up when the
// file ends, so it is long).
func (n *running) baresip(t *testing.T, ext string) {
	t.Helper()
	bin := testenv.Tool(t, "baresip", "baresip")
	dir := t.TempDir()
	conf := filepath.Join(dir, ".baresip")
	os.MkdirAll(conf, 0o755)
	tone := filepath.Join(dir, "tone.wav")
	if err := os.WriteFile(tone, media.EncodeWAV(media.Tone(30*time.Second, 6000, 440)), 0o644); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`poll_method		epoll
sip_listen		127.0.0.1:%d
audio_player		aubridge,spk
audio_source		aufile,%s
audio_alert		aubridge,alert
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			aubridge.so
module_tmp		account.so
module_app		menu.so
`, freePort(t), tone)
	account := fmt.Sprintf("<sip:%s@%s;transport=udp>;auth_pass=%s;answermode=auto;regint=600;ptime=20\n", ext, n.sip, demoPassword)
	for name, body := range map[string]string{"config": config, "accounts": account, "contacts": ""} {
		os.WriteFile(filepath.Join(conf, name), []byte(body), 0o644)
	}
	cmd := exec.Command(bin, "-f", conf)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("baresip:\n%s", tail(out.String(), 4000))
		}
	})
}

// A real softphone (baresip) registered as agent 1001 takes a queued call
// and talks; the caller hangs up.
func TestBaresipAgentTakesQueuedCall(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	n.setQueue(t, "sales", func(q *queues.Queue) { q.Survey = false })
	n.baresip(t, "1001")
	a1 := n.agentID(t, "1001")
	n.waitReady(t, a1)
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_short.xml", `timeout="[timeout_ms]"`, `timeout="4000"`)
	n.startSipp(dir, sc, "-s", "8001", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t))).wait(t, 20*time.Second)
	c, legs, _ := n.onlyCDR(t)
	if c.Outcome != calllog.OutcomeAnswered || c.AgentID != a1 || c.HangupBy != "caller" || len(legs) != 1 {
		t.Errorf("CDR %+v legs %+v", c, legs)
	}
	// The caller heard the agent: baresip's tone came back through Hotline.
	if got := sink.packets.Load(); got < 25 {
		t.Errorf("caller received %d RTP packets", got)
	}
}
