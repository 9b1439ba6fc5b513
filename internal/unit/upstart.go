package unit

import (
	"fmt"
	"strings"

	"github.com/lsbinit/lsbinit/internal/notation"
	"github.com/lsbinit/lsbinit/internal/schedule"
)

// upstartMaxKill is the kill timeout written for a STOP_SCHEDULE that
// repeats forever: upstart has no "no limit", and lsbinit's own longest
// timeout is a day.
const upstartMaxKill = int64(schedule.MaxTimeout / 1e9)

// upstart writes a job (init(5)) around `lsbinit NAME run`.
//
// Decisions:
//   - `expect stop`: run raises SIGSTOP once the daemon is ready (it sees
//     $UPSTART_JOB), so the job is "running" only when it is.
//   - `start on runlevel [...]`: upstart's rc-sysinit emits runlevel only
//     after the filesystem and static-network-up events, which covers
//     $local_fs, $remote_fs and $network; other dependencies are noted in a
//     comment.
//   - `kill timeout`: the stop schedule's total plus a margin, so that
//     upstart's SIGKILL never cuts lsbinit's schedule short.
//   - `respawn` only with RESPAWN on, as a safety net for run itself;
//     lsbinit restarts the daemon. `normal exit 0`: run exits 0 only after
//     a requested stop.
func upstart(s *job) []byte {
	c := s.svc
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("# %s.conf, written by %s from %s.", c.Name, s.writtenBy("upstart"), oneLine(s.source()))
	line("# lsbinit runs the daemon (`run`): it applies the config, reports readiness,")
	line("# restarts the daemon per RESPAWN and stops it per STOP_SCHEDULE.")
	line("description %s", upstartString(c.Desc))
	if deps := strings.TrimSpace(c.Header.RequiredStart + " " + c.Header.ShouldStart); deps != "" {
		line("# Required-Start/Should-Start: %s (the runlevel event comes after filesystem", oneLine(deps))
		line("# and static-network-up; order other jobs with their own start on).")
	}
	start := runlevels(c.Header.DefaultStart)
	if start != "" {
		line("start on runlevel [%s]", start)
		line("stop on runlevel [!%s]", start)
	} else if stop := runlevels(c.Header.DefaultStop); stop != "" {
		line("stop on runlevel [%s]", stop)
	}
	line("expect stop")
	if d, ok := s.stopTimeout(); ok {
		line("kill timeout %d", seconds(d))
	} else {
		line("# STOP_SCHEDULE repeats forever; upstart needs a limit.")
		line("kill timeout %d", upstartMaxKill)
	}
	if s.canReload() {
		// initctl reload sends this to run, which reopens the log and
		// passes it on to the daemon.
		line("reload signal %s", notation.SignalName(c.ReloadSignal))
	} else {
		line("# RELOAD_SIGNAL=none: do not use `initctl reload` (it would send SIGHUP).")
	}
	if s.respawns() {
		line("# RESPAWN=%s: lsbinit restarts the daemon; upstart restarts lsbinit", c.Respawn)
		line("# only if lsbinit itself fails.")
		line("respawn")
		line("normal exit 0")
	}
	line("exec %s", shellLine(s.command("run")))
	return []byte(b.String())
}

// upstartString quotes a value for a stanza (upstart reads the rest of
// the line with shell-like quoting).
func upstartString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(oneLine(s)) + `"`
}

// shellLine quotes argv for /bin/sh: upstart's exec, and SMF's methods,
// pass the line to a shell when it holds shell characters.
func shellLine(argv []string) string {
	words := make([]string, len(argv))
	for i, w := range argv {
		words[i] = shellWord(w)
	}
	return strings.Join(words, " ")
}

func shellWord(w string) string {
	plain := w != ""
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/_.,:+=@-", r)) {
			plain = false
			break
		}
	}
	if plain {
		return w
	}
	return "'" + strings.ReplaceAll(oneLine(w), "'", `'\''`) + "'"
}
