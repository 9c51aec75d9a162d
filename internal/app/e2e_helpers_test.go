package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
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
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
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
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan error
	name string
}

// startSipp runs sipp with a scenario against the node.
func (n *running) startSipp(dir, scenario string, args ...string) *sipp {
	n.t.Helper()
	full := append([]string{n.sip, "-sf", filepath.Join(dir, scenario), "-nostdin", "-i", "127.0.0.1", "-timeout", "60s",
		"-trace_err", "-error_file", filepath.Join(dir, scenario+strconv.Itoa(freePort(n.t))+".err")}, args...)
	s := &sipp{cmd: exec.Command("sipp", full...), done: make(chan error, 1), name: scenario}
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	n.t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
		}
	})
	return s
}

// wait waits for sipp to exit and fails the test unless it succeeded.
func (s *sipp) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("sipp %s failed: %v\n%s", s.name, err, tail(s.out.String(), 3000))
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
// and hangs up after talk.
func (n *running) agentPhone(dir, ext string, talk time.Duration) *sipp {
	n.t.Helper()
	port := freePort(n.t)
	uas := n.startSipp(dir, "agent_answer.xml", "-p", strconv.Itoa(port), "-mp", strconv.Itoa(freePort(n.t)),
		"-rtp_echo", "-aa", "-d", strconv.Itoa(int(talk.Milliseconds())), "-m", "1")
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
