package supervisor

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lsbinit/lsbinit/internal/spec"
	"golang.org/x/sys/unix"
)

// filer is a listener or packet socket that can give its descriptor.
type filer interface {
	File() (*os.File, error)
	Close() error
}

// passedAs turns l into the *os.File a manager passes, named name (its
// LISTEN_FDNAMES entry); l is closed and the file closes when the test
// ends.
func passedAs(t *testing.T, l filer, name string) *os.File {
	t.Helper()
	f, err := l.File()
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var fd int
	withFD(t, f, func(n int) { fd, err = unix.Dup(n) })
	if err != nil {
		t.Fatal(err)
	}
	g := os.NewFile(uintptr(fd), name)
	t.Cleanup(func() { g.Close() })
	return g
}

func tcpSocket(t *testing.T, network, addr string) (*os.File, int) {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s %s: %v", network, addr, err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	return passedAs(t, l.(*net.TCPListener), "web"), port
}

func udpSocket(t *testing.T, network, addr string) (*os.File, int) {
	t.Helper()
	c, err := net.ListenPacket(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s %s: %v", network, addr, err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	return passedAs(t, c.(*net.UDPConn), "dns"), port
}

func joinHostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

// sameSocket tells a TCP socket by kind, host and port.
func TestSameSocketTCP(t *testing.T) {
	f, port := tcpSocket(t, "tcp4", "127.0.0.1:0")
	for _, tc := range []struct {
		net, addr string
		want      bool
	}{
		{"tcp", joinHostPort("127.0.0.1", port), true},
		{"tcp6", joinHostPort("127.0.0.1", port), true}, // the kind of socket is TCP either way
		{"tcp", joinHostPort("127.0.0.1", port+1), false},
		{"tcp", joinHostPort("127.0.0.2", port), false},
		{"tcp", joinHostPort("", port), false}, // any address: this one is bound to one
		{"tcp", joinHostPort("*", port), false},
		{"tcp", joinHostPort("0.0.0.0", port), false},
		{"tcp6", joinHostPort("::1", port), false},
		{"udp", joinHostPort("127.0.0.1", port), false},
		{"unix", joinHostPort("127.0.0.1", port), false},
		{"tcp", "127.0.0.1", false}, // no port
	} {
		s := spec.Socket{Name: "web", Net: tc.net, Addr: tc.addr}
		if got := sameSocket(s, f); got != tc.want {
			t.Errorf("sameSocket(%s, a socket on 127.0.0.1:%d) = %v, want %v", s, port, got, tc.want)
		}
	}
}

// A socket on every address is LISTEN's empty host, "*", 0.0.0.0 or ::,
// and no one address.
func TestSameSocketTCPWildcard(t *testing.T) {
	f, port := tcpSocket(t, "tcp", ":0") // [::] where IPv6 works, 0.0.0.0 elsewhere
	for _, tc := range []struct {
		net, host string
		want      bool
	}{
		{"tcp", "", true},
		{"tcp", "*", true},
		{"tcp", "0.0.0.0", true},
		{"tcp6", "::", true},
		{"tcp", "127.0.0.1", false},
		{"tcp6", "::1", false},
		{"udp", "", false},
	} {
		s := spec.Socket{Name: "web", Net: tc.net, Addr: joinHostPort(tc.host, port)}
		if got := sameSocket(s, f); got != tc.want {
			t.Errorf("sameSocket(%s, a socket on every address, port %d) = %v, want %v", s, port, got, tc.want)
		}
	}
}

// sameSocket tells a UDP socket from a TCP one on the same address.
func TestSameSocketUDP(t *testing.T) {
	f, port := udpSocket(t, "udp4", "127.0.0.1:0")
	for _, tc := range []struct {
		net, addr string
		want      bool
	}{
		{"udp", joinHostPort("127.0.0.1", port), true},
		{"udp6", joinHostPort("127.0.0.1", port), true},
		{"udp", joinHostPort("127.0.0.1", port+1), false},
		{"udp", joinHostPort("", port), false},
		{"tcp", joinHostPort("127.0.0.1", port), false},
		{"tcp6", joinHostPort("127.0.0.1", port), false},
		{"unix", joinHostPort("127.0.0.1", port), false},
	} {
		s := spec.Socket{Name: "dns", Net: tc.net, Addr: tc.addr}
		if got := sameSocket(s, f); got != tc.want {
			t.Errorf("sameSocket(%s, a UDP socket on 127.0.0.1:%d) = %v, want %v", s, port, got, tc.want)
		}
	}
	wild, wport := udpSocket(t, "udp", ":0")
	if s := (spec.Socket{Name: "dns", Net: "udp", Addr: joinHostPort("*", wport)}); !sameSocket(s, wild) {
		t.Errorf("sameSocket(%s, a UDP socket on every address) = false", s)
	}
}

// sameSocket tells a unix stream socket by its path, and takes neither a
// datagram socket on the path nor anything that is not a socket.
func TestSameSocketUnix(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	f := passedAs(t, l.(*net.UnixListener), "ctl")
	gram := filepath.Join(dir, "g.sock")
	c, err := net.ListenPacket("unixgram", gram)
	if err != nil {
		t.Fatal(err)
	}
	g := passedAs(t, c.(*net.UnixConn), "ctl")
	for _, tc := range []struct {
		s    spec.Socket
		f    *os.File
		want bool
	}{
		{spec.Socket{Name: "ctl", Net: "unix", Addr: path}, f, true},
		{spec.Socket{Name: "ctl", Net: "unix", Addr: filepath.Join(dir, "other.sock")}, f, false},
		{spec.Socket{Name: "ctl", Net: "tcp", Addr: path}, f, false},
		{spec.Socket{Name: "ctl", Net: "unix", Addr: gram}, g, false},
	} {
		if got := sameSocket(tc.s, tc.f); got != tc.want {
			t.Errorf("sameSocket(%s, %s) = %v, want %v", tc.s, tc.f.Name(), got, tc.want)
		}
	}
	r, w := rawPipe(t, 0)
	defer r.Close()
	defer w.Close()
	if sameSocket(spec.Socket{Name: "ctl", Net: "unix", Addr: path}, r) {
		t.Error("sameSocket took a pipe for a socket")
	}
}

// sameIPPort compares LISTEN's HOST:PORT with a bound address: the same
// port, and the same address or, for an empty host, "*", 0.0.0.0 and ::,
// any address.
func TestSameIPPort(t *testing.T) {
	v4, v6 := net.ParseIP("127.0.0.1"), net.ParseIP("::1")
	any4, any6 := net.IPv4zero, net.IPv6unspecified
	for _, tc := range []struct {
		hostPort string
		ip       net.IP
		port     int
		want     bool
	}{
		{"127.0.0.1:80", v4, 80, true},
		{"127.0.0.1:80", v4.To4(), 80, true},
		{"127.0.0.1:80", v4, 81, false},
		{"127.0.0.1:080", v4, 80, false}, // LISTEN's ports are canonical
		{"127.0.0.2:80", v4, 80, false},
		{"127.0.0.1:80", v6, 80, false},
		{"[::1]:80", v6, 80, true},
		{"[::1]:80", v4, 80, false},
		{"[::ffff:127.0.0.1]:80", v4, 80, true}, // the same address, IPv4-mapped
		{":80", any4, 80, true},
		{":80", any6, 80, true},
		{"*:80", any6, 80, true},
		{":80", v4, 80, false},
		{"*:80", v6, 80, false},
		{"0.0.0.0:80", any6, 80, true},
		{"[::]:80", any4, 80, true},
		{"0.0.0.0:80", v4, 80, false},
		{"[::]:80", v6, 80, false},
		{"127.0.0.1", v4, 80, false}, // no port
		{"", any4, 0, false},
		{"not-an-address:80", v4, 80, false},
	} {
		if got := sameIPPort(tc.hostPort, tc.ip, tc.port); got != tc.want {
			t.Errorf("sameIPPort(%q, %v, %d) = %v, want %v", tc.hostPort, tc.ip, tc.port, got, tc.want)
		}
	}
}

// matchPassed finds the first socket not yet taken with LISTEN's name,
// kind and address, and -1 when none is left.
func TestMatchPassed(t *testing.T) {
	web, port := tcpSocket(t, "tcp4", "127.0.0.1:0")
	dns, dport := udpSocket(t, "udp4", "127.0.0.1:0")
	path := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ctl := passedAs(t, l.(*net.UnixListener), "web") // a second socket named web
	passed := []*os.File{dns, web, ctl}
	taken := make([]bool, len(passed))
	httpSock := spec.Socket{Name: "web", Net: "tcp", Addr: joinHostPort("127.0.0.1", port)}
	for _, tc := range []struct {
		s    spec.Socket
		want int
	}{
		{httpSock, 1},
		{spec.Socket{Name: "web", Net: "unix", Addr: path}, 2},
		{spec.Socket{Name: "dns", Net: "udp", Addr: joinHostPort("127.0.0.1", dport)}, 0},
		{spec.Socket{Name: "api", Net: "tcp", Addr: joinHostPort("127.0.0.1", port)}, -1},  // another name
		{spec.Socket{Name: "dns", Net: "tcp", Addr: joinHostPort("127.0.0.1", dport)}, -1}, // another kind
		{spec.Socket{Name: "ctl", Net: "unix", Addr: path}, -1},                            // named web
	} {
		if got := matchPassed(tc.s, passed, taken); got != tc.want {
			t.Errorf("matchPassed(%s) = %d, want %d", tc.s, got, tc.want)
		}
	}
	taken[1] = true
	if got := matchPassed(httpSock, passed, taken); got != -1 {
		t.Errorf("matchPassed(%s) with its socket taken = %d, want -1", httpSock, got)
	}
	if got := matchPassed(httpSock, nil, nil); got != -1 {
		t.Errorf("matchPassed with nothing passed = %d, want -1", got)
	}
}

// launchd makes an IPv4 and an IPv6 socket for an address-less LISTEN
// entry: the entry takes the first, and a second entry like it the other.
func TestMatchPassedTwoWildcards(t *testing.T) {
	v4, port := tcpSocket(t, "tcp4", "0.0.0.0:0")
	v6, _ := tcpSocket(t, "tcp6", joinHostPort("::", port)) // IPV6_V6ONLY: beside the IPv4 one
	passed, taken := []*os.File{v4, v6}, []bool{false, false}
	s := spec.Socket{Name: "web", Net: "tcp", Addr: joinHostPort("", port)}
	i := matchPassed(s, passed, taken)
	if i != 0 {
		t.Fatalf("matchPassed(%s) = %d, want 0", s, i)
	}
	taken[i] = true
	if i = matchPassed(s, passed, taken); i != 1 {
		t.Fatalf("matchPassed(%s) with the IPv4 socket taken = %d, want 1", s, i)
	}
	taken[i] = true
	if i = matchPassed(s, passed, taken); i != -1 {
		t.Errorf("matchPassed(%s) with both taken = %d, want -1", s, i)
	}
}

// A LISTEN host given as a name, or as a link-local address with its
// zone, matches what it names.
func TestSameIPPortNamesAndZones(t *testing.T) {
	for _, tc := range []struct {
		hostPort string
		ip       string
		ok       bool
	}{
		{"localhost:8080", "127.0.0.1", true},
		{"localhost:8080", "10.0.0.1", false},
		{"[fe80::1%lo]:8080", "fe80::1", true},
		{"[fe80::1%lo]:8080", "fe80::2", false},
	} {
		if got := sameIPPort(tc.hostPort, net.ParseIP(tc.ip), 8080); got != tc.ok {
			t.Errorf("sameIPPort(%q, %s) = %v, want %v", tc.hostPort, tc.ip, got, tc.ok)
		}
	}
	if !sameZone("[fe80::1%lo]:80", "lo") || sameZone("[fe80::1%lo]:80", "eth0") || !sameZone("127.0.0.1:80", "") {
		t.Error("sameZone compares the zone wrongly")
	}
}
