// Package exitcode is the one map from what went wrong to the exit code an
// LSB init script returns (LSB Core, "Init Script Actions"): the codes as
// a type of their own, and an error that carries its code. Actions return
// errors; only the program's Main turns a code into os.Exit.
package exitcode

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/lsbinit/lsbinit/internal/insecure"
)

// Code is an init script's exit code.
type Code int

// Exit codes of the actions other than status.
const (
	OK            Code = 0 // success
	Failed        Code = 1 // generic or unspecified error
	Usage         Code = 2 // invalid or excess argument(s)
	Unimplemented Code = 3 // unimplemented feature (for example "reload")
	NoPrivilege   Code = 4 // user had insufficient privilege
	NotInstalled  Code = 5 // program is not installed
	NotConfigured Code = 6 // program is not configured
	NotRunning    Code = 7 // program is not running
)

// Exit codes of the status action.
const (
	StatusRunning      Code = 0 // program is running or service is OK
	StatusDeadPidfile  Code = 1 // program is dead and the pidfile exists
	StatusDeadLockfile Code = 2 // program is dead and the lock file exists
	StatusNotRunning   Code = 3 // program is not running
	StatusUnknown      Code = 4 // program or service status is unknown
)

// Error is an action's failure with the exit code it maps to.
type Error struct {
	Action string // the action that failed, e.g. "start"
	Code   Code   // the exit code
	Err    error  // what went wrong; nil when it was reported already
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%s failed (exit code %d)", e.Action, e.Code)
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Of returns the code for err: OK for nil, the Code of an *Error in its
// chain, and Failed for any other error.
func Of(err error) Code {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Failed
}

// Fail returns an *Error with code and a formatted message.
func Fail(code Code, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// With wraps err in an *Error with code, keeping a code it already has.
func With(code Code, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: code, Err: err}
}

// Reported is the error of a failure whose details were printed already
// (by the supervisor, say): it carries only its code.
func Reported(code Code) error { return &Error{Code: code} }

// Privilege is NoPrivilege for a permission problem (the system's refusal,
// an insecure file, a symbolic link refused) and def for anything else.
func Privilege(err error, def Code) Code {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, insecure.Err) {
		return NoPrivilege
	}
	return def
}

// SMF method exit codes (smf_method(7)): what Solaris/illumos SMF reads
// from a start or stop method. SMF retries an ordinary failure, and gives
// up on these.
const (
	smfErrFatal  Code = 95  // SMF_EXIT_ERR_FATAL: do not retry
	smfErrConfig Code = 96  // SMF_EXIT_ERR_CONFIG: misconfigured, do not retry
	smfErrPerm   Code = 100 // SMF_EXIT_ERR_PERM
)

// ForSMF maps an action's code to SMF's, for when SMF runs the action.
func ForSMF(code Code) Code {
	switch code {
	case NotConfigured:
		return smfErrConfig
	case NotInstalled:
		return smfErrFatal
	case NoPrivilege:
		return smfErrPerm
	}
	return code
}
