// Package initsys tells which init system boots the machine (systemd,
// sysvinit, OpenRC or runit), whether it is running now, and where each
// keeps its services, so that `lsbinit install` registers a service with
// the init that will start it and `/etc/init.d/NAME ACTION` hands the
// action to the manager that runs it.
package initsys

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Kind is an init system.
type Kind string

// The init systems lsbinit registers services with.
const (
	Systemd Kind = "systemd"
	SysV    Kind = "sysv"
	OpenRC  Kind = "openrc"
	Runit   Kind = "runit"
)

// Kinds are the init systems, in the order the README lists them.
var Kinds = []Kind{Systemd, SysV, OpenRC, Runit}

// ParseKind reads an --init value.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	if s == "sysvinit" {
		return SysV, nil
	}
	return "", fmt.Errorf("unknown init system %q (systemd, sysv, openrc or runit)", s)
}

// System is what Detect found.
type System struct {
	Kind    Kind
	Running bool   // it manages the machine now (else: a chroot, an image being built)
	Why     string // how it was recognised, for messages
}

// Root is the root of the file system Detect looks at: "/" but in tests.
var Root = "/"

func at(path string) string { return filepath.Join(Root, path) }

// SystemdRunning reports whether systemd is the running init, as
// sd_booted(3) tells it: /run/systemd/system exists.
func SystemdRunning() bool { return isDir(at("/run/systemd/system")) }

// OpenRCRunning reports whether OpenRC manages the machine now: it keeps
// the runlevel it brought up in /run/openrc/softlevel.
func OpenRCRunning() bool { return exists(at("/run/openrc/softlevel")) }

// RunitRunning reports whether runit is PID 1.
func RunitRunning() bool {
	comm := pid1Name()
	return comm == "runit" || comm == "runit-init"
}

// Detect finds the init system: the one running as PID 1 when one is
// recognised, else the one /sbin/init would start (a chroot, a container
// image, a machine whose PID 1 is something else).
func Detect() System {
	comm := pid1Name()
	switch {
	case SystemdRunning():
		return System{Systemd, true, "it runs as PID 1"}
	case OpenRCRunning():
		return System{OpenRC, true, "it runs the machine"}
	case RunitRunning():
		return System{Runit, true, "it runs as PID 1"}
	case comm == "init" && exists(at("/run/initctl")):
		return System{SysV, true, "it runs as PID 1"}
	}
	return installed()
}

// installed is the init /sbin/init starts, when none is seen running.
func installed() System {
	target, err := filepath.EvalSymlinks(at("/sbin/init"))
	base := filepath.Base(target)
	why := fmt.Sprintf("not running; /sbin/init is %s", strings.TrimPrefix(target, strings.TrimSuffix(Root, "/")))
	switch {
	case err != nil:
		// No /sbin/init at all: a container without an init. Registering
		// with sysvinit's tools at least writes nothing that runs twice.
		return System{SysV, false, "no init found (/sbin/init: " + errText(err) + ")"}
	case base == "systemd":
		return System{Systemd, false, why}
	case base == "openrc-init":
		return System{OpenRC, false, why}
	case strings.HasPrefix(base, "runit"):
		return System{Runit, false, why}
	case hasOpenRC():
		// sysvinit (or busybox) whose runlevels OpenRC brings up.
		return System{OpenRC, false, why + " and OpenRC runs its runlevels"}
	}
	return System{SysV, false, why}
}

// hasOpenRC reports whether OpenRC is installed.
func hasOpenRC() bool {
	for _, p := range []string{"/sbin/openrc", "/usr/sbin/openrc", "/sbin/openrc-run", "/usr/sbin/openrc-run"} {
		if exists(at(p)) {
			return true
		}
	}
	return false
}

// pid1Name is the command name of PID 1, or "".
func pid1Name() string {
	data, err := os.ReadFile(at("/proc/1/comm"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	if errors.Is(err, syscall.ENOENT) {
		return "missing"
	}
	return err.Error()
}

// RunitServiceDirs are the directories runsvdir(8) watches, where a link
// NAME enables a service: Debian's and Devuan's, Void's, Artix's, and
// the classic one.
var RunitServiceDirs = []string{"/etc/service", "/var/service", "/run/runit/service", "/service"}

// RunsvUp reports whether a runsv supervises the runit service directory
// dir: its supervise/ok FIFO has a reader, as sv(8) checks.
func RunsvUp(dir string) bool {
	fd, err := unix.Open(filepath.Join(dir, "supervise", "ok"), unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}
