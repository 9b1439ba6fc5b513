package unit

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// launchd writes a property list (launchd.plist(5)) for
// /Library/LaunchDaemons/NAME.plist around `lsbinit NAME run`.
//
// Decisions:
//   - Label is NAME, so `launchctl kickstart system/NAME` names the
//     service as every other tool does.
//   - No UserName/GroupName: lsbinit starts as root and gives the daemon
//     USER and GROUP itself (with initgroups), keeping the pidfile and log
//     root's, where `lsbinit NAME status` run by root looks for them.
//     WorkingDirectory is CHDIR, which lsbinit also enters for the daemon.
//   - No StandardOutPath/StandardErrorPath: lsbinit writes LOGFILE.
//   - KeepAlive: with RESPAWN on, lsbinit restarts the daemon, and launchd
//     restarts lsbinit only when it fails (SuccessfulExit false: run exits
//     0 only after a requested stop); with RESPAWN=no, nothing restarts.
//   - ExitTimeOut: the stop schedule's total plus a margin (0, launchd's
//     "no limit", when the schedule repeats forever).
//   - LISTEN: Sockets, a key per descriptor name (see launchdSockets).
func launchd(s *job) []byte {
	c := s.svc
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	fmt.Fprintf(&b, "<!-- %s -->\n", xmlComment(fmt.Sprintf("%s.plist, written by lsbinit unit %s (for launchd) from %s.", c.Name, c.Name, s.source())))
	b.WriteString(`<plist version="1.0">` + "\n<dict>\n")
	key := func(k string) { fmt.Fprintf(&b, "\t<key>%s</key>\n", escape(k)) }
	str := func(indent, v string) { fmt.Fprintf(&b, "%s<string>%s</string>\n", indent, escape(v)) }

	key("Label")
	str("\t", c.Name)
	key("ProgramArguments")
	b.WriteString("\t<array>\n")
	for _, a := range s.command("run") {
		str("\t\t", a)
	}
	b.WriteString("\t</array>\n")
	key("RunAtLoad")
	b.WriteString("\t<true/>\n")
	key("KeepAlive")
	if s.respawns() {
		b.WriteString("\t<dict>\n\t\t<key>SuccessfulExit</key>\n\t\t<false/>\n\t</dict>\n")
	} else {
		b.WriteString("\t<false/>\n")
	}
	key("WorkingDirectory")
	str("\t", c.Dir)
	key("ExitTimeOut")
	timeout := int64(0)
	if d, ok := s.stopTimeout(); ok {
		timeout = seconds(d)
	}
	fmt.Fprintf(&b, "\t<integer>%d</integer>\n", timeout)
	if len(s.svc.Listen) > 0 {
		key("Sockets")
		launchdSockets(&b, s.svc.Listen)
	}
	b.WriteString("</dict>\n</plist>\n")
	return b.Bytes()
}

// launchdSockets writes the Sockets dictionary of launchd.plist(5): a key
// per descriptor name, in the order LISTEN first uses them, each an array
// of the sockets of that name in LISTEN's order. The job gets them from
// launch_activate_socket(3) by that name, an array of descriptors per
// key, not as LISTEN_FDS.
//
// launchd binds as getaddrinfo(3) answers, one socket per address, and
// sets IPV6_V6ONLY on every IPv6 one. So a "tcp" or "udp" entry with no
// host, which Go (the supervisor) binds as one dual-stack socket, is two
// sockets under launchd, one per family, under the same key; a host name
// is bound as IPv4, as Go binds a name's first IPv4 address.
func launchdSockets(b *bytes.Buffer, listen []spec.Socket) {
	var names []string
	byName := map[string][]spec.Socket{}
	for _, s := range listen {
		if byName[s.Name] == nil {
			names = append(names, s.Name)
		}
		byName[s.Name] = append(byName[s.Name], s)
	}
	b.WriteString("\t<dict>\n")
	for _, name := range names {
		fmt.Fprintf(b, "\t\t<key>%s</key>\n\t\t<array>\n", escape(name))
		for _, s := range byName[name] {
			b.WriteString("\t\t\t<dict>\n")
			for _, kv := range launchdSocket(s) {
				fmt.Fprintf(b, "\t\t\t\t<key>%s</key>\n\t\t\t\t<%s>%s</%s>\n", kv.key, kv.kind, escape(kv.value), kv.kind)
			}
			b.WriteString("\t\t\t</dict>\n")
		}
		b.WriteString("\t\t</array>\n")
	}
	b.WriteString("\t</dict>\n")
}

// plistPair is a key of a plist dictionary and its value of type kind.
type plistPair struct{ key, kind, value string }

// launchdSocket is one LISTEN entry as a socket dictionary.
func launchdSocket(s spec.Socket) []plistPair {
	str := func(k, v string) plistPair { return plistPair{k, "string", v} }
	if s.Net == "unix" {
		// SockPathMode is decimal: 438 is 0666, as the supervisor's chmod.
		return []plistPair{str("SockType", "stream"), str("SockFamily", "Unix"),
			str("SockPathName", s.Addr), {"SockPathMode", "integer", "438"}}
	}
	kv := []plistPair{str("SockType", "stream")}
	if strings.HasPrefix(s.Net, "udp") {
		kv[0].value = "dgram"
	}
	host, port, _ := net.SplitHostPort(s.Addr)
	family, node := launchdNode(strings.HasSuffix(s.Net, "6"), host)
	if family != "" {
		kv = append(kv, str("SockFamily", family))
	}
	if node != "" {
		kv = append(kv, str("SockNodeName", node))
	}
	return append(kv, str("SockServiceName", port))
}

// launchdNode maps a LISTEN host to SockFamily and SockNodeName, "" for
// none: no host is every address of both families, or of IPv6 alone
// for tcp6 and udp6 (v6only).
func launchdNode(v6only bool, host string) (family, node string) {
	ip, err := netip.ParseAddr(host)
	switch {
	case host == "" || err == nil && ip.Unmap().IsUnspecified():
		if v6only {
			return "IPv6", ""
		}
		return "", ""
	case err != nil:
		return "IPv4", host
	case ip.Unmap().Is4():
		return "IPv4", ip.Unmap().String()
	}
	return "IPv6", ip.String()
}

// escape makes s safe as XML character data; control characters, which
// XML 1.0 cannot carry, become spaces.
func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(oneLine(s)))
	return b.String()
}
