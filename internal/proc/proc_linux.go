package proc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Open returns a handle on pid backed by a pidfd. Linux before 5.3 has no
// pidfd_open; the handle then falls back to the PID.
func Open(pid int) (*Handle, error) {
	if pid < 2 {
		return nil, fmt.Errorf("%w (pid %d)", ErrBadPID, pid)
	}
	fd, err := unix.PidfdOpen(pid, 0)
	switch {
	case err == nil:
		return &Handle{pid: pid, fd: fd}, nil
	case errors.Is(err, unix.ESRCH):
		return nil, os.ErrProcessDone
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EPERM):
		return &Handle{pid: pid, fd: -1}, nil
	default:
		return nil, fmt.Errorf("pidfd_open %d: %w", pid, err)
	}
}

// Signal sends sig through the pidfd, so it can only reach the process the
// handle was opened on, never a later process that reused its PID.
func (h *Handle) Signal(sig unix.Signal) error {
	if h.fd < 0 {
		return Signal(h.pid, sig)
	}
	err := unix.PidfdSendSignal(h.fd, sig, nil, 0)
	if errors.Is(err, unix.ENOSYS) {
		return Signal(h.pid, sig)
	}
	return err
}

// Close releases the pidfd.
func (h *Handle) Close() error {
	if h.fd < 0 {
		return nil
	}
	fd := h.fd
	h.fd = -1
	return unix.Close(fd)
}

func waitPidfd(fd int, timeout time.Duration) (bool, error) {
	ms := -1
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left < 0 {
				left = 0
			}
			ms = int((left + time.Millisecond - 1) / time.Millisecond)
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, ms)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("poll pidfd: %w", err)
		}
		if n > 0 {
			return true, nil
		}
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return false, nil
		}
	}
}

// Running reports whether pid is alive and not a zombie.
func Running(pid int) bool {
	if !Alive(pid) {
		return false
	}
	st, err := readStat(pid)
	if err != nil {
		return Alive(pid)
	}
	return st.state != 'Z' && st.state != 'X'
}

type stat struct {
	state     byte
	ppid      int
	startTime uint64
}

// readStat parses /proc/PID/stat. The command name may contain spaces and
// parentheses, so fields are counted from the last ')'.
func readStat(pid int) (stat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return stat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state); starttime is field 22.
	if len(f) < 20 {
		return stat{}, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	var st stat
	st.state = f[0][0]
	st.ppid, _ = strconv.Atoi(string(f[1]))
	st.startTime, err = strconv.ParseUint(string(f[19]), 10, 64)
	if err != nil {
		return stat{}, fmt.Errorf("/proc/%d/stat: starttime: %w", pid, err)
	}
	return st, nil
}

// StartTime returns an opaque token that differs between two processes
// that had the same PID: the start time in clock ticks since boot.
func StartTime(pid int) (uint64, error) {
	st, err := readStat(pid)
	return st.startTime, err
}

// Parent returns the parent PID of pid.
func Parent(pid int) (int, error) {
	st, err := readStat(pid)
	return st.ppid, err
}

// CloseOnExecFrom marks every descriptor from fd up as close-on-exec, so a
// child started later inherits only what it is given explicitly.
func CloseOnExecFrom(fd int) error {
	err := unix.CloseRange(uint(fd), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}
	return closeOnExecScan(fd, "/proc/self/fd")
}

// DescendsFrom reports whether pid is ancestor or one of its descendants.
func DescendsFrom(pid, ancestor int) bool {
	for i := 0; i < 64 && pid > 1; i++ {
		if pid == ancestor {
			return true
		}
		parent, err := Parent(pid)
		if err != nil {
			return false
		}
		pid = parent
	}
	return false
}
