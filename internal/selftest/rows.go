package selftest

import (
	"fmt"
	"os"
	"strings"

	"github.com/lsbinit/lsbinit/internal/proc"
)

// row is one case of the matrix. want shows the expected exit codes of the
// actions under test (several, comma-separated, for a sequence); run sets
// the row up, runs them, checks the resulting state and returns why the
// row failed, or nil.
type row struct {
	name string
	want string
	run  func(r *rowCtx) error
}

// rows is the LSB action × state matrix, in the order printed.
var rows = []row{
	{"start when stopped", "0", startStopped},
	{"start when running", "0", startRunning},
	{"stop when running", "0", stopRunning},
	{"stop when stopped", "0,0", stopStopped},
	{"stop a daemon ignoring TERM", "0", stopIgnoreTerm},
	{"restart when running", "0", restartRunning},
	{"restart when stopped", "0", restartStopped},
	{"try-restart when stopped", "0", tryRestartStopped},
	{"try-restart when running", "0", tryRestartRunning},
	{"reload when running", "0", reloadRunning},
	{"reload unsupported", "3", reloadUnsupported},
	{"reload when stopped", "7", reloadStopped},
	{"force-reload when running", "0", forceReloadRunning},
	{"force-reload unsupported", "0", forceReloadUnsupported},
	{"force-reload when stopped", "7", forceReloadStopped},
	{"status when running", "0", statusRunning},
	{"status when stopped", "3", statusStopped},
	{"status dead, pidfile left", "1", statusDead},
	{"status dead, LOCKFILE left", "2", statusLockfile},
	{"status unknown (pidfile a dir)", "4", statusUnknown},
	{"stale pidfile: status", "1", staleStatus},
	{"stale pidfile: start", "0", staleStart},
	{"stale pidfile: stop", "0", staleStop},
	{"reused PID: status", "1", reusedStatus},
	{"reused PID: stop", "0", reusedStop},
	{"empty pidfile: status", "1", emptyStatus},
	{"daemon exits at once: start", "1", startExits},
	{"missing DAEMON: start", "5", missingDaemon},
	{"bad config: start", "6", badConfig},
	{"unknown action", "2", unknownAction},
	{"no action", "2", noAction},
	{"extra arguments", "2", extraArgs},
}

// started writes the default config and starts the daemon as setup,
// returning its PID.
func (r *rowCtx) started(extra ...string) (int, error) {
	if err := r.config("", extra...); err != nil {
		return 0, err
	}
	if err := r.setup(0, "start"); err != nil {
		return 0, err
	}
	return r.running()
}

// startStopped: start → 0, the daemon runs, the pidfile holds its PID.
func startStopped(r *rowCtx) error {
	if err := r.config(""); err != nil {
		return err
	}
	if err := r.check(0, "start"); err != nil {
		return err
	}
	_, err := r.running()
	return err
}

// startRunning: a second start → 0, and still exactly the first daemon.
func startRunning(r *rowCtx) error {
	pid, err := r.started()
	if err != nil {
		return err
	}
	if err := r.check(0, "start"); err != nil {
		return err
	}
	return r.samePid(pid)
}

// samePid checks that pid is still the one running daemon.
func (r *rowCtx) samePid(pid int) error {
	now, err := r.running()
	if err == nil && now != pid {
		err = fmt.Errorf("daemon changed from pid %d to %d", pid, now)
	}
	return err
}

// newPid checks that old is gone and a different daemon runs.
func (r *rowCtx) newPid(old int) error {
	if err := gone(old); err != nil {
		return fmt.Errorf("old daemon: %v", err)
	}
	now, err := r.running()
	if err == nil && now == old {
		err = fmt.Errorf("daemon still has pid %d", old)
	}
	return err
}

// stopRunning: stop → 0, the daemon is gone, and so is the pidfile.
func stopRunning(r *rowCtx) error {
	pid, err := r.started()
	if err != nil {
		return err
	}
	if err := r.check(0, "stop"); err != nil {
		return err
	}
	if proc.Running(pid) {
		return fmt.Errorf("stop returned while daemon %d still runs", pid)
	}
	return r.stopped()
}

// stopStopped: stop after stop → 0 both times.
func stopStopped(r *rowCtx) error {
	if _, err := r.started(); err != nil {
		return err
	}
	if err := r.check(0, "stop"); err != nil {
		return err
	}
	if err := r.check(0, "stop"); err != nil {
		return err
	}
	return r.stopped()
}

