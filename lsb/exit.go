package lsb

import (
	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// ExitCode is an init script's exit code (LSB Core, "Init Script
// Actions"). Invoke returns one; Main exits with it.
type ExitCode = exitcode.Code

// Exit codes of the actions other than status.
const (
	ExitOK            = exitcode.OK            // success
	ExitFailed        = exitcode.Failed        // generic or unspecified error
	ExitUsage         = exitcode.Usage         // invalid or excess argument(s)
	ExitUnimplemented = exitcode.Unimplemented // unimplemented feature (for example "reload")
	ExitNoPrivilege   = exitcode.NoPrivilege   // user had insufficient privilege
	ExitNotInstalled  = exitcode.NotInstalled  // program is not installed
	ExitNotConfigured = exitcode.NotConfigured // program is not configured
	ExitNotRunning    = exitcode.NotRunning    // program is not running
)

// Exit codes of the status action.
const (
	StatusRunning      = exitcode.StatusRunning      // program is running or service is OK
	StatusDeadPidfile  = exitcode.StatusDeadPidfile  // program is dead and the pidfile exists
	StatusDeadLockfile = exitcode.StatusDeadLockfile // program is dead and the lock file exists
	StatusNotRunning   = exitcode.StatusNotRunning   // program is not running
	StatusUnknown      = exitcode.StatusUnknown      // program or service status is unknown
)

// Error is an action's failure with the exit code it maps to: its fields
// are Action (the action that failed), Code and Err (what went wrong).
type Error = exitcode.Error

// ExitCodeOf returns the exit code for err: 0 for nil, the Code of an
// *Error in its chain, and 1 for any other error.
func ExitCodeOf(err error) ExitCode { return exitcode.Of(err) }
