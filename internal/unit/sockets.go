package unit

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// LISTEN under systemd: socket units beside the service unit hold the
// sockets, so that systemd opens them (and starts the service on the
// first connection), and the service unit's Sockets= passes them to
// `lsbinit NAME run`, which hands them to the daemon as it hands the
// sockets it opens itself: in LISTEN's order, named as LISTEN names them.
//
// Decisions:
//   - FileDescriptorName= and BindIPv6Only= belong to a socket unit, not
//     to one of its Listen lines, so the entries go to as few units as
//     those two allow: one per descriptor name, and a second one for a
//     name whose entries need both a dual-stack and an IPv6-only
//     wildcard. UNIT.socket (UNIT: the service unit's name without
//     ".service") is the first unit of the entries named by default,
//     after the service, or else the first unit; every other one is
//     UNIT-FDNAME.socket, -2, -3, ... appended when that is taken.
//   - systemd passes the sockets of one unit in the order of its Listen
//     lines, but the units one after the other in no set order (it walks
//     a hash table of the service's triggering units). So with one unit
//     the descriptors are in LISTEN's order; with several they are not,
//     and run must put them back in LISTEN's order by name and address.
//     One unit per socket would not help, and one unit for all would lose
//     the names.
//   - Addresses are bound as Go's net.Listen, the supervisor's, binds
//     them: "tcp" and "udp" with an empty or unspecified host (0.0.0.0
//     included) make one socket on [::]:PORT with IPV6_V6ONLY off, which
//     serves IPv4 too: systemd's bare PORT with BindIPv6Only=both (both
//     fall back to 0.0.0.0:PORT on a kernel without IPv6). "tcp6" and
//     "udp6" set IPV6_V6ONLY: [::]:PORT with BindIPv6Only=ipv6-only. An
//     IPv4-mapped address is bound as its IPv4 address. A host name is
//     refused: Go resolves it, systemd takes addresses only.
//   - Unix sockets get SocketMode=0666, as the supervisor chmods them,
//     and RemoveOnStop=yes, as the supervisor removes them when it ends.

// socketUnit is one systemd socket unit of the service.
type socketUnit struct {
	name   string // UNIT.socket or UNIT-FDNAME.socket
	fdName string // FileDescriptorName=
	bind   string // BindIPv6Only=, "" when no entry depends on it
	unix   bool   // whether it holds a unix socket
	listen []listenLine
}

// listenLine is one LISTEN entry as a socket unit spells it.
type listenLine struct {
	key   string // ListenStream or ListenDatagram
	value string // the address, % escaped
	bind  string // the BindIPv6Only= it needs, or ""
	entry int    // its place in LISTEN, from 1
	spec  spec.Socket
}

// socketUnits groups LISTEN into the socket units of the service unit
// UNIT.service; service is the service's name, LISTEN's default name.
func socketUnits(unit, service string, listen []spec.Socket) ([]socketUnit, error) {
	if !validUnitName(unit) {
		return nil, exitcode.Fail(exitcode.Usage, "cannot name socket units after %q, which is no systemd unit name; write the service unit with -o DIR/UNIT.service, UNIT of letters, digits, ':', '-', '_', '.' and '\\'", unit)
	}
	var units []socketUnit
	for i, s := range listen {
		l, err := systemdListen(s)
		if err != nil {
			return nil, err
		}
		l.entry = i + 1
		j := slices.IndexFunc(units, func(u socketUnit) bool {
			return u.fdName == s.Name && (u.bind == "" || l.bind == "" || u.bind == l.bind)
		})
		if j < 0 {
			units = append(units, socketUnit{fdName: s.Name})
			j = len(units) - 1
		}
		u := &units[j]
		u.listen = append(u.listen, l)
		if u.bind == "" {
			u.bind = l.bind
		}
		u.unix = u.unix || s.Net == "unix"
	}
	return units, nameSockets(units, unit, service)
}

