package proc

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// ErrBadPID is returned for a PID that may never be signalled (below 2).
var ErrBadPID = errors.New("refusing to signal a PID below 2")

// Alive reports whether a process with this PID exists. A process that
// exists but belongs to another user (EPERM) is alive. Zombies count as
// alive until reaped; see Running for a check that excludes them.
func Alive(pid int) bool {
	if pid < 1 {
		return false
	}
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}

// Signal sends sig to pid, refusing any PID below 2 (0 and negative values
// address process groups, 1 is init).
func Signal(pid int, sig unix.Signal) error {
	if pid < 2 {
		return fmt.Errorf("%w (pid %d)", ErrBadPID, pid)
	}
	return unix.Kill(pid, sig)
}

// SignalGroup sends sig to the process group led by pgid. It refuses
// groups below 2 for the same reasons as Signal.
func SignalGroup(pgid int, sig unix.Signal) error {
	if pgid < 2 {
		return fmt.Errorf("%w (process group %d)", ErrBadPID, pgid)
	}
	return unix.Kill(-pgid, sig)
}

// Handle is a reference to one process that stays valid when its PID is
// reused: on Linux it wraps a pidfd; elsewhere it falls back to the PID and
// the caller's identity checks.
type Handle struct {
	pid int
	fd  int // pidfd, or -1
}

// PID returns the process ID the handle was opened for.
func (h *Handle) PID() int { return h.pid }

// WaitExit waits up to timeout for the process to exit (a zombie counts as
// exited). It reports whether the process is gone. A negative timeout waits
// forever.
func (h *Handle) WaitExit(timeout time.Duration) (bool, error) {
	if h.fd >= 0 {
		return waitPidfd(h.fd, timeout)
	}
	return pollExit(h.pid, timeout)
}

// pollExit is the fallback wait: kill(pid, 0) on a short tick.
func pollExit(pid int, timeout time.Duration) (bool, error) {
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	tick := time.Millisecond
	for {
		if !Running(pid) {
			return true, nil
		}
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return false, nil
		}
		time.Sleep(tick)
		if tick < 20*time.Millisecond {
			tick *= 2
		}
	}
}
