//go:build unix

package lsb

import (
	"fmt"
	"syscall"
)

// waitStatusError is a non-zero wait status of a process reaped without
// os/exec.
type waitStatusError struct{ ws syscall.WaitStatus }

func (e *waitStatusError) Error() string {
	if e.ws.Signaled() {
		return "signal: " + e.ws.Signal().String()
	}
	return fmt.Sprintf("exit status %d", e.ws.ExitStatus())
}
