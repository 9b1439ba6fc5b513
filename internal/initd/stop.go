package initd

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/pidfile"
	"golang.org/x/sys/unix"
)

// stopSupervised asks the supervisor to run the stop schedule (SIGTERM)
// and waits, on a pidfd where there is one, for it to exit.
func (r *runner) stopSupervised(in instance) (outcome, error) {
	c := r.c
	h, err := proc.OpenProven(in.state.Supervisor, in.state.SupervisorStart, true)
	if err != nil {
		return r.stop() // it exited meanwhile: look again
	}
	defer h.Close()
	// Opened before the signal: the supervisor lets go of it at the end.
	lock, _ := os.OpenFile(c.LockPath(), os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err := h.Signal(unix.SIGTERM); err != nil {
		if lock != nil {
			lock.Close()
		}
		if errors.Is(err, unix.ESRCH) {
			return r.stop()
		}
		return "", exitcode.With(exitcode.Privilege(err, exitcode.Failed), fmt.Errorf("%s: cannot stop pid %d (through its supervisor, pid %d): %w", c.Name, in.pid, h.PID(), err))
	}
	wait, forever := c.StopBudget()
	if forever {
		wait = -1
	}
	gone, err := awaitStopped(in.state.Supervisor, in.state.SupervisorStart, lock, wait)
	if err != nil {
		return "", exitcode.Fail(exitcode.Failed, "%s: waiting for pid %d: %v", c.Name, h.PID(), err)
	}
	if !gone {
		return "", exitcode.Fail(exitcode.Failed, "%s (pid %d) is still running after the stop schedule %s", c.Name, in.pid, c.Schedule)
	}
	// The supervisor removes the pidfile before it exits. If it was killed
	// instead, the daemon may still run without it (stop it ourselves), or
	// what it left is stale now.
	if after := c.probe(); after.kind != kStopped {
		if _, err := r.stop(); err != nil {
			return "", err
		}
	}
	return "", nil
}

// awaitStopped waits up to wait (forever when negative) until the
// supervisor (pid, proved by its start token) has finished its stop: until
// it lets go of its lock on lock (its pidfile: the last thing it does
// before it exits), or it exits. The first is sooner: the kernel can take
// a while to tear down an exiting process (its inotify watches, say)
// before the exit shows. It reports whether either came. It takes over
// lock (nil when it could not be opened), and each waiter owns what it
// waits on, so that neither touches a descriptor the other has closed.
func awaitStopped(pid int, start uint64, lock *os.File, wait time.Duration) (bool, error) {
	type result struct {
		gone bool
		err  error
	}
	done := make(chan result, 2)
	go func() {
		h, err := proc.OpenProven(pid, start, true)
		if err != nil {
			done <- result{gone: true} // it has exited already
			return
		}
		defer h.Close()
		gone, err := h.WaitExit(wait)
		done <- result{gone, err}
	}()
	if lock != nil {
		go func() {
			defer lock.Close()
			if unix.Flock(int(lock.Fd()), unix.LOCK_SH) == nil {
				unix.Flock(int(lock.Fd()), unix.LOCK_UN)
				done <- result{gone: true}
			}
		}()
	}
	r := <-done
	return r.gone, r.err
}

// stopOrphan runs the stop schedule itself against a daemon whose
// supervisor is gone. The daemon was proved to be ours by its start time,
// and is held through a pidfd from then on.
func (r *runner) stopOrphan(in instance) (outcome, error) {
	c := r.c
	h, err := proc.OpenProven(in.pid, in.state.DaemonStart, false)
	if err != nil {
		return r.stop()
	}
	defer h.Close()
	if !c.Schedule.Run(orphan{h}) {
		return "", exitcode.Fail(exitcode.Failed, "%s (pid %d) is still running after the stop schedule %s", c.Name, in.pid, c.Schedule)
	}
	// One started beside it by an overlapping restart goes too.
	if in.state.Next > 1 {
		if next, err := proc.OpenProven(in.state.Next, in.state.NextStart, false); err == nil {
			ok := c.Schedule.Run(orphan{next})
			next.Close()
			if !ok {
				return "", exitcode.Fail(exitcode.Failed, "%s (pid %d) is still running after the stop schedule %s", c.Name, in.state.Next, c.Schedule)
			}
		}
	}
	return "", r.removeStale(c.probe())
}

// orphan is a stop-schedule target reached through a handle.
type orphan struct{ h *proc.Handle }

func (o orphan) Signal(sig unix.Signal) {
	if sig == unix.SIGKILL {
		proc.KillGroup(o.h.PID(), o.h.Signal)
		return
	}
	o.h.Signal(sig)
	if sig != unix.SIGCONT {
		o.h.Signal(unix.SIGCONT) // a stopped daemon acts on nothing until continued
	}
}

func (o orphan) Wait(d time.Duration) bool {
	gone, _ := o.h.WaitExit(d)
	return gone
}

// signalProcess sends sig to a proved process.
func signalProcess(pid int, start uint64, sig unix.Signal) error {
	h, err := proc.OpenProven(pid, start, true)
	if err != nil {
		return exitcode.Fail(exitcode.NotRunning, "pid %d is gone", pid)
	}
	defer h.Close()
	if err := h.Signal(sig); err != nil {
		return exitcode.With(exitcode.Privilege(err, exitcode.Failed), fmt.Errorf("signalling pid %d: %w", pid, err))
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
	pf, err := pidfile.Acquire(c.LockPath(), pidfile.ReaderWait)
	if errors.Is(err, pidfile.ErrLocked) && in.state != nil {
		// The dead daemon's supervisor may still be finishing up.
		if h, herr := proc.OpenProven(in.state.Supervisor, in.state.SupervisorStart, true); herr == nil {
			h.WaitExit(spec.StopGrace)
			h.Close()
		}
		pf, err = pidfile.Acquire(c.LockPath(), pidfile.ReaderWait)
	}
	if errors.Is(err, pidfile.ErrLocked) {
		return nil // a new instance took it over: not ours to remove
	}
	if err != nil {
		return exitcode.With(exitcode.Privilege(err, exitcode.Failed), fmt.Errorf("%s: removing stale pidfile: %w", c.Name, err))
	}
	if pid, _ := pidfile.Read(c.PidFile); pid != in.pid {
		pf.Release()
		return nil
	}
	removeLockFile(c)
	os.Remove(c.StateFile())
	if c.PidFileByDaemon {
		os.Remove(c.PidFile)
	}
	return pf.Remove()
}

func removeLockFile(c *service) {
	if c.LockFile != "" {
		os.Remove(c.LockFile)
	}
}
