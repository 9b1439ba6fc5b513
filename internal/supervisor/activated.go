package supervisor

import (
	"net"
	"os"
	"strconv"

	"github.com/coreos/go-systemd/v22/activation"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Under systemd, with the .socket units `lsbinit unit` writes, `run` is
// socket-activated: systemd has created the LISTEN sockets and passes
// them with LISTEN_FDS. The supervisor then adopts them instead of
// binding (systemd holds the ports), matching each LISTEN entry to one
// passed socket by name, type and address (systemd passes the units'
// blocks in an order of its own), and hands them on in LISTEN's order.

// adoptActivated takes the sockets systemd passed, if it passed any. ok
// is false when it did not; err names what does not match LISTEN.
func (sv *Supervisor) adoptActivated() (ok bool, err error) {
	if pid, _ := strconv.Atoi(os.Getenv("LISTEN_PID")); pid != os.Getpid() || os.Getenv("LISTEN_FDS") == "" {
		return false, nil
	}
	passed := activation.Files(true)
	taken := make([]bool, len(passed))
	for _, s := range sv.c.Listen {
		i := matchPassed(s, passed, taken)
		if i < 0 {
			closeFiles(passed)
			sv.closeSockets()
			return true, exitcode.Fail(exitcode.NotConfigured, "LISTEN %s:%s: systemd passed no such socket; run `lsbinit unit` again and `systemctl daemon-reload`", s.Net, s.Addr)
		}
		taken[i] = true
		f, err := nonblocking(passed[i], nil)
		if err != nil {
			closeFiles(passed)
			sv.closeSockets()
			return true, exitcode.Fail(exitcode.Failed, "LISTEN %s:%s: %v", s.Net, s.Addr, err)
		}
		passed[i] = nil
		sv.sockets = append(sv.sockets, f)
	}
	closeFiles(passed) // what LISTEN no longer lists; the taken are nil
	return true, nil
}

// matchPassed finds the first passed socket not yet taken that is s.
func matchPassed(s spec.Socket, passed []*os.File, taken []bool) int {
	for i, f := range passed {
		if !taken[i] && f.Name() == s.Name && sameSocket(s, f) {
			return i
		}
	}
	return -1
}

// sameSocket reports whether f is a socket of s's kind bound to s's address.
func sameSocket(s spec.Socket, f *os.File) bool {
	var addr net.Addr
	if l, err := net.FileListener(f); err == nil {
		addr = l.Addr()
		l.Close()
	} else if c, err := net.FilePacketConn(f); err == nil {
		addr = c.LocalAddr()
		c.Close()
	}
	switch a := addr.(type) {
	case *net.UnixAddr:
		return s.Net == "unix" && a.Net == "unix" && a.Name == s.Addr
	case *net.TCPAddr:
		return (s.Net == "tcp" || s.Net == "tcp6") && sameIPPort(s.Addr, a.IP, a.Port)
	case *net.UDPAddr:
		return (s.Net == "udp" || s.Net == "udp6") && sameIPPort(s.Addr, a.IP, a.Port)
	}
	return false
}

// sameIPPort compares LISTEN's HOST:PORT with a bound address; an empty
// host or "*" is any address, as are 0.0.0.0 and :: to each other.
func sameIPPort(hostPort string, ip net.IP, port int) bool {
	host, p, err := net.SplitHostPort(hostPort)
	if err != nil || p != strconv.Itoa(port) {
		return false
	}
	if host == "" || host == "*" {
		return ip.IsUnspecified()
	}
	want := net.ParseIP(host)
	return want != nil && (want.Equal(ip) || want.IsUnspecified() && ip.IsUnspecified())
}
