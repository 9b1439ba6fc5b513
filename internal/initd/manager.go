package initd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	action        string
	systemdPID1   bool // /run/systemd/system exists
	parentPID     int  // os.Getppid()
	skipRedirect  bool // SYSTEMCTL_SKIP_REDIRECT or _SYSTEMCTL_SKIP_REDIRECT set
	nativeUnit    bool // a unit file NAME.service in a unit directory
	generatedUnit bool // NAME.service made by a generator: systemd-sysv-generator's, from /etc/init.d/NAME
	cannotReload  bool // reload only: systemctl says CanReload=no (the unit has no ExecReload=)
}

// shouldRedirect decides, as Debian's init-functions do for shell scripts,
// whether `/etc/init.d/NAME ACTION` is to become `systemctl ACTION
// NAME.service`, so that two managers never fight over one daemon: only
// under systemd, for the actions systemctl has, when systemd knows a unit
// NAME.service (native, or the one systemd-sysv-generator made from the
// init script), unless the caller asked not to or systemd itself (PID 1)
// is the caller. The last rule is also what ends the loop for a generated
// unit, whose ExecStart= is `/etc/init.d/NAME start`: systemd runs it as
// its own child. A reload the unit cannot do stays here, as Debian's hook
// keeps it, so that an unsupported reload still answers 3.
func shouldRedirect(f redirectFacts) bool {
	switch f.action {
	case "start", "stop", "restart", "try-restart", "condrestart", "force-reload", "status":
	case "reload":
		if f.cannotReload {
			return false
		}
	default:
		return false
	}
	return f.systemdPID1 && !f.skipRedirect && f.parentPID != 1 && (f.nativeUnit || f.generatedUnit)
}

// The directories systemd loads units from (systemd.unit(5), system
// manager): unit files written by packages and administrators, and the
// output directories of generators, where systemd-sysv-generator writes
// NAME.service for /etc/init.d/NAME (into the "late" one).
var (
	nativeUnitDirs    = []string{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"}
	generatedUnitDirs = []string{"/run/systemd/generator.early", "/run/systemd/generator", "/run/systemd/generator.late"}
)

// gatherRedirectFacts looks at this machine.
func gatherRedirectFacts(name, action string) redirectFacts {
	f := redirectFacts{action: action, parentPID: os.Getppid()}
	if info, err := os.Stat("/run/systemd/system"); err == nil && info.IsDir() {
		f.systemdPID1 = true
	}
	f.skipRedirect = os.Getenv("SYSTEMCTL_SKIP_REDIRECT") != "" || os.Getenv("_SYSTEMCTL_SKIP_REDIRECT") != ""
	if f.systemdPID1 {
		f.nativeUnit = unitExists(name, nativeUnitDirs)
		f.generatedUnit = unitExists(name, generatedUnitDirs)
		if action == "reload" && shouldRedirect(f) {
			// Asked only when it decides: one systemctl call.
			f.cannotReload = systemctlShow(name, "CanReload") == "no"
		}
	}
	return f
}

// unitExists looks for NAME.service in dirs.
func unitExists(name string, dirs []string) bool {
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, name+".service")); err == nil {
			return true
		}
	}
	return false
}

// systemctlShow returns property of NAME.service as systemctl shows it,
// or "" when systemctl cannot tell.
func systemctlShow(name, property string) string {
	out, err := exec.Command(systemctlPath(), "-p", property, "--value", "show", name+".service").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func systemctlPath() string {
	if _, err := os.Stat("/bin/systemctl"); err == nil {
		return "/bin/systemctl"
	}
	return "/usr/bin/systemctl"
}

// redirect replaces this process with systemctl. It returns only when
// systemctl cannot be run.
func redirect(name, action string) error {
	if action == "condrestart" {
		action = "try-restart"
	}
	path := systemctlPath()
	args := []string{"systemctl", "--no-pager", action, name + ".service"}
	env := append(os.Environ(), "_SYSTEMCTL_SKIP_REDIRECT=true")
	return syscall.Exec(path, args, env)
}
