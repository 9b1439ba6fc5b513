package lsb

import (
	"errors"
	"fmt"
)

// Exit codes of the actions other than status (LSB Core, "Init Script
// Actions").
const (
	ExitOK            = 0 // success
	ExitFailed        = 1 // generic or unspecified error
	ExitUsage         = 2 // invalid or excess argument(s)
	ExitUnimplemented = 3 // unimplemented feature (for example "reload")
	ExitNoPrivilege   = 4 // user had insufficient privilege
	ExitNotInstalled  = 5 // program is not installed
	ExitNotConfigured = 6 // program is not configured
	ExitNotRunning    = 7 // program is not running
)

// Exit codes of the status action.
const (
	StatusRunning      = 0 // program is running or service is OK
	StatusDeadPidfile  = 1 // program is dead and the pidfile exists
	StatusDeadLockfile = 2 // program is dead and the lock file exists
	StatusNotRunning   = 3 // program is not running
	StatusUnknown      = 4 // program or service status is unknown
)

// Error is an action's failure with the LSB exit code it maps to.
type Error struct {
	Action string // the action that failed, e.g. "start"
	Code   int    // the LSB exit code
	Err    error  // what went wrong
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%s failed (exit code %d)", e.Action, e.Code)
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// ExitCodeOf returns the exit code for err: 0 for nil, the Code of an
// *Error in its chain, and 1 for any other error.
func ExitCodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitFailed
}

// fail returns an *Error with code and a formatted message.
func fail(code int, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// withCode wraps err in an *Error with code, keeping an existing code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: code, Err: err}
}
