package supervisor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/logfile"
	"golang.org/x/sys/unix"
)

// startDaemon starts the daemon and records it in the pidfile, the
// sidecar and the lock file.
func (sv *Supervisor) startDaemon() error {
	cmd, err := sv.spawnCommand()
	if err != nil {
		return err
	}
	sv.pid, sv.dead, sv.status, sv.since = cmd.Process.Pid, false, nil, time.Now()
	sv.exited = sv.track(cmd)
	if sv.overlapping {
		err = sv.recordNext()
	} else {
		err = sv.record()
	}
	sv.openGate(err == nil)
	return err
}

// spawnCommand starts the program in its own session with the configured
// identity, directory, umask and niceness, and its output on a pipe that
// a goroutine copies into the log until end-of-file (sv.copied).
func (sv *Supervisor) spawnCommand() (*exec.Cmd, error) {
	cmd, err := command(sv.c, sv.exe)
	if err != nil {
		return nil, err
	}
	started := sv.passSockets(cmd) // first: the sockets are descriptors 3, 4, ...
	defer started()
	if sv.notify != nil {
		cmd.Env = append(cmd.Env, "NOTIFY_SOCKET="+sv.notify.addr)
		if sv.c.Ready.Notifies() {
			sv.notified = sv.notify.arm(sv.replacing())
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	growPipe(w)
	cmd.Stdout, cmd.Stderr = w, w
	if err := sv.prepareProcess(); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	gate, err := sv.addGate(cmd)
	var report *os.File
	var catching <-chan struct{}
	if err == nil {
		report, catching, err = sv.addReport(cmd)
	}
	if err == nil {
		err = cmd.Start()
	}
	gate.Close() // the daemon's ends
	report.Close()
	w.Close()
	if err != nil {
		r.Close()
		sv.openGate(false)
		return nil, startError(sv.c, err)
	}
	copied, tail := make(chan struct{}), newTail()
	sv.copied, sv.tail, sv.catching, sv.held = copied, tail, catching, 0
	go func() {
		logfile.Copy(sv.output(), r, tail)
		r.Close()
		close(copied)
	}()
	return cmd, nil
}

// prepareProcess sets what the daemon inherits from us: umask and nice
// (of this thread, which newSupervisor locked: the one that forks).
func (sv *Supervisor) prepareProcess() error {
	unix.Umask(sv.c.Umask)
	if sv.c.Nice != 0 {
		if err := unix.Setpriority(unix.PRIO_PROCESS, 0, sv.c.Nice); err != nil {
			return exitcode.Fail(exitcode.NoPrivilege, "NICE %d: %v", sv.c.Nice, err)
		}
	}
	return nil
}

// launch starts the daemon the way the service asks for.
func (sv *Supervisor) launch() error {
	if sv.c.PidFileByDaemon {
		return sv.startForking()
	}
	return sv.startDaemon()
}

// record writes the new daemon's PID everywhere it belongs.
func (sv *Supervisor) record() error {
	pid := sv.pid
	sv.state.Daemon = pid
	sv.state.DaemonStart, _ = proc.StartTime(pid)
	sv.state.Started = sv.since.UnixMilli()
	// The sidecar first: it alone proves a daemon whose supervisor is
	// killed before the pidfile is written (fsynced, it takes longer).
	if err := runstate.Write(sv.c.StateFile(), &sv.state); err != nil {
		sv.kill()
		return err
	}
	if err := sv.pf.Write(pid); err != nil && !sv.c.PidFileByDaemon {
		sv.kill()
		return fmt.Errorf("writing the pidfile: %w", err)
	}
	if sv.c.LockFile != "" {
		if err := createLockFile(sv.c.LockFile); err != nil {
			sv.kill()
			return fmt.Errorf("LOCKFILE %s: %w", sv.c.LockFile, paths.Cause(err))
		}
	}
	return nil
}

// startError maps a failed exec to LSB's codes.
func startError(c *spec.Spec, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, unix.ENOEXEC):
		return exitcode.Fail(exitcode.NotInstalled, "cannot run %s: %v", c.Program(), err)
	case errors.Is(err, unix.EPERM):
		return exitcode.Fail(exitcode.NoPrivilege, "cannot run %s: %v", c.Program(), err)
	case errors.Is(err, fs.ErrPermission):
		return exitcode.Fail(exitcode.NotInstalled, "cannot run %s: %v", c.Program(), err)
	}
	return exitcode.Fail(exitcode.Failed, "cannot run %s: %v", c.Program(), err)
}

// Respawn back-off: the first restart waits respawnMin, each quick death
// doubles the wait up to respawnMax, and a daemon that ran respawnReset or
// longer starts the sequence afresh.
const (
	respawnMin   = 100 * time.Millisecond
	respawnMax   = 30 * time.Second
	respawnReset = 10 * time.Second
)

func (sv *Supervisor) shouldRespawn() bool {
	return sv.c.Respawn.After(proc.ShellStatus(sv.status))
}

// respawn restarts the dead daemon after a back-off. It returns false when
// a stop arrived meanwhile (everything is cleaned up then).
func (sv *Supervisor) respawn() bool {
	if time.Since(sv.since) >= respawnReset {
		sv.delay = 0
	}
	for {
		sv.delay = min(max(2*sv.delay, respawnMin), respawnMax)
		how := proc.DescribeExit(sv.status)
		sv.state.Phase, sv.state.Exit = runstate.Respawning, how
		sv.lastExit(how)
		sv.state.RetryAt = time.Now().Add(sv.delay).UnixMilli()
		runstate.Write(sv.c.StateFile(), &sv.state)
		sv.stopLeftovers()
		sv.drain(100 * time.Millisecond)
		sv.logf("lsbinit: %s (pid %d) %s; restarting in %v\n", sv.c.Name, sv.state.Daemon, how, sv.delay)
		stopped, req := sv.sleepUnlessStopped(sv.delay)
		switch {
		case stopped:
			sv.cleanup()
			return false
		case req != nil:
			if !sv.restart(req) {
				return false
			}
			if !sv.dead {
				return true // replaced
			}
			continue // not restarted in place: the back-off goes on
		}
		sv.state.Respawns++
		err := sv.launch()
		if err == nil {
			sv.state.Phase, sv.state.Exit, sv.state.RetryAt = runstate.Ready, "", 0
			runstate.Write(sv.c.StateFile(), &sv.state)
			return true
		}
		sv.logf("lsbinit: restarting %s: %v\n", sv.c.Name, err)
	}
}

// sleepUnlessStopped waits d and reports whether a stop signal came
// first, or returns the restart request that did.
func (sv *Supervisor) sleepUnlessStopped(d time.Duration) (bool, *restartRequest) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case sig := <-sv.sigs:
			if isStopSignal(sig) {
				return true, nil
			}
			sv.reloadAside(sig)
		case req := <-sv.restarts:
			return false, req
		case <-t.C:
			return false, nil
		}
	}
}
