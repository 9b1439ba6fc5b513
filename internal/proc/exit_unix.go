//go:build unix

package proc

import (
	"errors"
	"fmt"
	"os/exec"
	"syscall"

	"github.com/lsbinit/lsbinit/internal/notation"
)

// WaitError is a non-zero wait status of a process reaped without
// os/exec (by a subreaper's wait loop, say).
type WaitError struct{ Status syscall.WaitStatus }

func (e *WaitError) Error() string {
	if e.Status.Signaled() {
		return "signal: " + e.Status.Signal().String()
	}
	return fmt.Sprintf("exit status %d", e.Status.ExitStatus())
}

// ExitError turns a wait status into what exec.Cmd.Wait returns: nil for
// a clean exit, an error carrying the status otherwise.
func ExitError(ws syscall.WaitStatus) error {
	if ws.Exited() && ws.ExitStatus() == 0 {
		return nil
	}
	return &WaitError{ws}
}

// waitStatus extracts the wait status from what a wait returned.
func waitStatus(err error) (syscall.WaitStatus, bool) {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ws, ok := ee.Sys().(syscall.WaitStatus)
		return ws, ok
	}
	var we *WaitError
	if errors.As(err, &we) {
		return we.Status, true
	}
	return 0, false
}

// DescribeExit renders what a wait returned: "exited with status 3",
// "killed by signal KILL".
func DescribeExit(err error) string {
	if err == nil {
		return "exited with status 0"
	}
	ws, ok := waitStatus(err)
	switch {
	case !ok:
		return err.Error()
	case ws.Signaled():
		return "killed by signal " + notation.SignalName(ws.Signal())
	}
	return fmt.Sprintf("exited with status %d", ws.ExitStatus())
}

// ShellStatus is the shell's number for what a wait returned: the exit
// status, 128 plus the signal, or 1 when the status is unknown.
func ShellStatus(err error) int {
	if err == nil {
		return 0
	}
	ws, ok := waitStatus(err)
	switch {
	case !ok:
		return 1
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
