package initd

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// systemctlPath is systemctl's path.
func systemctlPath() string {
	for _, p := range []string{"/usr/bin/systemctl", "/bin/systemctl"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "systemctl"
}

// systemctlShow returns property of NAME.service as systemctl shows it,
// or "" when systemctl cannot tell.
func systemctlShow(name, property string) string {
	out, err := exec.Command(systemctlPath(), "show", "-p", property, "--value", name+".service").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// unitActive reports whether NAME.service is active (or on its way:
// reloading, activating), as systemctl shows it.
func unitActive(name string) bool {
	switch systemctlShow(name, "ActiveState") {
	case "active", "reloading", "activating", "refreshing":
		return true
	}
	return false
}

// bySystemctl carries out action through systemctl, with LSB's exit
// codes where systemctl's differ: reload and force-reload of a service
// that is not running are 7 (systemctl says 1, and 0 for force-reload),
// a start that fails is the exit status of the unit's `lsbinit run` when
// that is one of start's codes (5: no program, 6: bad config...), else 1.
// status is systemctl's own report: 0 running, 3 not running, 4 unknown.
func (r *runner) bySystemctl(action string) exitcode.Code {
	c := r.c
	if action == "condrestart" {
		action = "try-restart"
	}
	unit := c.Name + ".service"
	if action == "status" {
		return r.systemctl(false, "--no-pager", "status", unit)
	}
	verb, what := verbOf(action, c.Desc)
	if action == "try-restart" {
		verb, what = "Restarting", c.Desc+" if running"
	}
	msg := fmt.Sprintf("%s %s (via systemctl): %s", verb, what, unit)
	if (action == "reload" || action == "force-reload") && !unitActive(c.Name) {
		r.p.done(msg, false)
		fmt.Fprintf(c.Stderr, "%s is not running\n", c.Name)
		return exitcode.NotRunning
	}
	args := []string{action, unit}
	if action == "stop" {
		// A stopped service stays stopped: its socket units (LISTEN) would
		// start it again at the next connection. Debian's service stops
		// them too.
		for _, u := range strings.Fields(systemctlShow(c.Name, "TriggeredBy")) {
			if strings.HasSuffix(u, ".socket") {
				args = append(args, u)
			}
		}
	}
	since := time.Now()
	code := r.systemctl(true, args...)
	r.p.done(msg, code == 0)
	if code == 0 {
		return exitcode.OK
	}
	if action == "start" || action == "restart" {
		r.journalSince(unit, since)
		if st, err := strconv.Atoi(systemctlShow(c.Name, "ExecMainStatus")); err == nil {
			switch exitcode.Code(st) {
			case exitcode.NoPrivilege, exitcode.NotInstalled, exitcode.NotConfigured:
				return exitcode.Code(st)
			}
		}
	}
	return exitcode.Failed
}

// systemctl runs systemctl with args, its output passed on (and its
// progress messages kept off stdout, which carries lsbinit's own, when
// quiet applies), and returns its exit status.
func (r *runner) systemctl(quietable bool, args ...string) exitcode.Code {
	if quietable && r.p.quiet {
		args = append([]string{"--quiet"}, args...)
	}
	cmd := exec.Command(systemctlPath(), args...)
	cmd.Stdout, cmd.Stderr = r.c.Stdout, r.c.Stderr
	// systemctl must not hand the action back (Debian's and Red Hat's
	// hooks look at this when a unit runs an init script).
	cmd.Env = append(os.Environ(), "SYSTEMCTL_SKIP_REDIRECT=1")
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return exitcode.Code(ee.ExitCode())
	}
	if err != nil {
		fmt.Fprintf(r.c.Stderr, "%s: running systemctl: %v\n", r.c.Name, err)
		return exitcode.Failed
	}
	return exitcode.OK
}

// journalSince prints on stderr what unit logged since t: lsbinit's
// reason for a failed start, and the daemon's last lines.
func (r *runner) journalSince(unit string, t time.Time) {
	cmd := exec.Command("journalctl", "--no-pager", "-q", "-o", "cat", "-n", "20", "-u", unit,
		"--since", "@"+strconv.FormatInt(t.Unix()-1, 10))
	out, err := cmd.Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return
	}
	fmt.Fprintf(r.c.Stderr, "%s: the journal of %s says:\n%s", r.c.Name, unit, out)
}

