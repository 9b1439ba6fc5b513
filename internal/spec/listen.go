package spec

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
)

// Socket is one LISTEN entry: a socket the supervisor creates before the
// daemon starts, and hands it as a descriptor (sd_listen_fds(3)).
type Socket struct {
	Name string // its LISTEN_FDNAMES entry
	Net  string // "tcp", "tcp6", "udp", "udp6" or "unix"
	Addr string // HOST:PORT, or the path of a unix socket
}

// String is the entry as LISTEN spells it.
func (s Socket) String() string { return s.Name + "=" + s.Net + ":" + s.Addr }

// ParseListen reads LISTEN's words: [NAME=]tcp:HOST:PORT, tcp6:[ADDR]:PORT,
// udp:HOST:PORT, udp6:[ADDR]:PORT or unix:/ABS/PATH. An entry without a
// name is named after the service, as systemd names a socket after its
// unit. HOST may be empty or "*" for every address.
func ParseListen(service string, words []string) ([]Socket, error) {
	var socks []Socket
	seen := map[string]bool{}
	for _, w := range words {
		s, err := parseSocket(service, w)
		if err != nil {
			return nil, err
		}
		key := s.Net + " " + s.Addr
		if seen[key] {
			return nil, fmt.Errorf("%q: %s %s is listed twice", w, s.Net, s.Addr)
		}
		seen[key] = true
		socks = append(socks, s)
	}
	return socks, nil
}

func parseSocket(service, w string) (Socket, error) {
	s := Socket{Name: service}
	spec := w
	if name, rest, ok := strings.Cut(w, "="); ok {
		if !validFDName(name) {
			return s, fmt.Errorf("%q: the name %q is not 1 to 255 letters, digits, '_', '.' or '-'", w, name)
		}
		s.Name, spec = name, rest
	}
	kind, addr, ok := strings.Cut(spec, ":")
	if !ok {
		return s, fmt.Errorf("%q is not one of tcp:HOST:PORT, tcp6:[ADDR]:PORT, udp:HOST:PORT, udp6:[ADDR]:PORT, unix:PATH", w)
	}
	s.Net = kind
	switch kind {
	case "tcp", "tcp6", "udp", "udp6":
		a, err := hostPort(kind, addr)
		if err != nil {
			return s, fmt.Errorf("%q: %v", w, err)
		}
		s.Addr = a
	case "unix":
		if !filepath.IsAbs(addr) {
			return s, fmt.Errorf("%q: the path must be absolute", w)
		}
		s.Addr = filepath.Clean(addr)
	default:
		return s, fmt.Errorf("%q: %q is not one of tcp, tcp6, udp, udp6, unix", w, kind)
	}
	return s, nil
}

// hostPort checks HOST:PORT for kind: a port from 1 to 65535, and for
// tcp6 and udp6 an IPv6 address in brackets.
func hostPort(kind, addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("want %s:HOST:PORT, e.g. %s:127.0.0.1:8080 or %s:[::1]:8080", kind, kind, kind)
	}
	n, err := strconv.Atoi(port)
	if err != nil || strings.Trim(port, "0123456789") != "" || n < 1 || n > 65535 {
		return "", fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	if host == "*" {
		host = ""
	}
	if strings.HasSuffix(kind, "6") && host != "" {
		addr, _, _ := strings.Cut(host, "%") // a link-local address's zone: fe80::1%eth0
		if ip := net.ParseIP(addr); ip == nil || ip.To4() != nil {
			return "", fmt.Errorf("%q is not an IPv6 address", host)
		}
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}

// validFDName reports whether name may be a LISTEN_FDNAMES entry, which
// sd_listen_fds_with_names(3) separates with ':'.
func validFDName(name string) bool {
	if name == "" || len(name) > 255 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// heldReadyAddr finds the LISTEN socket that READY would dial, if any:
// for tcp:, the same port, and the same host or either one any address;
// for unix:, the same path.
func (s *Spec) heldReadyAddr() (Socket, bool) {
	network, addr := s.Ready.Dials()
	if network == "unix" {
		for _, sock := range s.Listen {
			if sock.Net == "unix" && sock.Addr == addr {
				return sock, true
			}
		}
		return Socket{}, false
	}
	if network != "tcp" {
		return Socket{}, false
	}
	rh, rp, err := net.SplitHostPort(addr)
	if err != nil {
		return Socket{}, false
	}
	for _, sock := range s.Listen {
		if sock.Net != "tcp" && sock.Net != "tcp6" {
			continue
		}
		h, p, err := net.SplitHostPort(sock.Addr)
		if err == nil && p == rp && (h == rh || anyHost(h) || anyHost(rh)) {
			return sock, true
		}
	}
	return Socket{}, false
}

// anyHost reports whether host stands for every address.
func anyHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "" || host == "*" || ip != nil && ip.IsUnspecified()
}
