package lsb

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/logfile"
	"github.com/lsbinit/lsbinit/pidfile"
	"golang.org/x/sys/unix"
)

// verdictBusy is the supervisor's private answer "another instance holds
// the pidfile"; it never leaves the package as an exit code.
const verdictBusy = 200

// lockWait is how long the supervisor retries a busy pidfile lock: a
// status probe holds a shared lock for microseconds.
const lockWait = 100 * time.Millisecond

// supervisor owns one daemon as its child: it holds the pidfile's lock,
// carries the daemon's output into the log and runs the stop schedule.
type supervisor struct {
	c      *config
	pf     *pidfile.File
	log    *logfile.Writer
	tail   logfile.Tail
	cmd    *exec.Cmd
	state  runState
	sigs   chan os.Signal
	exited chan error    // cmd.Wait's result, once
	copied chan struct{} // closed when the log pipe reached end-of-file
	dead   bool          // the daemon has been reaped
	status error         // its wait status, once dead
}

func newSupervisor(c *config) *supervisor {
	sv := &supervisor{c: c, sigs: make(chan os.Signal, 8)}
	sv.tail.Lines = 10
	// Stop signals, the reload signal and the usual daemon signals are
	// caught here and acted on or forwarded.
	signal.Notify(sv.sigs, unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGUSR1,
		unix.SIGUSR2, unix.SIGQUIT, unix.SIGWINCH, c.ReloadSignal)
	// A start that went away must not kill us when we write our verdict
	// to its closed pipe. A handler, unlike SIG_IGN, is not inherited by
	// the daemon across exec.
	signal.Notify(make(chan os.Signal, 1), unix.SIGPIPE)
	return sv
}

// start takes the pidfile, starts the daemon and waits until it is ready.
// It returns the LSB code start must exit with; on failure nothing is left
// behind.
func (sv *supervisor) start() int {
	c := sv.c
	if err := sv.acquire(); err != nil {
		if errors.Is(err, pidfile.ErrLocked) {
			return verdictBusy
		}
		fmt.Fprintf(os.Stderr, "%s: %v\n", c.Name, err)
		return privilegeCode(err, ExitFailed)
	}
	if err := sv.spawn(); err != nil {
		sv.cleanup()
		fmt.Fprintf(os.Stderr, "%s: %v\n", c.Name, err)
		return ExitCodeOf(err)
	}
	return sv.awaitReady()
}

func (sv *supervisor) acquire() error {
	c := sv.c
	pf, err := pidfile.Acquire(c.PidFile, lockWait)
	if err != nil {
		return err
	}
	sv.pf = pf
	sv.state = runState{Supervisor: os.Getpid(), Phase: phaseStarting}
	sv.state.SupervisorStart, _ = proc.StartTime(os.Getpid())
	if err := writeState(c.stateFile(), &sv.state); err != nil {
		pf.Remove()
		return fmt.Errorf("writing %s: %w", c.stateFile(), err)
	}
	if sv.log, err = logfile.NewWriter(c.LogFile); err != nil {
		sv.cleanup()
		return fmt.Errorf("LOGFILE %s: %w", c.LogFile, unwrapPath(err))
	}
	return nil
}

// spawn starts the daemon in its own session with the configured
// identity, directory, umask and niceness, its output on a pipe to us.
func (sv *supervisor) spawn() error {
	cmd, err := sv.c.command()
	if err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = w, w
	unix.Umask(sv.c.umask)
	if sv.c.Nice != 0 {
		if err := unix.Setpriority(unix.PRIO_PROCESS, 0, sv.c.Nice); err != nil {
			r.Close()
			w.Close()
			return fail(ExitNoPrivilege, "NICE %d: %v", sv.c.Nice, err)
		}
	}
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return startError(sv.c, err)
	}
	sv.cmd = cmd
	sv.exited = make(chan error, 1)
	sv.copied = make(chan struct{})
	go func() { sv.exited <- cmd.Wait() }()
	go func() {
		logfile.Copy(sv.log, r, &sv.tail)
		r.Close()
		close(sv.copied)
	}()
	pid := cmd.Process.Pid
	sv.state.Daemon = pid
	sv.state.DaemonStart, _ = proc.StartTime(pid)
	if err := sv.pf.Write(pid); err != nil {
		sv.kill()
		return fmt.Errorf("writing the pidfile: %w", err)
	}
	if err := writeState(sv.c.stateFile(), &sv.state); err != nil {
		sv.kill()
		return err
	}
	if sv.c.LockFile != "" {
		if err := createLockFile(sv.c.LockFile); err != nil {
			sv.kill()
			return fmt.Errorf("LOCKFILE %s: %w", sv.c.LockFile, unwrapPath(err))
		}
	}
	return nil
}

// startError maps a failed exec to LSB's codes.
func startError(c *config, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, unix.ENOEXEC):
		return fail(ExitNotInstalled, "cannot run %s: %v", c.program(), err)
	case errors.Is(err, unix.EPERM):
		return fail(ExitNoPrivilege, "cannot run %s: %v", c.program(), err)
	case errors.Is(err, fs.ErrPermission):
		return fail(ExitNotInstalled, "cannot run %s: %v", c.program(), err)
	}
	return fail(ExitFailed, "cannot run %s: %v", c.program(), err)
}

