package sip

import (
	"context"
	"encoding/csv"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/testenv"
)

// sippResult is what a sipp run reports.
type sippResult struct {
	exit       int
	successful int
	failed     int
	retrans    int
	output     string
	messages   string
}

// sippScenario returns the path of a scenario under test/sipp.
func sippScenario(t testing.TB, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "test", "sipp", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// sippOpts are per-run settings.
type sippOpts struct {
	port    int      // local port; 0 = a free one
	calls   int      // -m; default 1
	args    []string // extra arguments (-au, -ap, -s, -key ...)
	timeout time.Duration
}

// runSipp runs one sipp scenario against target and waits for it to end.
func runSipp(t testing.TB, scenario string, target netip.AddrPort, o sippOpts) sippResult {
	t.Helper()
	bin := testenv.Tool(t, "sipp", "sip-tester")
	if o.port == 0 {
		o.port = freePort(t)
	}
	if o.calls == 0 {
		o.calls = 1
	}
	if o.timeout == 0 {
		o.timeout = 30 * time.Second
	}
	dir := t.TempDir()
	stat := filepath.Join(dir, "stat.csv")
	msgs := filepath.Join(dir, "messages.log")
	args := []string{target.String(), "-sf", sippScenario(t, scenario),
		"-i", "127.0.0.1", "-p", strconv.Itoa(o.port), "-m", strconv.Itoa(o.calls),
		"-nostdin", "-timeout", strconv.Itoa(int(o.timeout/time.Second)) + "s", "-timeout_error",
		"-trace_stat", "-stf", stat, "-trace_msg", "-message_file", msgs}
	args = append(args, o.args...)
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout+10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	res := sippResult{output: string(out)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.exit = ee.ExitCode()
	case err != nil:
		t.Fatalf("sipp: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(msgs); err == nil {
		res.messages = string(b)
	}
	res.successful, res.failed, res.retrans = readSippStats(t, stat)
	return res
}

// readSippStats reads the cumulative counters of the last -trace_stat row.
func readSippStats(t testing.TB, path string) (ok, failed, retrans int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("sipp wrote no statistics: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("sipp statistics unreadable (%v): %d rows", err, len(rows))
	}
	head, last := rows[0], rows[len(rows)-1]
	col := func(name string) int {
		for i, h := range head {
			if strings.TrimSpace(h) == name && i < len(last) {
				n, _ := strconv.Atoi(strings.TrimSpace(last[i]))
				return n
			}
		}
		t.Fatalf("sipp statistics have no column %s", name)
		return 0
	}
	return col("SuccessfulCall(C)"), col("FailedCall(C)"), col("Retransmissions(C)")
}

// mustSucceed fails the test unless every call of the run succeeded.
func (r sippResult) mustSucceed(t testing.TB, calls int) {
	t.Helper()
	if r.exit != 0 || r.successful != calls || r.failed != 0 {
		t.Fatalf("sipp: exit %d, %d successful, %d failed (want %d successful)\n%s\n--- messages ---\n%s",
			r.exit, r.successful, r.failed, calls, r.output, tail(r.messages, 6000))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// startSipp runs sipp in the background (a UAS waiting for our calls) and
// delivers its result when it ends.
func startSipp(t testing.TB, scenario string, o sippOpts) (port int, result <-chan sippResult) {
	t.Helper()
	if o.port == 0 {
		o.port = freePort(t)
	}
	ch := make(chan sippResult, 1)
	// A UAS needs no target; sipp still wants one on the command line.
	target := netip.MustParseAddrPort("127.0.0.1:9")
	testenv.Tool(t, "sipp", "sip-tester")
	go func() { ch <- runSipp(t, scenario, target, o) }()
	return o.port, ch
}

func waitSipp(t testing.TB, ch <-chan sippResult) sippResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(60 * time.Second):
		t.Fatal("sipp did not finish")
		return sippResult{}
	}
}
