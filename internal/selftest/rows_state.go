package selftest

// The rows about state: status in each state, stale and reused pidfiles,
// and the failures start and the command line report.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lsbinit/lsbinit/internal/proc"
	"golang.org/x/sys/unix"
)

// statusRunning: status → 0.
func statusRunning(r *rowCtx) error {
	if _, err := r.started(); err != nil {
		return err
	}
	return r.check(0, "status")
}

// statusDead: the daemon was killed with SIGKILL; status → 1, the pidfile
// is still there.
func statusDead(r *rowCtx) error {
	pid, err := r.started()
	if err != nil {
		return err
	}
	if err := proc.Signal(pid, unix.SIGKILL); err != nil {
		return err
	}
	if err := gone(pid); err != nil {
		return err
	}
	if err := r.check(1, "status"); err != nil {
		return err
	}
	if _, err := os.Stat(r.pidfile); err != nil {
		return fmt.Errorf("status removed the pidfile: %v", err)
	}
	return nil
}

// statusLockfile: only the LOCKFILE exists; status → 2.
func statusLockfile(r *rowCtx) error {
	lock := filepath.Join(r.dir, "svc.lock")
	if err := r.config("", "LOCKFILE="+quote(lock)); err != nil {
		return err
	}
	if err := os.WriteFile(lock, nil, 0o600); err != nil {
		return err
	}
	return r.check(2, "status")
}

// statusUnknown: the pidfile cannot be read (it is a directory); → 4.
func statusUnknown(r *rowCtx) error {
	if err := r.config(""); err != nil {
		return err
	}
	if err := os.Mkdir(r.pidfile, 0o700); err != nil {
		return err
	}
	return r.check(4, "status")
}

// stale writes the default config and a pidfile naming a dead process.
func (r *rowCtx) stale() error {
	if err := r.config(""); err != nil {
		return err
	}
	pid, err := r.s.deadPid()
	if err != nil {
		return err
	}
	return os.WriteFile(r.pidfile, fmt.Appendf(nil, "%d\n", pid), 0o600)
}

// staleStatus: a pidfile naming a dead PID; status → 1.
func staleStatus(r *rowCtx) error {
	if err := r.stale(); err != nil {
		return err
	}
	return r.check(1, "status")
}

// staleStart: start over a stale pidfile → 0, and the new daemon runs.
func staleStart(r *rowCtx) error {
	if err := r.stale(); err != nil {
		return err
	}
	if err := r.check(0, "start"); err != nil {
		return err
	}
	_, err := r.running()
	return err
}

// staleStop: stop with a stale pidfile → 0, and the pidfile is removed.
func staleStop(r *rowCtx) error {
	if err := r.stale(); err != nil {
		return err
	}
	if err := r.check(0, "stop"); err != nil {
		return err
	}
	return r.stopped()
}

// reused makes the pidfile (unlocked) name a live process that is not the
// service: this binary run directly as a test daemon. It returns that PID.
func (r *rowCtx) reused() (int, error) {
	if err := r.config(""); err != nil {
		return 0, err
	}
	other := filepath.Join(r.dir, "other.pid")
	if _, err := r.s.spawn("selftest", "daemon", "-pid", other, "-max", "1m"); err != nil {
		return 0, err
	}
	if !waitUntil(settleLimit, func() bool { _, err := readPid(other); return err == nil }) {
		return 0, errors.New("the unrelated process did not start")
	}
	pid, _ := readPid(other)
	return pid, os.WriteFile(r.pidfile, fmt.Appendf(nil, "%d\n", pid), 0o600)
}

// reusedStatus: status is not fooled by a reused PID → 1.
func reusedStatus(r *rowCtx) error {
	if _, err := r.reused(); err != nil {
		return err
	}
	return r.check(1, "status")
}

// reusedStop: stop → 0 and removes the pidfile, but does not signal the
// unrelated process.
func reusedStop(r *rowCtx) error {
	other, err := r.reused()
	if err != nil {
		return err
	}
	if err := r.check(0, "stop"); err != nil {
		return err
	}
	if waitUntil(absentFor, func() bool { return !proc.Running(other) }) {
		return fmt.Errorf("stop killed process %d, which is not the service", other)
	}
	if _, err := os.Lstat(r.pidfile); err == nil {
		return errors.New("stop left the stale pidfile")
	}
	return nil
}

// emptyStatus: an empty pidfile; status → 1.
func emptyStatus(r *rowCtx) error {
	if err := r.config(""); err != nil {
		return err
	}
	if err := os.WriteFile(r.pidfile, nil, 0o600); err != nil {
		return err
	}
	return r.check(1, "status")
}

// startExits: the daemon exits at once with code 3; start → 1, and no
// pidfile is left. The daemon is this Go program, which a loaded machine
// may keep in the Go runtime's start-up past READY=exec's 200 ms bound
// (docs/how-it-works.md, "Readiness"): READY=delay:2s makes "at once"
// mean before it is proven alive, whatever the load.
func startExits(r *rowCtx) error {
	if err := r.config("-exit 3", "READY=delay:2s"); err != nil {
		return err
	}
	if err := r.check(1, "start"); err != nil {
		return err
	}
	return r.stopped()
}

// missingDaemon: DAEMON names no file; start → 5.
func missingDaemon(r *rowCtx) error {
	if err := r.config("", "DAEMON="+quote(filepath.Join(r.dir, "no-such-daemon"))); err != nil {
		return err
	}
	if err := r.check(5, "start"); err != nil {
		return err
	}
	return r.stillStopped()
}

// badConfig: a config with a syntax error; start → 6.
func badConfig(r *rowCtx) error {
	if err := r.config("", `DESC="unterminated`); err != nil {
		return err
	}
	if err := r.check(6, "start"); err != nil {
		return err
	}
	return r.stillStopped()
}

// unknownAction: an action that does not exist → 2.
func unknownAction(r *rowCtx) error { return r.stoppedGives(2, "frobnicate") }

// noAction: no action at all → 2.
func noAction(r *rowCtx) error { return r.stoppedGives(2) }

// extraArgs: an action followed by an extra argument → 2.
func extraArgs(r *rowCtx) error { return r.stoppedGives(2, "start", "extra") }
