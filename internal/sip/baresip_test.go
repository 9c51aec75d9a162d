package sip

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/testenv"
)

// baresipPhone is a real softphone registered to a server under test.
type baresipPhone struct {
	port int
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (p *baresipPhone) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *baresipPhone) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// startBaresip runs baresip with a temporary config: one account
// registering user/pass to registrar over transport, auto-answering calls,
// a WAV tone as microphone and a null bridge as speaker.
func startBaresip(t testing.TB, registrar netip.AddrPort, transport, user, pass string) *baresipPhone {
	t.Helper()
	bin := testenv.Tool(t, "baresip", "baresip")
	dir := t.TempDir()
	conf := filepath.Join(dir, ".baresip")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	p := &baresipPhone{port: freePort(t), done: make(chan struct{})}
	config := fmt.Sprintf(`poll_method		epoll
sip_listen		127.0.0.1:%d
call_local_timeout	120
call_max_calls		4
audio_player		aubridge,spk
audio_source		aufile,%s
audio_alert		aubridge,alert
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			aubridge.so
module_tmp		account.so
module_app		menu.so
`, p.port, writeToneWAV(t, filepath.Join(dir, "tone.wav")))
	account := fmt.Sprintf("<sip:%s@%s;transport=%s>;auth_pass=%s;answermode=auto;regint=60;ptime=20\n",
		user, registrar, transport, pass)
	for name, body := range map[string]string{"config": config, "accounts": account, "contacts": ""} {
		if err := os.WriteFile(filepath.Join(conf, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.cmd = exec.Command(bin, "-f", conf)
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), "HOME="+dir)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop ends baresip (SIGTERM makes it unregister first) and reports its
// output when the test failed.
func (p *baresipPhone) stop(t testing.TB) {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	if t.Failed() {
		t.Logf("baresip output:\n%s", tail(p.log(), 8000))
	}
}

// kill ends baresip abruptly: no unregistration, no answers any more.
func (p *baresipPhone) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// testSDP is a minimal PCMU offer/answer pointing at an RTP sink the test
// owns (nothing in this package reads media).
func testSDP(t testing.TB) []byte {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	port := pc.LocalAddr().(*net.UDPAddr).Port
	return []byte(strings.ReplaceAll(fmt.Sprintf(`v=0
o=hotline 1 1 IN IP4 127.0.0.1
s=hotline
c=IN IP4 127.0.0.1
t=0 0
m=audio %d RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=sendrecv
`, port), "\n", "\r\n"))
}

// writeToneWAV writes two seconds of a 440 Hz tone, 8 kHz 16-bit mono.
func writeToneWAV(t testing.TB, path string) string {
	t.Helper()
	const rate, secs = 8000, 2
	pcm := make([]byte, rate*secs*2)
	for i := 0; i < rate*secs; i++ {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(v))
	}
	var h bytes.Buffer
	h.WriteString("RIFF")
	_ = binary.Write(&h, binary.LittleEndian, uint32(36+len(pcm)))
	h.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		_ = binary.Write(&h, binary.LittleEndian, v)
	}
	h.WriteString("data")
	_ = binary.Write(&h, binary.LittleEndian, uint32(len(pcm)))
	h.Write(pcm)
	if err := os.WriteFile(path, h.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
