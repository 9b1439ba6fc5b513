package unit

import (
	"fmt"
	"strings"
)

// systemd writes a native unit: Type=notify around `lsbinit NAME run`.
//
// Decisions:
//   - run is the main process: it sends READY=1 and MAINPID (its own PID)
//     once the daemon is ready, so NotifyAccess=main suffices.
//   - KillMode=mixed: on stop, SIGTERM goes to run alone, which runs
//     STOP_SCHEDULE against the daemon (its own signals, its own waits,
//     the process group on KILL). systemd's SIGKILL to the whole cgroup
//     comes only once TimeoutStopSec (the schedule's total plus a margin)
//     has passed, or for what is left after run exits.
//   - Restarts of the daemon belong to lsbinit (RESPAWN, with its
//     back-off, its pidfile and its log); systemd's Restart=on-failure is
//     only a safety net for run itself, set when RESPAWN is on. With
//     RESPAWN=no, a daemon that dies makes run exit non-zero and the unit
//     fails, as the config asks.
//   - LISTEN: the socket units (see socketUnits) are required, ordered
//     before and named in Sockets=: systemd passes run their sockets
//     (LISTEN_FDS, LISTEN_FDNAMES), which run hands to the daemon.
func systemd(s *job) []byte {
	c := s.svc
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("# %s.service, written by %s from %s.", s.unit, s.writtenBy("systemd"), oneLine(s.source()))
	line("# lsbinit runs the daemon (`run`): it applies the config, reports readiness,")
	line("# restarts the daemon per RESPAWN and stops it per STOP_SCHEDULE.")
	line("[Unit]")
	line("Description=%s", unitValue(c.Desc))
	line("Documentation=man:lsbinit(8)")
	units := func(key string, list []string) {
		if len(list) > 0 {
			line("%s=%s", key, strings.Join(list, " "))
		}
	}
	wants, after := systemdDeps(c.Name, c.Header.RequiredStart, c.Header.ShouldStart)
	sockets := socketNames(s.sockets)
	units("Wants", wants)
	units("Requires", sockets)
	units("After", append(after, sockets...))
	line("")
	line("[Service]")
	line("Type=notify")
	line("NotifyAccess=main")
	line("ExecStart=%s", execLine(s.command("run")))
	if s.canReload() {
		line("ExecReload=%s", execLine(s.command("reload")))
	}
	units("Sockets", sockets)
	line("KillMode=mixed")
	line("TimeoutStartSec=%ds", seconds(s.startTimeout()))
	if d, ok := s.stopTimeout(); ok {
		line("TimeoutStopSec=%ds", seconds(d))
	} else {
		line("# STOP_SCHEDULE repeats forever: so does the wait for it.")
		line("TimeoutStopSec=infinity")
	}
	if s.respawns() {
		line("# RESPAWN=%s: lsbinit restarts the daemon; systemd restarts lsbinit", c.Respawn)
		line("# only if lsbinit itself fails.")
		line("Restart=on-failure")
	} else {
		line("# RESPAWN=no: nobody restarts the daemon.")
		line("Restart=no")
	}
	if target := systemdTarget(c.Header.DefaultStart); target != "" {
		line("")
		line("[Install]")
		line("WantedBy=%s", target)
	} else {
		line("# DEFAULT_START is empty: no [Install] section, the unit is started by hand.")
	}
	return []byte(b.String())
}

// systemdTarget maps DEFAULT_START to the target that wants the unit:
// runlevels 2, 3 and 4 are multi-user.target (which graphical.target pulls
// in), 5 alone is graphical.target, 1 alone rescue.target.
func systemdTarget(defaultStart string) string {
	levels := runlevels(defaultStart)
	switch {
	case strings.ContainsAny(levels, "234"):
		return "multi-user.target"
	case strings.Contains(levels, "5"):
		return "graphical.target"
	case strings.Contains(levels, "1"):
		return "rescue.target"
	}
	return ""
}

// facilities maps the LSB facility names to systemd units, as
// systemd-sysv-generator does; want says whether the unit is pulled in as
// well as ordered after (passive targets must be pulled in by a consumer).
// $syslog needs nothing (journald is always there), nor $all.
var facilities = map[string]struct {
	unit string
	want bool
}{
	"$local_fs":  {"local-fs.target", false},
	"$remote_fs": {"remote-fs.target", false},
	"$network":   {"network-online.target", true},
	"$named":     {"nss-lookup.target", true},
	"$portmap":   {"rpcbind.target", true},
	"$time":      {"time-sync.target", true},
	"$syslog":    {"", false},
	"$all":       {"", false},
}

// systemdDeps turns REQUIRED_START and SHOULD_START into Wants= and
// After=: a facility to its unit, another service NAME to NAME.service
// (wanted when required, only ordered after when it should start first).
// Unknown facilities and names that are no valid unit name are left out.
func systemdDeps(self, required, should string) (wants, after []string) {
	seen := map[string]bool{}
	add := func(list string, required bool) {
		for _, dep := range strings.Fields(list) {
			unit, want := "", required
			if f, ok := facilities[dep]; ok {
				unit, want = f.unit, required && f.want
			} else if !strings.HasPrefix(dep, "$") && dep != self && validUnitName(dep) {
				unit = dep + ".service"
			}
			if unit == "" || seen[unit] {
				continue
			}
			seen[unit] = true
			after = append(after, unit)
			if want {
				wants = append(wants, unit)
			}
		}
	}
	add(required, true)
	add(should, false)
	return wants, after
}

// validUnitName reports whether name.service is a valid unit name.
func validUnitName(name string) bool {
	if name == "" || len(name)+len(".service") > 255 {
		return false
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune(":-_.\\", r):
		default:
			return false
		}
	}
	return true
}

// oneLine replaces control characters (newlines above all) with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// unitValue escapes a free-text value: specifiers (%) are expanded in
// Description= and the like, and a value is one line.
func unitValue(s string) string {
	return strings.ReplaceAll(oneLine(s), "%", "%%")
}

// execLine writes a command line for ExecStart= and the like: each word
// quoted when it needs to be, % and $ doubled so that neither specifiers
// nor environment variables are expanded, and a lone ";" escaped.
func execLine(argv []string) string {
	words := make([]string, len(argv))
	for i, w := range argv {
		words[i] = execWord(w)
	}
	return strings.Join(words, " ")
}

func execWord(w string) string {
	w = strings.NewReplacer("%", "%%", "$", "$$").Replace(w)
	if w == ";" {
		return `\;`
	}
	plain := w != ""
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/_.,:+=@%$-", r)) {
			plain = false
			break
		}
	}
	if plain {
		return w
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range w {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < ' ' || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
