package initd

import (
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// readyForManager tells whoever runs `run` that the daemon is ready:
// upstart's `expect stop` waits for the job to stop itself with SIGSTOP.
// (systemd's Type=notify is told through sd_notify by run itself.)
func readyForManager() {
	if os.Getenv("UPSTART_JOB") != "" {
		os.Unsetenv("UPSTART_JOB")
		unix.Kill(os.Getpid(), unix.SIGSTOP)
	}
}

// redirectFacts is what decides a hand-off to systemctl.
type redirectFacts struct {
	action       string
	systemdPID1  bool // /run/systemd/system exists
	parentPID    int  // os.Getppid()
	skipRedirect bool // SYSTEMCTL_SKIP_REDIRECT or _SYSTEMCTL_SKIP_REDIRECT set
	nativeUnit   bool // a unit file NAME.service not made by the SysV generator
}

// shouldRedirect decides, as Debian's init-functions do for shell scripts,
// whether `/etc/init.d/NAME ACTION` is to become `systemctl ACTION
// NAME.service`, so that two managers never fight over one daemon: only
// under systemd, for the actions systemctl has, when a native unit exists,
// unless the caller asked not to or systemd itself (PID 1) is the caller.
func shouldRedirect(f redirectFacts) bool {
	switch f.action {
	case "start", "stop", "restart", "try-restart", "condrestart", "reload", "force-reload", "status":
	default:
		return false
	}
	return f.systemdPID1 && !f.skipRedirect && f.parentPID != 1 && f.nativeUnit
}

// gatherRedirectFacts looks at this machine.
func gatherRedirectFacts(name, action string) redirectFacts {
	f := redirectFacts{action: action, parentPID: os.Getppid()}
	if info, err := os.Stat("/run/systemd/system"); err == nil && info.IsDir() {
		f.systemdPID1 = true
	}
	f.skipRedirect = os.Getenv("SYSTEMCTL_SKIP_REDIRECT") != "" || os.Getenv("_SYSTEMCTL_SKIP_REDIRECT") != ""
	if f.systemdPID1 {
		f.nativeUnit = nativeUnitExists(name, []string{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"})
	}
	return f
}

// nativeUnitExists looks for NAME.service in the unit directories (the
// SysV generator writes elsewhere, under /run/systemd/generator.late).
func nativeUnitExists(name string, dirs []string) bool {
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, name+".service")); err == nil {
			return true
		}
	}
	return false
}

// redirect replaces this process with systemctl. It returns only when
// systemctl cannot be run.
func redirect(name, action string) error {
	if action == "condrestart" {
		action = "try-restart"
	}
	path := "/bin/systemctl"
	if _, err := os.Stat(path); err != nil {
		path = "/usr/bin/systemctl"
	}
	args := []string{"systemctl", "--no-pager", action, name + ".service"}
	env := append(os.Environ(), "_SYSTEMCTL_SKIP_REDIRECT=true")
	return syscall.Exec(path, args, env)
}
