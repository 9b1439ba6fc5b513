package initd

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/names"
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

// route is who carries out an action: lsbinit itself, or the init system
// that runs the service (docs/registration.md, "Who carries out /etc/init.d/NAME ACTION").
type route int

const (
	routeLocal     route = iota
	routeSystemctl       // systemctl ACTION NAME.service: systemd knows a unit
	routeTransient       // systemd-run: systemd runs, no unit knows the service
	routeRunit           // sv ACTION DIR: runit's runsv supervises the service
)

// redirectFacts is what decides a hand-off.
type redirectFacts struct {
	action        string
	noReload      bool // the service has no reload (RELOAD_SIGNAL=none)
	systemdPID1   bool // /run/systemd/system exists
	parentPID     int  // os.Getppid()
	skipRedirect  bool // SYSTEMCTL_SKIP_REDIRECT or _SYSTEMCTL_SKIP_REDIRECT set
	nativeUnit    bool // a unit file NAME.service in a unit directory
	generatedUnit bool // NAME.service made by a generator: systemd-sysv-generator's, from /etc/init.d/NAME
	transientUnit bool // NAME.service made by systemd-run, in /run/systemd/transient
	inService     bool // this process runs in a systemd service's cgroup
	cannotReload  bool // reload only: systemctl says CanReload=no (the unit has no ExecReload=)
	runsv         string
	// runsv is the runit service directory of the service when a runsv
	// supervises it, else "".
}

// systemctlHas reports whether systemctl has action.
func systemctlHas(action string) bool {
	a, _ := names.Lookup(action)
	return a.Systemctl
}

// routeFor decides, from the facts, who carries out the action, so that
// two managers never fight over one daemon:
//
//   - systemd, with a unit NAME.service (native, generated from the init
//     script, or transient): systemctl, for the actions it has, as
//     Debian's init-functions do for shell scripts; a reload the unit
//     cannot do stays here, as Debian's hook keeps it, so that an
//     unsupported reload still answers 3.
//   - systemd, no unit: start and restart run the service as a transient
//     unit (systemd-run), not in the caller's login session, unless the
//     caller itself runs in a service (a unit whose ExecStart= is
//     `lsbinit NAME start`), where the daemon belongs.
//   - runit, whose runsv supervises the service: start, stop, restart,
//     try-restart, and force-reload when there is no reload, through sv;
//     status and reload act on the daemon directly.
//
// Nothing is handed off when the caller asked not to
// (SYSTEMCTL_SKIP_REDIRECT), or when systemd itself (PID 1) is the caller:
// that is how units run `lsbinit NAME reload` (ExecReload=), and how the
// generated unit's `ExecStart=/etc/init.d/NAME start` runs the service
// instead of handing it back to systemctl.
func routeFor(f redirectFacts) route {
	if f.skipRedirect || !systemctlHas(f.action) {
		return routeLocal
	}
	if f.systemdPID1 && f.parentPID != 1 {
		switch {
		case f.action == "reload" && f.cannotReload:
			return routeLocal
		case f.nativeUnit || f.generatedUnit || f.transientUnit:
			return routeSystemctl
		case (f.action == "start" || f.action == "restart") && !f.inService:
			return routeTransient
		}
		return routeLocal
	}
	if f.runsv != "" {
		switch f.action {
		case "start", "stop", "restart", "try-restart", "condrestart":
			return routeRunit
		case "force-reload":
			if f.noReload {
				return routeRunit
			}
		}
	}
	return routeLocal
}

// The directories systemd loads units from (systemd.unit(5), system
// manager): unit files written by packages and administrators, the output
// directories of generators, where systemd-sysv-generator writes
// NAME.service for /etc/init.d/NAME (into the "late" one), and the
// transient units of systemd-run.
var (
	nativeUnitDirs    = []string{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"}
	generatedUnitDirs = []string{"/run/systemd/generator.early", "/run/systemd/generator", "/run/systemd/generator.late"}
	transientUnitDir  = "/run/systemd/transient"
)

// gatherRedirectFacts looks at this machine.
func gatherRedirectFacts(name, action string, noReload bool) redirectFacts {
	f := redirectFacts{action: action, noReload: noReload, parentPID: os.Getppid()}
	f.skipRedirect = os.Getenv("SYSTEMCTL_SKIP_REDIRECT") != "" || os.Getenv("_SYSTEMCTL_SKIP_REDIRECT") != ""
	if f.skipRedirect || !systemctlHas(action) {
		return f
	}
	if info, err := os.Stat("/run/systemd/system"); err == nil && info.IsDir() {
		f.systemdPID1 = true
		f.nativeUnit = unitExists(name, nativeUnitDirs)
		f.generatedUnit = unitExists(name, generatedUnitDirs)
		f.transientUnit = unitExists(name, []string{transientUnitDir})
		f.inService = inService(os.Getpid())
		if action == "reload" && routeFor(f) == routeSystemctl {
			// Asked only when it decides: one systemctl call.
			f.cannotReload = systemctlShow(name, "CanReload") == "no"
		}
		return f
	}
	f.runsv = runsvDir(name)
	return f
}

// unitExists looks for NAME.service in dirs.
func unitExists(name string, dirs []string) bool {
	for _, d := range dirs {
		if _, err := os.Lstat(filepath.Join(d, name+".service")); err == nil {
			return true
		}
	}
	return false
}

// inService reports whether process pid runs in the cgroup of a systemd
// service (its unified or name=systemd hierarchy path ends in
// NAME.service), as opposed to a login session's scope or init.scope.
func inService(pid int) bool {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cgroup"))
	return err == nil && serviceCgroup(string(data))
}

// serviceCgroup reads /proc/PID/cgroup: whether the systemd hierarchy's
// path is a service's.
func serviceCgroup(data string) bool {
	for _, line := range strings.Split(data, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || (parts[1] != "" && parts[1] != "name=systemd") {
			continue
		}
		return strings.HasSuffix(parts[2], ".service")
	}
	return false
}
