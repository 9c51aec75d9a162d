package sip

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hotline test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// A phone on TLS (a sipgo user agent trusting our self-signed certificate)
// pings, registers with SHA-256 digest, and is then qualified over the
// same TLS connection: nothing can connect back to a phone behind NAT.
func TestTLSRegisterAndQualify(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	ts := startServer(t, Config{TLSCertFile: certFile, TLSKeyFile: keyFile}, Deps{})
	tlsAddr := ts.Addr("tls")
	if !tlsAddr.IsValid() || tlsAddr.Port() == ts.Addr("udp").Port() {
		t.Fatalf("tls address %s", tlsAddr)
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgenTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}),
		sipgo.WithUserAgentTransactionLayerOptions(gosip.WithTransactionLayerLogger(testLogger())),
		sipgo.WithUserAgentTransportLayerOptions(gosip.WithTransportLayerLogger(testLogger())))
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	phone, _ := sipgo.NewServer(ua, sipgo.WithServerLogger(testLogger()))
	options := make(chan struct{}, 4)
	phone.OnOptions(func(req *gosip.Request, tx gosip.ServerTransaction) {
		options <- struct{}{}
		_ = tx.Respond(gosip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	client, _ := sipgo.NewClient(ua, sipgo.WithClientLogger(testLogger()))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	target := gosip.Uri{Scheme: "sip", Host: "127.0.0.1", Port: int(tlsAddr.Port()),
		UriParams: gosip.HeaderParams{{K: "transport", V: "tls"}}}

	res, err := client.Do(ctx, gosip.NewRequest(gosip.OPTIONS, target))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("OPTIONS over TLS: %v %v", res, err)
	}
	reg := gosip.NewRequest(gosip.REGISTER, target)
	aor := gosip.Uri{Scheme: "sip", User: "1001", Host: "127.0.0.1"}
	reg.AppendHeader(&gosip.FromHeader{Address: aor, Params: gosip.HeaderParams{{K: "tag", V: "tlsphone"}}})
	reg.AppendHeader(&gosip.ToHeader{Address: aor})
	reg.AppendHeader(&gosip.ContactHeader{Address: gosip.Uri{Scheme: "sip", User: "1001", Host: "192.168.7.7", Port: 5061,
		UriParams: gosip.HeaderParams{{K: "transport", V: "tls"}}}})
	reg.AppendHeader(gosip.NewHeader("Expires", "300"))
	res, err = client.Do(ctx, reg)
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("REGISTER: %v %v", res, err)
	}
	res, err = client.DoDigestAuth(ctx, reg, res, sipgo.DigestAuth{Username: "1001", Password: "s3cret-1001"})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("REGISTER with credentials: %v %v", res, err)
	}
	cs, _ := ts.Contacts(ctx, "1001")
	if len(cs) != 1 || cs[0].Transport != "TLS" || !cs[0].NAT || cs[0].Source.Addr().String() != "127.0.0.1" {
		t.Fatalf("binding %+v", cs)
	}
	// The advertised 192.168.7.7 is unreachable; the observed connection is not.
	if !ts.Qualify(ctx, cs[0]) {
		t.Fatal("phone not reachable over its TLS connection")
	}
	select {
	case <-options:
	default:
		t.Fatal("the phone never saw our OPTIONS")
	}
}
