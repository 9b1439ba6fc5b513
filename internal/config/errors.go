package config

import (
	"strconv"
	"strings"

	"github.com/lsbinit/lsbinit/internal/insecure"
)

// ErrInsecure is wrapped by the errors of [Load] that refuse a config file
// other users could write to: as root, the daemon would run a program the
// file names, so whoever can edit the file would gain root.
var ErrInsecure = insecure.Err

// Error is one problem with the configuration: a file that cannot be read
// or may not be trusted, a syntax error, a refused shell construct, or a
// bad value. [Load] returns every problem it finds joined with
// [errors.Join], each as an *Error.
type Error struct {
	File string // the config file; "" when the problem is not in one file
	Line int    // 1-based line in File; 0 when the problem is the whole file
	Key  string // the config key concerned; "" when there is none
	Msg  string // what is wrong, one line
	Err  error  // the underlying error (e.g. an *fs.PathError), or nil
	// Warning marks a problem that would not stop the service (an
	// unknown key), listed among the errors of a config that has some,
	// so that every problem comes in line order.
	Warning bool
}

// Error returns "FILE:LINE: KEY: Msg", leaving out the parts that are
// empty or zero, after "warning: " for a warning. When Msg is empty, the
// message of Err is used.
func (e *Error) Error() string {
	var parts []string
	if e.Warning {
		parts = append(parts, "warning")
	}
	loc := e.File
	switch {
	case e.Line > 0 && loc == "":
		loc = "line " + strconv.Itoa(e.Line)
	case e.Line > 0:
		loc += ":" + strconv.Itoa(e.Line)
	}
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	for _, s := range []string{loc, e.Key, msg} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ": ")
}

// Unwrap returns the underlying error, so that errors.Is(err,
// fs.ErrPermission) and errors.Is(err, ErrInsecure) see through an *Error.
func (e *Error) Unwrap() error { return e.Err }
