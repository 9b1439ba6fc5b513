package initd

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/lsbinit/lsbinit/internal/actionlock"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/pidfile"
	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/names"
)

// changesState reports whether an action takes the service's action lock:
// every action that may start, stop or signal the daemon. status, check
// and header read only, and take no lock.
func changesState(action string) bool {
	a, _ := names.Lookup(action)
	return a.ChangesState
}

// preemptAfter is how long a stop waits for a start that is still waiting
// for its daemon to be ready before it cuts that start short: a second
// beyond the fixed settle of READY=exec and delay:, a second for the kinds
// of readiness that may take up to START_TIMEOUT.
func (c *service) preemptAfter() time.Duration {
	switch {
	case c.Ready.Kind == ready.Delay:
		return c.Ready.Delay + time.Second
	case c.Ready.Waits():
		return time.Second
	}
	return c.ReadyDelay + time.Second
}

// lockActions takes the action lock for action. A stop that finds a start
// waiting for readiness for longer than preemptAfter tells that start's
// supervisor to stop, so the start gives up at once and the stop follows.
// A caller without write access to the pidfile's directory gets no lock
// and a nil error: it can change nothing, so it races with nobody, and
// the action itself says what it may not do.
func (r *runner) lockActions(action string) (*actionlock.Lock, error) {
	c := r.c
	if err := pidfile.EnsureDir(filepath.Dir(c.PidFile)); err != nil {
		if lacksAccess(err) {
			return nil, nil
		}
		return nil, exitcode.With(exitcode.Privilege(err, exitcode.Failed), fmt.Errorf("%s: %w", c.Name, err))
	}
	preempted := false
	waiting := func(h actionlock.Holder, held time.Duration) {
		if action != "stop" || preempted || held < c.preemptAfter() || !startsDaemon(h.Action) {
			return
		}
		if in := c.probe(); in.kind == kStarting && in.state != nil && in.state.Phase == runstate.Starting {
			preempted = signalProcess(in.state.Supervisor, in.state.SupervisorStart, unix.SIGTERM) == nil
		}
	}
	l, err := actionlock.Acquire(c.ActionLockPath(), action, c.ActionBound(), waiting)
	switch {
	case err == nil:
		return l, nil
	case lacksAccess(err):
		return nil, nil
	case errors.Is(err, actionlock.ErrBusy):
		return nil, exitcode.Fail(exitcode.Failed, "%s: %v", c.Name, err)
	}
	return nil, exitcode.With(exitcode.Privilege(err, exitcode.Failed), fmt.Errorf("%s: %w", c.Name, err))
}

// lacksAccess reports whether err is the system's refusal to let this
// user create or open a file, rather than lsbinit's refusal of a file.
func lacksAccess(err error) bool {
	return errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EROFS)
}

// startsDaemon reports whether action may be waiting for a daemon's
// readiness.
func startsDaemon(action string) bool {
	switch action {
	case "start", "restart", "try-restart", "condrestart", "force-reload":
		return true
	}
	return false
}