// nameSockets names the socket units of UNIT.service.
func nameSockets(units []socketUnit, unit, service string) error {
	first := max(0, slices.IndexFunc(units, func(u socketUnit) bool { return u.fdName == service }))
	taken := map[string]bool{unit: true}
	units[first].name = unit + ".socket"
	for i := range units {
		if i == first {
			continue
		}
		name := unit + "-" + units[i].fdName
		for n := 2; taken[name]; n++ {
			name = unit + "-" + units[i].fdName + "-" + strconv.Itoa(n)
		}
		taken[name] = true
		if units[i].name = name + ".socket"; len(units[i].name) > 255 {
			return exitcode.Fail(exitcode.NotConfigured, "socket unit name %s is longer than systemd's 255 characters; give LISTEN a shorter name", units[i].name)
		}
	}
	return nil
}

// systemdListen spells one LISTEN entry as a Listen line.
func systemdListen(s spec.Socket) (listenLine, error) {
	l := listenLine{key: "ListenStream", spec: s}
	if strings.HasPrefix(s.Net, "udp") {
		l.key = "ListenDatagram"
	}
	if s.Net == "unix" {
		// No whitespace (LISTEN is split on it); a trailing backslash
		// would continue the line.
		if strings.ContainsFunc(s.Addr, isControl) || strings.HasSuffix(s.Addr, `\`) {
			return l, exitcode.Fail(exitcode.NotConfigured, "LISTEN %q: systemd cannot take this path", s.String())
		}
		l.value = strings.ReplaceAll(s.Addr, "%", "%%")
		return l, nil
	}
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return l, exitcode.Fail(exitcode.NotConfigured, "LISTEN %q: %v", s.String(), err)
	}
	v6only := strings.HasSuffix(s.Net, "6")
	ip, err := netip.ParseAddr(host)
	switch {
	case host == "" || ip.IsUnspecified() && v6only:
		l.value, l.bind = port, "both"
		if v6only {
			l.value, l.bind = "[::]:"+port, "ipv6-only"
		}
	case err != nil:
		return l, exitcode.Fail(exitcode.NotConfigured, "LISTEN %q: systemd listens on addresses, not on host names such as %q", s.String(), host)
	case ip.Unmap().IsUnspecified():
		l.value, l.bind = port, "both"
	case ip.Unmap().Is4():
		l.value = ip.Unmap().String() + ":" + port
	default:
		// systemd puts the interface after the port: [ADDR]:PORT%IFACE.
		l.value = "[" + ip.WithZone("").String() + "]:" + port
		if ip.Zone() != "" {
			l.value += "%" + ip.Zone()
		}
	}
	l.value = strings.ReplaceAll(l.value, "%", "%%")
	return l, nil
}

// socketNames lists the names of the socket units.
func socketNames(units []socketUnit) []string {
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = u.name
	}
	return names
}

// systemdSocket writes the socket unit u of the service.
func systemdSocket(s *job, u socketUnit) []byte {
	c := s.svc
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("# %s, written by %s from %s.", u.name, s.writtenBy("systemd"), oneLine(s.source()))
	line("# systemd opens these LISTEN sockets and passes them to %s.service,", s.unit)
	line("# whose lsbinit hands them to the daemon in LISTEN's order and with")
	line("# LISTEN's names.")
	line("[Unit]")
	line("Description=%s (sockets named %s)", unitValue(c.Desc), u.fdName)
	line("Documentation=man:lsbinit(8)")
	line("")
	line("[Socket]")
	for _, l := range u.listen {
		line("# LISTEN's entry %d: %s", l.entry, oneLine(l.spec.String()))
		line("%s=%s", l.key, l.value)
	}
	line("FileDescriptorName=%s", u.fdName)
	line("Service=%s.service", s.unit)
	if u.bind != "" {
		line("BindIPv6Only=%s", u.bind)
	}
	if u.unix {
		line("SocketMode=0666")
		line("RemoveOnStop=yes")
	}
	line("")
	line("[Install]")
	line("WantedBy=sockets.target")
	return []byte(b.String())
}
