package supervisor

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/pidfile"
)

// A daemon that forks itself and writes its own pidfile (PidFileByDaemon)
// is run like this: the supervisor becomes a child subreaper (Linux), so
// when the program's first process exits, the daemon it left behind is
// re-parented to the supervisor. The PID the daemon writes is trusted only
// once it is proved to be the supervisor's child running DAEMON; from then
// on it is watched and stopped like any other daemon. Lacking subreapers
// (other systems), the PID is watched through a handle and checked only
// for being alive.

// startForking runs the program and waits until the daemon it forks has
// written its pidfile and been proved to be ours.
func (sv *Supervisor) startForking() error {
	cmd, err := sv.spawnCommand()
	if err != nil {
		return err
	}
	pid, err := sv.awaitForkedPID(cmd.Process.Pid, sv.track(cmd))
	if err != nil {
		return err
	}
	sv.d.pid, sv.d.dead, sv.d.status, sv.d.since = pid, false, nil, time.Now()
	sv.d.exited = sv.watchMain(pid)
	return sv.record()
}

// awaitForkedPID waits for the pidfile to name a process proved to be
// the daemon, while the program's first process exits (with status 0).
func (sv *Supervisor) awaitForkedPID(launcher int, launched chan error) (int, error) {
	c := sv.c
	timeout := time.After(c.StartTimeout)
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	backgrounded := false
	for {
		select {
		case err := <-launched:
			if proc.ShellStatus(err) != 0 {
				sv.drain(500 * time.Millisecond)
				sv.report(fmt.Sprintf("%s %s while putting itself in the background", c.Program(), proc.DescribeExit(err)))
				return 0, exitcode.Reported(exitcode.Failed)
			}
			backgrounded, launched = true, nil
		case <-tick.C:
			pid, err := pidfile.Read(c.PidFile)
			if err == nil && pid != launcher && proc.Running(pid) && isOurDaemon(pid, c.Path) {
				return pid, nil
			}
		case <-timeout:
			why := "did not write a pidfile naming its daemon"
			if !backgrounded {
				why = "did not put itself in the background"
			}
			sv.report(fmt.Sprintf("%s %s within START_TIMEOUT=%v (%s)", c.Program(), why, c.StartTimeout, c.PidFile))
			proc.SignalGroup(launcher, 9)
			return 0, exitcode.Reported(exitcode.Failed)
		}
	}
}

// removeDaemonPidFile deletes the daemon's own pidfile when it still names
// the daemon we ran (a well-behaved daemon removes it itself on exit).
func (sv *Supervisor) removeDaemonPidFile() {
	if pid, err := pidfile.Read(sv.c.PidFile); err == nil && pid == sv.d.pid {
		os.Remove(sv.c.PidFile)
	} else if errors.Is(err, pidfile.ErrInvalid) {
		os.Remove(sv.c.PidFile)
	}
}
