package unit

import (
	"fmt"
	"strings"
)

// openrc writes an openrc-run(8) script for /etc/init.d/NAME.
//
// Decisions:
//   - start and stop are `lsbinit NAME start` and `stop`: lsbinit forks
//     its supervisor, waits for READY and runs STOP_SCHEDULE; OpenRC
//     orders the service by depend() and records whether it started.
//     OpenRC's restart calls stop() then start(), with $RC_CMD saying so:
//     stop() then is `lsbinit NAME restart` (the daemon replaced in place,
//     its sockets kept), and start() finds it running.
//   - status is `lsbinit NAME status`, whose line and LSB exit code
//     openrc-run passes on, so that status tells the truth about a daemon
//     that died since OpenRC started it.
//   - reload is one of extra_commands, not extra_started_commands, even
//     without RELOAD_SIGNAL: lsbinit answers it in every state, with LSB's
//     codes (reload of a stopped service is 7, not OpenRC's 1; an
//     unsupported reload is 3, where openrc-run would exit 0 doing nothing). openrc-run has its own
//     restart and condrestart (LSB's try-restart); it calls a command's
//     shell function by the command's name, and sh allows no "-" in one,
//     so try-restart and force-reload cannot be commands of the script.
//   - depend(): the LSB facilities become OpenRC's virtual services,
//     wanted (use) and ordered (after), never needed: a container or a
//     Debian system may have no net or netmount service, and a missing
//     facility must not keep the service from starting. Another service
//     in REQUIRED_START is needed (need), one in SHOULD_START used.
func openrc(s *job) []byte {
	c := s.svc
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("#!/sbin/openrc-run")
	line("# %s, written by %s from %s.", c.Name, s.writtenBy("openrc"), oneLine(s.source()))
	line("# lsbinit starts the daemon and waits for READY, stops it per STOP_SCHEDULE")
	line("# and tells its status; OpenRC orders it and records that it was started.")
	line("")
	line("description=%s", shellWord(c.Desc))
	line("extra_commands=reload")
	need, use, after := openrcDeps(c.Name, c.Header.RequiredStart, c.Header.ShouldStart)
	line("")
	line("depend() {")
	if len(need)+len(use)+len(after) == 0 {
		line("\t:")
	}
	for _, d := range []struct {
		word string
		list []string
	}{{"need", need}, {"use", use}, {"after", after}} {
		if len(d.list) > 0 {
			line("\t%s %s", d.word, strings.Join(d.list, " "))
		}
	}
	line("}")
	cmd := func(fn, action string) {
		line("")
		line("%s() {", fn)
		line("\t%s", shellLine(s.command(action)))
		line("}")
	}
	cmd("start", "start")
	// openrc-run's restart is stop() then start(): stop() restarts the
	// service instead, so that lsbinit replaces the daemon in place and
	// its sockets (LISTEN) stay open; start() then finds it running.
	line("")
	line("stop() {")
	line("\tcase ${RC_CMD:-} in")
	line("\trestart|condrestart|conditionalrestart) %s ;;", shellLine(s.command("restart")))
	line("\t*) %s ;;", shellLine(s.command("stop")))
	line("\tesac")
	line("}")
	cmd("status", "status")
	cmd("reload", "reload")
	return []byte(b.String())
}

// openrcFacilities maps the LSB facilities to OpenRC's virtual services.
// $all is OpenRC's `after *`.
var openrcFacilities = map[string][]string{
	"$local_fs":  {"localmount"},
	"$remote_fs": {"localmount", "netmount"},
	"$network":   {"net"},
	"$named":     {"dns"},
	"$syslog":    {"logger"},
	"$portmap":   {"rpcbind"},
	"$time":      {"ntp-client"},
	"$all":       {"*"},
}

// openrcDeps turns REQUIRED_START and SHOULD_START into depend()'s need,
// use and after.
func openrcDeps(self, required, should string) (need, use, after []string) {
	seen := map[string]bool{}
	add := func(list string, required bool) {
		for _, dep := range strings.Fields(list) {
			if f, ok := openrcFacilities[dep]; ok {
				for _, svc := range f {
					if seen[svc] {
						continue
					}
					seen[svc] = true
					if svc != "*" {
						use = append(use, svc)
					}
					after = append(after, svc)
				}
				continue
			}
			if strings.HasPrefix(dep, "$") || dep == self || !openrcName(dep) || seen[dep] {
				continue
			}
			seen[dep] = true
			if required {
				need = append(need, dep)
			} else {
				use = append(use, dep)
				after = append(after, dep)
			}
		}
	}
	add(required, true)
	add(should, false)
	return need, use, after
}

// openrcName reports whether name can be written unquoted in depend().
func openrcName(name string) bool {
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.@+-", r)) {
			return false
		}
	}
	return name != ""
}
