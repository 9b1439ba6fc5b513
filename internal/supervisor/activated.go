package supervisor

import (
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/launchd"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Under systemd, with the .socket units `lsbinit unit` writes, `run` is
// socket-activated: systemd has created the LISTEN sockets and passes
// them with LISTEN_FDS; under launchd, the plist's Sockets entry makes
// launchd create them, and launch_activate_socket(3) hands them over. The
// supervisor then adopts them instead of binding (the manager holds the
// ports), matching each LISTEN entry to one passed socket by name, type
// and address (systemd passes several units' sockets in an order of its
// own; launchd makes an IPv4 and an IPv6 socket for an address-less
// entry), and hands them on in LISTEN's order.

// adoptActivated takes the sockets systemd or launchd passed, if they
// passed any. ok is false when they did not; err names what does not
// match LISTEN.
func (sv *Supervisor) adoptActivated() (ok bool, err error) {
	passed, from, hint := sv.passedSockets()
	if passed == nil {
		return false, nil
	}
	taken := make([]bool, len(passed))
	for _, s := range sv.c.Listen {
		i := matchPassed(s, passed, taken)
		if i < 0 {
			closeFiles(passed)
			sv.sockets.close()
			return true, exitcode.Fail(exitcode.NotConfigured, "LISTEN %s:%s: %s passed no such socket; %s", s.Net, s.Addr, from, hint)
		}
		taken[i] = true
		f, err := nonblocking(passed[i], nil)
		if err != nil {
			closeFiles(passed)
			sv.sockets.close()
			return true, exitcode.Fail(exitcode.Failed, "LISTEN %s:%s: %v", s.Net, s.Addr, err)
		}
		passed[i] = nil
		sv.sockets.files = append(sv.sockets.files, f)
	}
	closeFiles(passed) // what LISTEN no longer lists; the taken are nil
	return true, nil
}

// passedSockets returns the sockets systemd passed (LISTEN_PID is ours),
// or launchd (the plist's Sockets, by LISTEN's names), or nil; and who
// passed them and how to bring them in line with LISTEN.
func (sv *Supervisor) passedSockets() (files []*os.File, from, hint string) {
	if pid, _ := strconv.Atoi(os.Getenv("LISTEN_PID")); pid == os.Getpid() && os.Getenv("LISTEN_FDS") != "" {
		return daemon.ListenFiles(), "systemd", "run `lsbinit unit` again and `systemctl daemon-reload`"
	}
	seen := map[string]bool{}
	for _, s := range sv.c.Listen {
		if seen[s.Name] {
			continue
		}
		seen[s.Name] = true
		got, err := launchd.Sockets(s.Name)
		if err != nil {
			continue // not a launchd job, or not a name in its plist
		}
		files = append(files, got...)
	}
	return files, "launchd", "run `lsbinit unit` again and load the job anew"
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
		return (s.Net == "tcp" || s.Net == "tcp6") && sameIPPort(s.Addr, a.IP, a.Port) && sameZone(s.Addr, a.Zone)
	case *net.UDPAddr:
		return (s.Net == "udp" || s.Net == "udp6") && sameIPPort(s.Addr, a.IP, a.Port) && sameZone(s.Addr, a.Zone)
	}
	return false
}

// sameIPPort compares LISTEN's HOST:PORT with a bound address; an empty
// host or "*" is any address, as are 0.0.0.0 and :: to each other. A
// host name (localhost) matches any of its addresses; a link-local
// address's zone (fe80::1%eth0) is compared by sameZone.
func sameIPPort(hostPort string, ip net.IP, port int) bool {
	host, p, err := net.SplitHostPort(hostPort)
	if err != nil || p != strconv.Itoa(port) {
		return false
	}
	if host == "" || host == "*" {
		return ip.IsUnspecified()
	}
	host, _, _ = strings.Cut(host, "%")
	wants := []net.IP{net.ParseIP(host)}
	if wants[0] == nil {
		addrs, _ := net.LookupIP(host) // a name the unit writers pass on
		wants = addrs
	}
	for _, want := range wants {
		if want.Equal(ip) || want.IsUnspecified() && ip.IsUnspecified() {
			return true
		}
	}
	return false
}

// sameZone compares the zone of LISTEN's host, if any, with a bound
// address's.
func sameZone(hostPort, zone string) bool {
	host, _, _ := net.SplitHostPort(hostPort)
	_, want, found := strings.Cut(host, "%")
	return !found || want == zone
}
