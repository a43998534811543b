// Command clusterpki makes what start.sh needs before it can run a control plane and
// that a shell has no portable way to make: certificates, free ports and tokens.
//
//	clusterpki pki -dir DIR [-hosts 127.0.0.1,localhost]   CA, serving cert, service-account keys
//	clusterpki ports N                                        N distinct free ports on 127.0.0.1
//	clusterpki token                                          a random bearer token
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: clusterpki pki|ports|token ..."))
	}
	var err error
	switch os.Args[1] {
	case "pki":
		err = runPKI(os.Args[2:])
	case "ports":
		err = runPorts(os.Args[2:])
	case "token":
		err = runToken()
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "clusterpki:", err)
	os.Exit(1)
}

func runPKI(args []string) error {
	fs := flag.NewFlagSet("pki", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory to write into")
	hosts := fs.String("hosts", "127.0.0.1,localhost", "comma-separated IPs and DNS names of the serving certificate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("pki: -dir is required")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	// One throwaway CA per control plane: it lives as long as the .work directory.
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "splitscope-contract-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}

	serveKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serveTemplate := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range strings.Split(*hosts, ",") {
		h = strings.TrimSpace(h)
		if ip := net.ParseIP(h); ip != nil {
			serveTemplate.IPAddresses = append(serveTemplate.IPAddresses, ip)
		} else if h != "" {
			serveTemplate.DNSNames = append(serveTemplate.DNSNames, h)
		}
	}
	serveDER, err := x509.CreateCertificate(rand.Reader, serveTemplate, caCert, &serveKey.PublicKey, caKey)
	if err != nil {
		return err
	}

	// The key kube-apiserver signs service-account tokens with, and its public half
	// that it verifies them with.
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	saPub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return err
	}

	files := []struct {
		name  string
		block *pem.Block
	}{
		{"ca.crt", &pem.Block{Type: "CERTIFICATE", Bytes: caDER}},
		{"apiserver.crt", &pem.Block{Type: "CERTIFICATE", Bytes: serveDER}},
		{"sa.pub", &pem.Block{Type: "PUBLIC KEY", Bytes: saPub}},
	}
	for _, k := range []struct {
		name string
		key  *ecdsa.PrivateKey
	}{{"ca.key", caKey}, {"apiserver.key", serveKey}, {"sa.key", saKey}} {
		der, err := x509.MarshalECPrivateKey(k.key)
		if err != nil {
			return err
		}
		files = append(files, struct {
			name  string
			block *pem.Block
		}{k.name, &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}})
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(*dir, f.name), pem.EncodeToMemory(f.block), 0o600); err != nil {
			return err
		}
	}
	return nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		fail(err)
	}
	return n
}

// runPorts holds every listener open until all are chosen so the ports differ; another
// process can still take one before the caller binds it, which start.sh detects when a
// server exits early.
func runPorts(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: clusterpki ports N")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 {
		return fmt.Errorf("ports: bad count %q", args[0])
	}
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	ports := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		listeners = append(listeners, l)
		addr, ok := l.Addr().(*net.TCPAddr)
		if !ok {
			return fmt.Errorf("ports: unexpected address %v", l.Addr())
		}
		ports = append(ports, strconv.Itoa(addr.Port))
	}
	fmt.Println(strings.Join(ports, " "))
	return nil
}

func runToken() error {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	fmt.Println(hex.EncodeToString(b))
	return nil
}
