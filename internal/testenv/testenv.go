// Package testenv decides what a test does when a tool or service it needs is
// missing: on a developer's machine it skips, naming what is missing; in CI
// (CI=true) it fails, because CI must run everything.
package testenv

import (
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

// Missing skips the test (or fails it in CI) because what is missing.
func Missing(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true but %s: CI must provide it (.ci/run installs and starts everything the tests need)", what)
	}
	t.Skipf("skipped: %s (install it, or run .ci/run, to run this test)", what)
}

// Tool returns the path of an executable, or skips/fails when it is absent.
func Tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" is not installed (Debian package "+pkg+")")
	}
	return p
}

// Env returns the value of an environment variable that names a service,
// or skips/fails when it is empty.
func Env(t testing.TB, key, what string) string {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		Missing(t, key+" is not set ("+what+")")
	}
	return v
}

// Reachable skips/fails unless a TCP service answers at addr.
func Reachable(t testing.TB, addr, what string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		Missing(t, what+" is not reachable at "+addr)
		return
	}
	c.Close()
}

// Root skips/fails unless the test runs as root (pcap play in sipp needs it).
func Root(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "root (or CAP_NET_RAW) is needed")
	}
}
