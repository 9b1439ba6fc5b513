// Package paths computes the default locations of a service's files, so the
// binary's config and the library agree on them.
package paths

import (
	"io/fs"
	"path/filepath"
	"strconv"
)

// PidFile returns the default pidfile of service name for a process with
// effective uid: /run/NAME.pid for root; otherwise $XDG_RUNTIME_DIR/NAME.pid
// when that variable names an absolute directory, else
// /tmp/lsbinit-UID/NAME.pid. getenv may be nil.
func PidFile(name string, uid int, getenv func(string) string) string {
	if uid == 0 {
		return "/run/" + name + ".pid"
	}
	if getenv != nil {
		if d := getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(d) {
			return filepath.Join(d, name+".pid")
		}
	}
	return filepath.Join("/tmp", "lsbinit-"+strconv.Itoa(uid), name+".pid")
}

// LogFile returns the default log file of service name: /var/log/NAME.log
// for root, otherwise NAME.log beside the pidfile.
func LogFile(name, pidFile string, uid int) string {
	if uid == 0 {
		return "/var/log/" + name + ".log"
	}
	return filepath.Join(filepath.Dir(pidFile), name+".log")
}

// Cause is the underlying error of a *fs.PathError, for a message that
// names the path itself; any other error is returned as it is.
func Cause(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