// awaitReady waits for the daemon to prove itself: alive ReadyDelay after
// exec. A daemon that exits sooner fails the start with its last lines.
func (sv *supervisor) awaitReady() int {
	ready := time.NewTimer(sv.c.ReadyDelay)
	defer ready.Stop()
	for {
		select {
		case err := <-sv.exited:
			sv.reaped(err)
			sv.drain(500 * time.Millisecond)
			sv.reportEarlyExit()
			sv.cleanup()
			return ExitFailed
		case sig := <-sv.sigs:
			if isStopSignal(sig) {
				sv.stopDaemon()
				sv.cleanup()
				fmt.Fprintf(os.Stderr, "%s: stopped while starting\n", sv.c.Name)
				return ExitFailed
			}
			sv.forward(sig)
		case <-ready.C:
			sv.state.Phase = phaseReady
			if err := writeState(sv.c.stateFile(), &sv.state); err != nil {
				sv.stopDaemon()
				sv.cleanup()
				fmt.Fprintf(os.Stderr, "%s: %v\n", sv.c.Name, err)
				return ExitFailed
			}
			return ExitOK
		}
	}
}

func (sv *supervisor) reportEarlyExit() {
	fmt.Fprintf(os.Stderr, "%s: %s %s right after starting", sv.c.Name, sv.c.program(), describeExit(sv.status))
	if t := sv.tail.String(); t != "" {
		fmt.Fprintf(os.Stderr, "; last lines of its output (%s):\n", sv.c.LogFile)
		for _, l := range splitLines(t) {
			fmt.Fprintf(os.Stderr, "  %s\n", l)
		}
		return
	}
	fmt.Fprintf(os.Stderr, "; it wrote nothing to %s\n", sv.c.LogFile)
}

// loop owns the running daemon until it exits or is stopped. It returns 0
// after a requested stop, and the daemon's own exit code when it ended by
// itself.
func (sv *supervisor) loop() int {
	for {
		select {
		case err := <-sv.exited:
			sv.reaped(err)
			sv.drain(200 * time.Millisecond)
			return sv.crashed()
		case sig := <-sv.sigs:
			if isStopSignal(sig) {
				sv.stopDaemon()
				sv.cleanup()
				return ExitOK
			}
			sv.forward(sig)
		}
	}
}

// crashed records a daemon that ended on its own: the pidfile stays (so
// status says "dead, pidfile exists") and the sidecar says how it ended.
func (sv *supervisor) crashed() int {
	how := describeExit(sv.status)
	fmt.Fprintf(sv.log, "lsbinit: %s (pid %d) %s\n", sv.c.Name, sv.state.Daemon, how)
	sv.state.Phase, sv.state.Exit = phaseExited, how
	writeState(sv.c.stateFile(), &sv.state)
	sv.log.Close()
	sv.pf.Release()
	code := exitCode(sv.status)
	if code == 0 {
		code = ExitFailed
	}
	return code
}

func (sv *supervisor) reaped(err error) {
	sv.dead, sv.status = true, err
}

// drain waits a little for the log pipe to reach end-of-file, so the
// daemon's last words are in the log (a leftover child holding the pipe
// open must not hold us).
func (sv *supervisor) drain(d time.Duration) {
	select {
	case <-sv.copied:
	case <-time.After(d):
	}
}

// forward reopens the log (logrotate's create mode) and passes sig on.
func (sv *supervisor) forward(sig os.Signal) {
	if sig == sv.c.ReloadSignal {
		if err := sv.log.Reopen(); err != nil {
			fmt.Fprintf(sv.log, "lsbinit: reopening %s: %v\n", sv.c.LogFile, err)
		}
	}
	if s, ok := sig.(syscall.Signal); ok && !sv.dead {
		proc.Signal(sv.cmd.Process.Pid, s)
	}
}

// kill ends a daemon that could not be recorded, and reaps it.
func (sv *supervisor) kill() {
	if !sv.dead {
		proc.SignalGroup(sv.cmd.Process.Pid, unix.SIGKILL)
		sv.reaped(<-sv.exited)
	}
}

// cleanup removes what a start created, in an order that never deletes a
// successor's files: the lock file and the sidecar while the pidfile's lock
// is still held, then the pidfile, which releases the lock.
func (sv *supervisor) cleanup() {
	c := sv.c
	if sv.log != nil {
		sv.log.Close()
	}
	if sv.pf == nil {
		return
	}
	if c.LockFile != "" {
		os.Remove(c.LockFile)
	}
	os.Remove(c.stateFile())
	sv.pf.Remove()
	sv.pf = nil
}

func isStopSignal(sig os.Signal) bool { return sig == unix.SIGTERM || sig == unix.SIGINT }

// privilegeCode maps permission problems to 4 and anything else to def.
func privilegeCode(err error, def int) int {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, pidfile.ErrInsecure) {
		return ExitNoPrivilege
	}
	return def
}

func createLockFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|unix.O_NOFOLLOW, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}