// transient runs start or restart of a service no unit knows as a
// transient unit NAME.service (systemd-run), so that the daemon runs in
// a cgroup of its own under systemd, not in the caller's login session:
// its `lsbinit run` is the unit's main process, as in the unit `lsbinit
// install` writes. It is not enabled at boot: that takes `lsbinit install
// NAME`. A restart of a service that runs outside systemd (started
// before systemd knew it) stays local.
func (r *runner) transient(action string, args []string) exitcode.Code {
	c := r.c
	if in := c.probe(); action == "restart" && (in.kind == kRunning || in.kind == kStarting) {
		return r.do(action)
	}
	verb := "Starting"
	if action == "restart" {
		verb = "Restarting"
	}
	msg := fmt.Sprintf("%s %s (via systemd-run): %s.service", verb, c.Desc, c.Name)
	if err := c.preflight(); err != nil {
		return r.report(verb, c.Desc, "", err)
	}
	if err := r.checkConfig(); err != nil {
		return r.report(verb, c.Desc, "", err)
	}
	argv, err := runCommand(args, c.Source != "")
	if err != nil {
		return r.report(verb, c.Desc, "", exitcode.Fail(exitcode.Failed, "%s: %v", c.Name, err))
	}
	cmd := []string{"--unit=" + c.Name + ".service", "--description=" + c.Desc, "--quiet",
		"--service-type=notify", "-p", "NotifyAccess=main", "-p", "KillMode=mixed",
		"-p", "CollectMode=inactive-or-failed",
		"-p", fmt.Sprintf("TimeoutStartSec=%ds", int64(c.StartBudget().Seconds()+1))}
	if d, forever := c.StopBudget(); forever {
		cmd = append(cmd, "-p", "TimeoutStopSec=infinity")
	} else {
		cmd = append(cmd, "-p", fmt.Sprintf("TimeoutStopSec=%ds", int64(d.Seconds()+1)))
	}
	if c.Respawn != 0 {
		cmd = append(cmd, "-p", "Restart=on-failure")
	}
	cmd = append(cmd, "--")
	cmd = append(cmd, argv...)
	since := time.Now()
	run := exec.Command(systemdRunPath(), cmd...)
	run.Stdout, run.Stderr = c.Stderr, c.Stderr
	err = run.Run()
	r.p.done(msg, err == nil)
	if err != nil {
		r.journalSince(c.Name+".service", since)
		fmt.Fprintf(c.Stderr, "%s: systemd-run: %v\n", c.Name, err)
		return exitcode.Failed
	}
	return exitcode.OK
}

func systemdRunPath() string {
	for _, p := range []string{"/usr/bin/systemd-run", "/bin/systemd-run"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "systemd-run"
}

// runCommand is the command line that runs the service in front (`run`):
// this process's own, with the action args replaced by run; the program
// named by an absolute path, as systemd wants it, and a config file given
// by $LSBINIT_CONFIG (fromFile: the lsbinit binary's service) given as
// -c FILE, since the unit does not get this process's environment.
func runCommand(args []string, fromFile bool) ([]string, error) {
	argv := os.Args
	if len(argv) < len(args)+1 {
		return nil, fmt.Errorf("cannot tell the command line from %q", argv)
	}
	for i, a := range args {
		if argv[len(argv)-len(args)+i] != a {
			return nil, fmt.Errorf("cannot tell the command line from %q", argv)
		}
	}
	prefix := append([]string(nil), argv[:len(argv)-len(args)]...)
	exe := prefix[0]
	if !strings.Contains(exe, "/") {
		p, err := exec.LookPath(exe)
		if err != nil {
			return nil, err
		}
		exe = p
	}
	exe, err := filepath.Abs(exe)
	if err != nil {
		return nil, err
	}
	prefix[0] = exe
	if f := os.Getenv("LSBINIT_CONFIG"); f != "" && fromFile && len(prefix) == 1 {
		if abs, err := filepath.Abs(f); err == nil {
			prefix = append(prefix, "-c", abs)
		}
	}
	return append(prefix, "run"), nil
}
