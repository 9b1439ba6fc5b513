package initd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/pidfile"
)

// kind is what probe concluded about the service.
type kind int

const (
	kStopped  kind = iota // no pidfile
	kStale                // pidfile, no live owner
	kStarting             // owner alive, daemon not ready yet
	kRunning              // daemon running
	kUnknown              // could not tell
)

// instance is the result of probe.
type instance struct {
	kind  kind
	pid   int             // the daemon's PID (kRunning, kStale when readable)
	state *runstate.State // the sidecar, when trusted
	err   error           // kUnknown: why
	// locked: a live supervisor holds the pidfile of a dead daemon.
	locked bool
}

// supervised reports whether a live supervisor owns the daemon.
func (in instance) supervised() bool {
	return in.state != nil && in.state.Supervisor > 0 && (in.kind == kRunning || in.kind == kStarting) && in.state.Phase != runstate.Exited
}

// restarting reports whether the supervisor is replacing its daemon in
// place: stopping the old one and starting the new (stop-start), or
// running the new one, which in.pid names, beside the old (overlap).
func (in instance) restarting() bool {
	st := in.state
	return st != nil && (st.Phase == runstate.Restarting || in.pid > 0 && st.Next == in.pid)
}

// stopping reports whether a supervisor is running the stop schedule.
func (in instance) stopping() bool {
	return in.supervised() && in.state.Phase == runstate.Stopping
}

// settleWait bounds how long probe waits for a live supervisor to record
// how its daemon ended.
const settleWait = time.Second

// probe inspects the pidfile and the sidecar. It never creates, changes or
// removes anything. When the daemon is gone but its supervisor, still
// holding the pidfile, has not yet recorded whether it was stopped, died
// or is to be restarted, probe waits a moment for that record.
func (c *service) probe() instance {
	deadline := time.Now().Add(settleWait)
	for {
		in, settled := c.probeOnce()
		if settled || time.Now().After(deadline) {
			return in
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (c *service) probeOnce() (instance, bool) {
	in := c.look()
	switch {
	case in.kind == kStale && in.state != nil && in.state.Phase != runstate.Exited && in.locked:
		return in, false // the daemon ended; how is not recorded yet
	case in.kind == kStarting && in.state == nil:
		return in, false // a supervisor records itself, or removes its files
	}
	return in, true
}

func (c *service) look() instance {
	p, err := c.inspect()
	if err != nil {
		return instance{kind: kUnknown, err: fmt.Errorf("PIDFILE %w", err)}
	}
	st, _ := runstate.Read(c.StateFile())
	if c.PidFileByDaemon && p.State == pidfile.Locked && st != nil && st.Daemon > 0 {
		// Under a held lock the proved PID is the supervisor's record;
		// the daemon's own file is only a copy of it.
		p.PID, p.BadContent = st.Daemon, nil
	}
	switch p.State {
	case pidfile.Absent:
		// Removed, and not put back yet (or the supervisor cannot: the
		// disk is full): the sidecar alone may prove the daemon alive.
		if in, ok := proven(st, true); ok {
			return in
		}
		return instance{kind: kStopped}
	case pidfile.Locked:
		if st == nil || !proc.Same(st.Supervisor, st.SupervisorStart, true) {
			// The owner is still writing its record.
			return instance{kind: kStarting, pid: p.PID}
		}
		if p.BadContent != nil || st.Phase == runstate.Starting || st.Phase == runstate.Respawning ||
			st.Phase == runstate.Restarting || st.Daemon != p.PID {
			return instance{kind: kStarting, pid: p.PID, state: st}
		}
		if st.Phase == runstate.Exited || !proc.Same(p.PID, st.DaemonStart, true) {
			// The daemon is gone and its supervisor is finishing up: a
			// requested stop is all but done; anything else is a death.
			if st.Phase == runstate.Stopping {
				return instance{kind: kStopped, state: st}
			}
			// The daemon that replaces it in an overlapping restart runs.
			if st.Next > 1 && proc.Same(st.Next, st.NextStart, true) {
				return instance{kind: kStarting, pid: st.Next, state: st}
			}
			return instance{kind: kStale, pid: p.PID, state: st, locked: true}
		}
		return instance{kind: kRunning, pid: p.PID, state: st}
	}
	// Unlocked: nobody owns the file. The daemon may still be alive if its
	// supervisor was killed; believe that only if the sidecar proves it.
	// The sidecar is written before the pidfile, so it alone may name
	// the daemon of a supervisor killed in between.
	if in, ok := proven(st, false); ok {
		return in
	}
	return instance{kind: kStale, pid: p.PID, state: st}
}

// proven is the daemon the sidecar st alone proves alive, when the
// pidfile's lock does not: its recorded daemon or, after an overlapping
// restart, the one started beside it. The supervisor is kept only when
// withSupervisor and it is proved alive too; otherwise the daemon runs
// without it (an orphan), and stop signals the daemon itself.
func proven(st *runstate.State, withSupervisor bool) (instance, bool) {
	if st == nil || st.Phase == runstate.Exited {
		return instance{}, false
	}
	found := *st
	if !withSupervisor || !proc.Same(st.Supervisor, st.SupervisorStart, true) {
		found.Supervisor = 0
	}
	switch {
	case st.Daemon > 1 && proc.Same(st.Daemon, st.DaemonStart, false):
	case st.Next > 1 && proc.Same(st.Next, st.NextStart, false):
		found.Daemon, found.DaemonStart, found.Next = st.Next, st.NextStart, 0
	default:
		return instance{}, false
	}
	kind := kRunning
	if found.Supervisor != 0 && (st.Phase == runstate.Starting || st.Phase == runstate.Respawning || st.Phase == runstate.Restarting) {
		kind = kStarting // as when the pidfile is there
	}
	return instance{kind: kind, pid: found.Daemon, state: &found}, true
}

// inspect finds the lock state and the PID. With PidFileByDaemon the lock
// is on a file of its own and the PID in the daemon's pidfile.
func (c *service) inspect() (pidfile.Probe, error) {
	p, err := pidfile.Inspect(c.LockPath())
	if err != nil || !c.PidFileByDaemon {
		return p, err
	}
	pid, err := pidfile.Read(c.PidFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if p.State != pidfile.Locked {
			p.State = pidfile.Absent
		}
		p.PID, p.BadContent = 0, err
	case err != nil && !errors.Is(err, pidfile.ErrInvalid):
		return p, err
	default:
		p.PID, p.BadContent = pid, err
		if p.State == pidfile.Absent {
			p.State = pidfile.Unlocked
		}
	}
	return p, nil
}

// lockFileExists reports whether the subsystem lock file is present.
func (c *service) lockFileExists() bool {
	if c.LockFile == "" {
		return false
	}
	_, err := os.Lstat(c.LockFile)
	return !errors.Is(err, fs.ErrNotExist)
}
