package initd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Invoke runs the action named in args ([-q] ACTION) for c, and returns
// its exit code. resolveErr is what completing c failed with, if it did:
// usage, help and version are answered all the same, and every other
// action fails with it.
func Invoke(c *spec.Spec, resolveErr error, args []string) exitcode.Code {
	return invoke(c, resolveErr, args, nil)
}

func invoke(c *spec.Spec, resolveErr error, args []string, h *Host) exitcode.Code {
	inv, err := parseArgs(args)
	action := inv.action
	name := c.Name
	if name == "" {
		name = "lsbinit"
	}
	stdout, stderr := writers(c)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n%s", name, err, usage(name, !c.NoReload))
		return exitcode.Usage
	case action == "help":
		fmt.Fprint(stdout, usage(name, !c.NoReload))
		return exitcode.OK
	case action == "version":
		fmt.Fprintln(stdout, versionLine(c))
		return exitcode.OK
	}
	var f redirectFacts
	if !inv.verbose && !inv.json && h == nil {
		f = gatherRedirectFacts(c.Name, action, c.NoReload)
	}
	if routeFor(f) == routeSystemctl {
		// systemd owns the service, whatever its config says now.
		r := &runner{c: &service{c}, p: newPrinter(stdout, stderr, inv.quiet), inv: inv}
		r.c.Stdout, r.c.Stderr = stdout, stderr
		return r.bySystemctl(action)
	}
	if resolveErr != nil {
		fmt.Fprintf(stderr, "%v\n", resolveErr)
		if !stopsDespite(action, c, resolveErr) {
			if action == "status" {
				fmt.Fprintf(stdout, "%s status is unknown: its settings are not usable\n", name)
				return exitcode.StatusUnknown
			}
			return forManager(action, exitcode.Of(resolveErr))
		}
		// stop and status need only what finds and stops the daemon: a
		// program rebuilt with a bad value elsewhere can still stop the
		// one it started, and say how it is.
	}
	r := &runner{c: &service{c}, p: newPrinter(c.Stdout, c.Stderr, inv.quiet), inv: inv, host: h}
	if h == nil && bootTakes(action, c.NoReload) {
		if code, handled := r.byBoot(args); handled {
			return code
		}
	}
	switch routeFor(f) {
	case routeTransient:
		return r.transient(action, args)
	case routeRunit:
		return r.byRunit(action, f.runsv)
	}
	return forManager(action, r.do(action))
}

// writers are c's message writers, or the process's own before c is
// complete.
func writers(c *spec.Spec) (stdout, stderr io.Writer) {
	stdout, stderr = c.Stdout, c.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	return stdout, stderr
}

// forManager translates an exit code for SMF, which gives the codes of its
// methods meanings of its own ($SMF_FMRI is set when SMF runs us).
func forManager(action string, code exitcode.Code) exitcode.Code {
	if action != "status" && os.Getenv("SMF_FMRI") != "" {
		return exitcode.ForSMF(code)
	}
	return code
}

// service is the resolved service as the actions see it.
type service struct{ *spec.Spec }

// stopsDespite reports whether action can go on with c although
// completing it failed with err: stop and status can, when err does not
// concern what finds and stops the daemon (the pidfile, the lock file,
// the stop schedule) and those are usable.
func stopsDespite(action string, c *spec.Spec, err error) bool {
	if action != "stop" && action != "status" {
		return false
	}
	var ke *spec.KeyError
	if errors.As(err, &ke) {
		switch ke.Key {
		case "PIDFILE", "PidFile", "LOCKFILE", "LockFile", "STOP_SCHEDULE", "StopSchedule", "PIDFILE_BY_DAEMON", "PidFileByDaemon":
			return false
		}
	}
	return c.Name != "" && filepath.IsAbs(c.PidFile) && (c.LockFile == "" || filepath.IsAbs(c.LockFile)) &&
		c.Schedule != nil && c.Stdout != nil && c.Stderr != nil
}