// stopIgnoreTerm: the schedule goes on to KILL; stop → 0, daemon gone.
func stopIgnoreTerm(r *rowCtx) error {
	if err := r.config("-ignore-term", "STOP_SCHEDULE=TERM/1/KILL/5"); err != nil {
		return err
	}
	if err := r.setup(0, "start"); err != nil {
		return err
	}
	if _, err := r.running(); err != nil {
		return err
	}
	if err := r.check(0, "stop"); err != nil {
		return err
	}
	return r.stopped()
}

// restartRunning: restart → 0 with a new daemon.
func restartRunning(r *rowCtx) error {
	pid, err := r.started()
	if err != nil {
		return err
	}
	if err := r.check(0, "restart"); err != nil {
		return err
	}
	return r.newPid(pid)
}

// restartStopped: restart when not running → 0, and it runs.
func restartStopped(r *rowCtx) error {
	if err := r.config(""); err != nil {
		return err
	}
	if err := r.check(0, "restart"); err != nil {
		return err
	}
	_, err := r.running()
	return err
}

// tryRestartStopped: try-restart when not running → 0, and it stays down.
func tryRestartStopped(r *rowCtx) error {
	if err := r.config(""); err != nil {
		return err
	}
	if err := r.check(0, "try-restart"); err != nil {
		return err
	}
	return r.stillStopped()
}

// stillStopped checks, for a moment, that no daemon appears.
func (r *rowCtx) stillStopped() error {
	if waitUntil(absentFor, func() bool { return len(r.registered()) > 0 }) {
		return fmt.Errorf("a daemon was started: %v", r.registered())
	}
	return r.stopped()
}

// tryRestartRunning: try-restart when running → 0 with a new daemon.
func tryRestartRunning(r *rowCtx) error {
	pid, err := r.started()
	if err != nil {
		return err
	}
	if err := r.check(0, "try-restart"); err != nil {
		return err
	}
	return r.newPid(pid)
}

// reloadRunning: reload → 0, the daemon got SIGHUP and is the same one.
func reloadRunning(r *rowCtx) error {
	return r.reloads("reload")
}

// forceReloadRunning: force-reload with a reload signal → as reload.
func forceReloadRunning(r *rowCtx) error {
	return r.reloads("force-reload")
}

// reloads starts the daemon, runs action (0) and checks that the daemon
// received SIGHUP and was not replaced.
func (r *rowCtx) reloads(action string) error {
	pid, err := r.started()
	if err != nil {
		return err
	}
	if err := r.check(0, action); err != nil {
		return err
	}
	if !waitUntil(settleLimit, r.gotHup) {
		return fmt.Errorf("the daemon did not receive SIGHUP")
	}
	return r.samePid(pid)
}

// gotHup reports whether the daemon has recorded a SIGHUP.
func (r *rowCtx) gotHup() bool {
	data, _ := os.ReadFile(r.hup)
	return strings.Contains(string(data), "HUP")
}

// reloadUnsupported: RELOAD_SIGNAL=none, reload → 3, nothing signalled.
func reloadUnsupported(r *rowCtx) error {
	pid, err := r.started("RELOAD_SIGNAL=none")
	if err != nil {
		return err
	}
	if err := r.check(3, "reload"); err != nil {
		return err
	}
	if waitUntil(absentFor, r.gotHup) {
		return fmt.Errorf("the daemon received SIGHUP")
	}
	return r.samePid(pid)
}

// forceReloadUnsupported: RELOAD_SIGNAL=none, force-reload restarts → 0.
func forceReloadUnsupported(r *rowCtx) error {
	pid, err := r.started("RELOAD_SIGNAL=none")
	if err != nil {
		return err
	}
	if err := r.check(0, "force-reload"); err != nil {
		return err
	}
	return r.newPid(pid)
}

// reloadStopped: reload when not running → 7, nothing started.
func reloadStopped(r *rowCtx) error { return r.stoppedGives(7, "reload") }

// forceReloadStopped: force-reload when not running → 7, nothing started.
func forceReloadStopped(r *rowCtx) error { return r.stoppedGives(7, "force-reload") }

// statusStopped: status when never started → 3.
func statusStopped(r *rowCtx) error { return r.stoppedGives(3, "status") }

// stoppedGives runs args on a stopped service: exit want, still stopped.
func (r *rowCtx) stoppedGives(want int, args ...string) error {
	if err := r.config(""); err != nil {
		return err
	}
	if err := r.check(want, args...); err != nil {
		return err
	}
	return r.stillStopped()
}
