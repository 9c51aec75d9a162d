package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/testenv"
)

const demoPassword = "demo-password-1"

// running is a whole Hotline node serving HTTP and SIP on loopback.
type running struct {
	t   *testing.T
	app *app.App
	sip string // host:port of SIP
}

func startNode(t *testing.T) *running {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.SIPAddr = "127.0.0.1:0"
	cfg.AdminPassword = "admin-password-1"
	cfg.DemoPassword = demoPassword
	cfg.RTPPortMin, cfg.RTPPortMax = 31000, 39000
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	logw := io.Discard
	if os.Getenv("HOTLINE_TEST_LOG") != "" {
		logw = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	select {
	case <-a.SIP.Ready():
	case err := <-done:
		t.Fatalf("server stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("SIP server not ready")
	}
	return &running{t: t, app: a, sip: a.SIP.Addr("udp").String()}
}

// freePort returns a UDP port free right now on loopback.
func freePort(t *testing.T) int {
	t.Helper()
	return testenv.UDPPortBlock(t, 4) // room for sipp's media ports
}

// scenarioDir holds copies of test/sipp and the RFC 4733 pcaps Debian's
// sip-tester ships, so that play_pcap_audio finds them beside the scenario.
func scenarioDir(t *testing.T) string {
	t.Helper()
	testenv.Tool(t, "sipp", "sip-tester")
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "..", "test", "sipp")
	dir := t.TempDir()
	for _, glob := range []string{filepath.Join(src, "*.xml"), "/usr/share/sip-tester/*.pcap"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "dtmf_2833_2.pcap")); err != nil {
		testenv.Missing(t, "/usr/share/sip-tester/dtmf_2833_*.pcap (Debian sip-tester)")
	}
	return dir
}

// sipp is one running sipp process.
type sipp struct {
	cmd    *exec.Cmd
	out    lockedBuffer
	exited chan struct{} // closed when the process has exited; err is then set
	err    error
	name   string
}

// startSipp runs sipp with a scenario against the node.
func (n *running) startSipp(dir, scenario string, args ...string) *sipp {
	n.t.Helper()
	full := append([]string{n.sip, "-sf", filepath.Join(dir, scenario), "-nostdin", "-i", "127.0.0.1", "-timeout", "60s",
		"-trace_err", "-error_file", filepath.Join(dir, scenario+strconv.Itoa(freePort(n.t))+".err")}, args...)
	s := &sipp{cmd: exec.Command("sipp", full...), exited: make(chan struct{}), name: scenario}
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.exited) }()
	n.t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			s.cmd.Process.Kill()
			<-s.exited
		}
	})
	return s
}

// wait waits for sipp to exit and fails the test unless it succeeded.
func (s *sipp) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-s.exited:
		if s.err != nil {
			t.Fatalf("sipp %s failed: %v\n%s", s.name, s.err, tail(s.out.String(), 3000))
		}
	case <-time.After(d):
		s.cmd.Process.Kill()
		t.Fatalf("sipp %s did not finish in %v\n%s", s.name, d, tail(s.out.String(), 3000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// agentPhone registers extension ext as a sipp phone that answers one call
// and hangs up after talk, or with talk 0 stays until Hotline hangs up.
func (n *running) agentPhone(dir, ext string, talk time.Duration) *sipp {
	n.t.Helper()
	port := freePort(n.t)
	args := []string{"-p", strconv.Itoa(port), "-mp", strconv.Itoa(freePort(n.t)), "-rtp_echo", "-aa", "-m", "1"}
	scenario := "agent_answer_wait.xml"
	if talk > 0 {
		scenario = "agent_answer.xml"
		args = append(args, "-d", strconv.Itoa(int(talk.Milliseconds())))
	}
	uas := n.startSipp(dir, scenario, args...)
	reg := n.startSipp(dir, "agent_register.xml", "-s", ext, "-au", ext, "-ap", demoPassword,
		"-key", "uasport", strconv.Itoa(port), "-m", "1", "-p", strconv.Itoa(freePort(n.t)))
	reg.wait(n.t, 15*time.Second)
	return uas
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var _ = fmt.Sprint

func recordingFilter(callID string) recording.Filter { return recording.Filter{CallID: callID} }

// variant writes a copy of a scenario with some text replaced (sipp cannot
// take keywords in attributes such as timeouts).
func variant(t *testing.T, dir, src, dst string, oldnew ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, src))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(oldnew); i += 2 {
		if !strings.Contains(s, oldnew[i]) {
			t.Fatalf("%s has no %q", src, oldnew[i])
		}
		s = strings.ReplaceAll(s, oldnew[i], oldnew[i+1])
	}
	if err := os.WriteFile(filepath.Join(dir, dst), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// rtpSink is the test's own RTP socket for a caller: it counts packets.
type rtpSink struct {
	conn    *net.UDPConn
	packets atomic.Int64
}

func newRTPSink(t *testing.T) *rtpSink {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	s := &rtpSink{conn: c}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			n, _, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			if n >= 12 {
				s.packets.Add(1)
			}
		}
	}()
	return s
}

func (s *rtpSink) port() string { return strconv.Itoa(s.conn.LocalAddr().(*net.UDPAddr).Port) }

// api calls the node's HTTP API as a user, with an API token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (n *running) as(username string) *apiClient {
	n.t.Helper()
	ctx := context.Background()
	cred, err := n.app.Org.CredentialFor(ctx, username)
	if err != nil {
		n.t.Fatal(err)
	}
	a, err := n.app.Org.LoadActor(ctx, cred.UserID)
	if err != nil {
		n.t.Fatal(err)
	}
	secret, _, err := n.app.Auth.CreateToken(ctx, a, "e2e", time.Time{})
	if err != nil {
		n.t.Fatal(err)
	}
	return &apiClient{t: n.t, base: "http://" + n.app.HTTPAddr() + "/api/v1", token: secret}
}

func (c *apiClient) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	if res.StatusCode >= 300 {
		c.t.Logf("%s %s → %d %s", method, path, res.StatusCode, raw)
	}
	return res.StatusCode
}

// must calls and fails the test unless the status is want.
func (c *apiClient) must(want int, method, path string, body any, out any) {
	c.t.Helper()
	if got := c.do(method, path, body, out); got != want {
		c.t.Fatalf("%s %s: status %d, want %d", method, path, got, want)
	}
}
