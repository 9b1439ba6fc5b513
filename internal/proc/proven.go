package proc

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Same reports whether pid is alive and still the process whose start
// token was recorded. Where the platform has no start token, lenient
// decides: true trusts the PID (for when a held lock already proves the
// owner is alive), false refuses.
func Same(pid int, start uint64, lenient bool) bool {
	if pid < 2 || !Running(pid) {
		return false
	}
	got, err := StartTime(pid)
	if errors.Is(err, errors.ErrUnsupported) {
		return lenient
	}
	return err == nil && got == start
}

// OpenProven opens a handle on pid and then checks that it is still the
// process recorded with start token start (see Same), so that what is
// signalled through the handle is the right process. It returns
// os.ErrProcessDone when the process is gone or another.
func OpenProven(pid int, start uint64, lenient bool) (*Handle, error) {
	h, err := Open(pid)
	if err != nil {
		return nil, err
	}
	if !Same(pid, start, lenient) {
		h.Close()
		return nil, os.ErrProcessDone
	}
	return h, nil
}

// KillGroup sends KILL to the process group pid leads, if it leads one (a
// daemon that forked itself may have moved: never the caller's own
// group), and then to pid itself through kill, which reaches it safely (a
// child of the caller, or a handle).
func KillGroup(pid int, kill func(unix.Signal) error) {
	if pgid, err := unix.Getpgid(pid); err == nil && pgid == pid && pgid != unix.Getpgrp() {
		SignalGroup(pgid, unix.SIGKILL)
	}
	kill(unix.SIGKILL)
}
