package initd

import (
	"fmt"
	"io"
	"os"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Invoke runs the action named in args ([-q] ACTION) for c, and returns
// its exit code. resolveErr is what completing c failed with, if it did:
// usage, help and version are answered all the same, and every other
// action fails with it.
func Invoke(c *spec.Spec, resolveErr error, args []string) exitcode.Code {
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
	if !inv.verbose && !inv.json {
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
		if action == "status" {
			return exitcode.StatusUnknown
		}
		return forManager(action, exitcode.Of(resolveErr))
	}
	r := &runner{c: &service{c}, p: newPrinter(c.Stdout, c.Stderr, inv.quiet), inv: inv}
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
