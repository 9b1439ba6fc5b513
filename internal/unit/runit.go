package unit

import (
	"fmt"
	"strings"
)

// runit writes a runit service directory's run script: runsv(8) runs
// `lsbinit NAME run` in front, as systemd does.
//
// Decisions:
//   - run execs lsbinit: runsv signals it directly (TERM on `sv stop`),
//     and lsbinit runs STOP_SCHEDULE against the daemon; `sv reload`
//     sends HUP, which run passes on as RELOAD_SIGNAL after reopening the
//     log.
//   - runsv restarts run whenever it exits. lsbinit restarts the daemon
//     itself per RESPAWN, so run only exits when asked to stop (status
//     0) or when the daemon ended and RESPAWN says not to restart it.
//     For RESPAWN=no, the finish script (see runitFinish) then marks the
//     service down, so that runsv does not restart what the config says
//     must stay down.
func runit(s *job) []byte {
	c := s.svc
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("#!/bin/sh")
	line("# run, written by %s from %s.", s.writtenBy("runit"), oneLine(s.source()))
	line("# runsv runs lsbinit, which applies the config, runs the daemon, restarts it")
	line("# per RESPAWN (%s) and stops it per STOP_SCHEDULE on `sv stop`.", c.Respawn)
	line("exec %s", shellLine(s.command("run")))
	return []byte(b.String())
}

// runitFinish is the finish script: with RESPAWN=no, a run that ended
// on its own (the daemon died) marks the service down; runsv passes
// run's exit status (-1 after a signal) as $1.
func runitFinish(s *job) []byte {
	c := s.svc
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("#!/bin/sh")
	line("# finish, written by %s from %s.", s.writtenBy("runit"), oneLine(s.source()))
	if s.respawns() {
		line("# RESPAWN=%s: lsbinit restarts the daemon; runsv restarts run only if", c.Respawn)
		line("# lsbinit itself failed.")
		line("exit 0")
		return []byte(b.String())
	}
	line("# RESPAWN=no: run ended without being asked to (the daemon died), so the")
	line("# service stays down instead of being restarted by runsv.")
	line(`[ "$1" = 0 ] || exec sv down "$PWD"`)
	return []byte(b.String())
}
