//go:build !linux

package proc

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Open returns a handle on pid. Without pidfds the handle is the bare PID;
// callers verify identity before signalling.
func Open(pid int) (*Handle, error) {
	if pid < 2 {
		return nil, fmt.Errorf("%w (pid %d)", ErrBadPID, pid)
	}
	if !Alive(pid) {
		return nil, os.ErrProcessDone
	}
	return &Handle{pid: pid, fd: -1}, nil
}

// Signal sends sig to the handle's PID.
func (h *Handle) Signal(sig unix.Signal) error { return Signal(h.pid, sig) }

// Close releases the handle.
func (h *Handle) Close() error { return nil }

func waitPidfd(fd int, timeout time.Duration) (bool, error) {
	return false, errors.ErrUnsupported
}

// Running reports whether pid is alive. Without /proc a zombie counts as
// alive.
func Running(pid int) bool { return Alive(pid) }

// StartTime is unsupported outside Linux.
func StartTime(pid int) (uint64, error) { return 0, errors.ErrUnsupported }

// Parent is unsupported outside Linux.
func Parent(pid int) (int, error) { return 0, errors.ErrUnsupported }

// CloseOnExecFrom marks every descriptor from fd up as close-on-exec.
func CloseOnExecFrom(fd int) error { return closeOnExecScan(fd, "/dev/fd") }

// DescendsFrom reports whether pid is ancestor; descendants cannot be
// told without /proc.
func DescendsFrom(pid, ancestor int) bool { return pid == ancestor }

// List cannot see other processes without /proc.
func List() []int { return nil }

// Children cannot be listed without /proc; nothing is adopted anyway.
func Children() []int { return nil }

// Exe is unknown without /proc.
func Exe(pid int) (string, error) { return "", errors.ErrUnsupported }

// Cmdline is unknown without /proc.
func Cmdline(pid int) []string { return nil }

// Environ is unknown without /proc.
func Environ(pid int) []string { return nil }

// State is unknown without /proc.
func State(pid int) string { return "" }

// FDs is unknown without /proc.
func FDs(pid int) map[int]string { return nil }

// CPUTime cannot be read here: a start then waits out its bound instead.
func CPUTime(pid int) (time.Duration, bool) { return 0, false }

// WaitChannel cannot be read here.
func WaitChannel(pid int) string { return "" }

// Asleep cannot be told here.
func Asleep(pid int) bool { return false }

// Usage cannot be read without /proc.
func Usage(pid int) (rss, private int64, cpu time.Duration, ok bool) { return 0, 0, 0, false }

// Owner cannot be read without /proc.
func Owner(pid int) (uid int, ok bool) { return 0, false }

// Snapshot cannot see other processes without /proc.
func Snapshot() Table { return Table{} }

// Peer is not told here: ok is false.
func Peer(conn *net.UnixConn) (pid, uid int, ok bool) { return 0, 0, false }
