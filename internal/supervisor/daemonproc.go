package supervisor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
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
	sv.d.pid, sv.d.dead, sv.d.status, sv.d.since = cmd.Process.Pid, false, nil, time.Now()
	sv.d.exited = sv.track(cmd)
	if sv.swap.overlapping {
		err = sv.recordNext()
	} else {
		err = sv.record()
	}
	sv.openGate(err == nil)
	return err
}

// spawnCommand starts the program in its own session with the configured
// identity, directory, umask and niceness, and its output on a pipe that
// a goroutine copies into the log until end-of-file (sv.d.copied).
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
			sv.d.notified = sv.notify.arm(sv.replacing())
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	growPipe(w)
	cmd.Stdout, cmd.Stderr = w, w
	ends, catching, hc, err := sv.addChannels(cmd)
	if err == nil {
		err = sv.startProcess(cmd)
	}
	for _, f := range ends {
		f.Close() // the daemon's ends
	}
	w.Close()
	var refused *exitcode.Error // NICE
	if err != nil && !errors.As(err, &refused) {
		err = startError(sv.c, err)
	}
	if err != nil {
		r.Close()
		hc.close()
		sv.openGate(false)
		return nil, err
	}
	copied, tail := make(chan struct{}), newTail()
	sv.d.copied, sv.d.tail, sv.d.catching, sv.d.held = copied, tail, catching, 0
	sv.d.health = hc
	go func() {
		logfile.Copy(sv.output(), r, tail)
		r.Close()
		close(copied)
	}()
	return cmd, nil
}

// addChannels gives a Go daemon's command its ends of the start gate, the
// reload report pipe and the health channel, and returns them for the
// caller to close once the command has started, with what the supervisor
// learns through them. Any other daemon gets none.
func (sv *Supervisor) addChannels(cmd *exec.Cmd) (ends []*os.File, catching <-chan struct{}, hc *healthConn, err error) {
	gate, err := sv.addGate(cmd)
	var report, channel *os.File
	if err == nil {
		report, catching, err = sv.addReport(cmd)
	}
	if err == nil {
		channel, hc, err = sv.addHealth(cmd)
	}
	for _, f := range []*os.File{gate, report, channel} {
		if f != nil {
			ends = append(ends, f)
		}
	}
	return ends, catching, hc, err
}

// startProcess starts cmd with the umask and nice level the daemon
// inherits from us. On Linux a nice value belongs to a thread, and a
// child inherits the forking thread's: a NICE daemon is started from a
// thread of its own, which ends with the start, so that no thread of the
// supervisor keeps the daemon's priority.
func (sv *Supervisor) startProcess(cmd *exec.Cmd) error {
	unix.Umask(sv.c.Umask)
	defer unix.Umask(0o022)
	if sv.c.Nice == 0 {
		return cmd.Start()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		if err := unix.Setpriority(unix.PRIO_PROCESS, 0, sv.c.Nice); err != nil {
			errc <- exitcode.Fail(exitcode.NoPrivilege, "NICE %d: %v", sv.c.Nice, err)
			return
		}
		errc <- cmd.Start()
	}()
	return <-errc
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
	pid := sv.d.pid
	sv.state.Daemon = pid
	sv.state.DaemonStart, _ = proc.StartTime(pid)
	sv.state.Started = sv.d.since.UnixMilli()
	sv.resetHealth() // a new daemon: pending
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
