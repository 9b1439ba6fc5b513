package lsb

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"github.com/lsbinit/lsbinit/pidfile"
	"golang.org/x/sys/unix"
)

// StopGrace is how long stop may take beyond the stop schedule: the
// supervisor stops the daemon's leftovers (TERM, then KILL two seconds
// later) and removes its files. A supervisor wrapping lsbinit (see
// `lsbinit unit`) must allow at least the schedule plus this.
const StopGrace = 5 * time.Second

// StartGrace is how long start may take beyond START_TIMEOUT, for the
// supervisor to stop what did not become ready and to report.
const StartGrace = 5 * time.Second

// stopSupervised asks the supervisor to run the stop schedule (SIGTERM)
// and waits, on a pidfd where there is one, for it to exit.
func (r *runner) stopSupervised(in instance) error {
	c := r.c
	h, err := openProven(in.state.Supervisor, in.state.SupervisorStart, true)
	if err != nil {
		return r.stop() // it exited meanwhile: look again
	}
	defer h.Close()
	if err := h.Signal(unix.SIGTERM); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return r.stop()
		}
		return withCode(privilegeCode(err, ExitFailed), fmt.Errorf("%s: cannot stop pid %d (through its supervisor, pid %d): %w", c.Name, in.pid, h.PID(), err))
	}
	total, forever := c.sched.Total()
	wait := total + StopGrace
	if forever {
		wait = -1
	}
	gone, err := h.WaitExit(wait)
	if err != nil {
		return fail(ExitFailed, "%s: waiting for pid %d: %v", c.Name, h.PID(), err)
	}
	if !gone {
		return fail(ExitFailed, "%s (pid %d) is still running after the stop schedule %s", c.Name, in.pid, c.sched)
	}
	// The supervisor removes the pidfile before it exits. If it was killed
	// instead, the daemon may still run without it (stop it ourselves), or
	// what it left is stale now.
	if after := c.probe(); after.kind != kStopped {
		if err := r.stop(); !isNote(err) {
			return err
		}
	}
	return nil
}

// stopOrphan runs the stop schedule itself against a daemon whose
// supervisor is gone. The daemon was proved to be ours by its start time,
// and is held through a pidfd from then on.
func (r *runner) stopOrphan(in instance) error {
	c := r.c
	h, err := openProven(in.pid, in.state.DaemonStart, false)
	if err != nil {
		return r.stop()
	}
	defer h.Close()
	if !runSchedule(c.sched, orphan{h}) {
		return fail(ExitFailed, "%s (pid %d) is still running after the stop schedule %s", c.Name, in.pid, c.sched)
	}
	return r.removeStale(c.probe())
}

// orphan is a stop-schedule target reached through a handle.
type orphan struct{ h *proc.Handle }

func (o orphan) signal(sig unix.Signal) {
	if sig == unix.SIGKILL {
		killGroup(o.h.PID(), o.h.Signal)
		return
	}
	o.h.Signal(sig)
	if sig != unix.SIGCONT {
		o.h.Signal(unix.SIGCONT) // a stopped daemon acts on nothing until continued
	}
}

func (o orphan) wait(d time.Duration) bool {
	gone, _ := o.h.WaitExit(d)
	return gone
}

// target is what a stop schedule acts on.
type target interface {
	signal(sig unix.Signal)
	wait(d time.Duration) (gone bool) // negative d: forever
}

// runSchedule carries out a start-stop-daemon --retry schedule and reports
// whether the target is gone at its end. "forever" repeats the items after
// it (schedule.Parse makes sure they include a wait).
func runSchedule(sched schedule.Schedule, t target) bool {
	repeat := -1
	for i := 0; ; i++ {
		if i >= len(sched) {
			if repeat < 0 || repeat >= len(sched) {
				return t.wait(0)
			}
			i = repeat
		}
		switch st := sched[i]; {
		case st.Forever:
			repeat = i + 1
		case st.Signal != 0:
			t.signal(st.Signal)
		default:
			if t.wait(st.Timeout) {
				return true
			}
		}
	}
}

// openProven opens a handle on pid and then checks that it is still the
// process recorded with start token start, so what is signalled through the
// handle is the right process.
func openProven(pid int, start uint64, lenient bool) (*proc.Handle, error) {
	h, err := proc.Open(pid)
	if err != nil {
		return nil, err
	}
	if !sameProcess(pid, start, lenient) {
		h.Close()
		return nil, os.ErrProcessDone
	}
	return h, nil
}

// signalProcess sends sig to a proved process.
func signalProcess(pid int, start uint64, sig unix.Signal) error {
	h, err := openProven(pid, start, true)
	if err != nil {
		return fail(ExitNotRunning, "pid %d is gone", pid)
	}
	defer h.Close()
	if err := h.Signal(sig); err != nil {
		return withCode(privilegeCode(err, ExitFailed), fmt.Errorf("signalling pid %d: %w", pid, err))
	}
	return nil
}

// removeStale deletes a pidfile nobody owns, with its sidecar and lock
// file, under the pidfile's lock and only if it still says what we saw.
func (r *runner) removeStale(in instance) error {
	c := r.c
	if in.kind == kStopped {
		removeLockFile(c)
		return nil
	}
	if in.kind != kStale {
		return nil
	}
	pf, err := pidfile.Acquire(c.lockPath(), lockWait)
	if errors.Is(err, pidfile.ErrLocked) && in.state != nil {
		// The dead daemon's supervisor may still be finishing up.
		if h, herr := openProven(in.state.Supervisor, in.state.SupervisorStart, true); herr == nil {
			h.WaitExit(StopGrace)
			h.Close()
		}
		pf, err = pidfile.Acquire(c.lockPath(), lockWait)
	}
	if errors.Is(err, pidfile.ErrLocked) {
		return nil // a new instance took it over: not ours to remove
	}
	if err != nil {
		return withCode(privilegeCode(err, ExitFailed), fmt.Errorf("%s: removing stale pidfile: %w", c.Name, err))
	}
	if pid, _ := pidfile.Read(c.PidFile); pid != in.pid {
		pf.Release()
		return nil
	}
	removeLockFile(c)
	os.Remove(c.stateFile())
	if c.PidFileByDaemon {
		os.Remove(c.PidFile)
	}
	return pf.Remove()
}

func removeLockFile(c *config) {
	if c.LockFile != "" {
		os.Remove(c.LockFile)
	}
}
