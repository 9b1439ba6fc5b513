package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initd"
	"github.com/lsbinit/lsbinit/internal/spec"

	"github.com/lsbinit/lsbinit/internal/names"
)

// sourceOf is the config file a service is read from, as an absolute
// path: the instance record is kept under it.
func sourceOf(inv Invocation) string {
	f := inv.File
	if f == "" {
		f = filepath.Join("/etc/lsbinit", inv.Name+".conf")
	}
	if abs, err := filepath.Abs(f); err == nil {
		return abs
	}
	return f
}

// recordedRunning returns the recorded instance of source when it runs
// and the config (c, nil when unusable) no longer finds it: the config
// was broken, or changed to another pidfile, since that instance started.
func recordedRunning(source string, c *spec.Spec) (*spec.Spec, bool) {
	loc, ok := initd.RecordedLocator(source)
	if !ok || (c != nil && c.PidFile == loc.PidFile && c.PidFileByDaemon == loc.PidFileByDaemon) {
		return nil, false // none, or the one the config finds too
	}
	probe, ok := initd.Recorded(source, io.Discard, io.Discard)
	if !ok {
		return nil, false
	}
	if initd.Invoke(probe, nil, []string{"-q", "status"}) != exitcode.StatusRunning {
		return nil, false
	}
	return probe, true
}

// actOnRecorded carries out action for an instance that the config no
// longer finds (rec), then, where the action goes on with the config
// (stop and the restarts), with c. c is nil when the config is not
// usable; then only stop, status and reload can be done.
func actOnRecorded(rec, c *spec.Spec, action string, args []string, stdout, stderr io.Writer) (exitcode.Code, bool) {
	rec.Stdout, rec.Stderr = stdout, stderr
	if c == nil && !recordedServes(action) {
		if action != "check" && action != "header" && action != "run" {
			fmt.Fprintf(stderr, "%s: nothing was done: its config is not usable; the running instance (PIDFILE %s) is left alone\n", rec.Name, rec.PidFile)
		}
		return exitcode.NotConfigured, action != "check" && action != "header" && action != "run"
	}
	why := "its config is not usable"
	if c != nil {
		why = "its config now names PIDFILE " + c.PidFile
	}
	fmt.Fprintf(stderr, "%s: acting on the running instance, started with PIDFILE %s (%s)\n", rec.Name, rec.PidFile, why)
	switch action {
	case "status", "reload":
		return initd.Invoke(rec, nil, args), true
	case "start":
		if quietOf(args) == nil {
			fmt.Fprintf(stdout, "Starting %s: %s (already running).\n", rec.Desc, rec.Name)
		}
		return exitcode.OK, true
	case "stop", "restart", "try-restart", "condrestart", "force-reload":
		if code := initd.Invoke(rec, nil, append([]string{"stop"}, quietOf(args)...)); code != exitcode.OK || c == nil {
			return code, true
		}
		if action != "stop" {
			return initd.Invoke(c, c.Complete(), []string{"start"}), true
		}
		return initd.Invoke(c, c.Complete(), []string{"-q", "stop"}), true
	}
	return 0, false
}

// quietOf returns the -q of args, if any.
func quietOf(args []string) []string {
	for _, a := range args {
		if a == "-q" || a == "--quiet" {
			return []string{"-q"}
		}
	}
	return nil
}

// recordedServes reports whether action can be done on a recorded
// instance alone, with no usable config: status, reload, stop, and a
// start that finds it running.
func recordedServes(action string) bool {
	switch action {
	case "status", "reload", "start", "stop":
		return true
	}
	return false
}

// failedLine prints the line of an action that fails before it begins
// (its config is not usable), as Debian's init functions print a failure:
// the service's name stands for its description, which the config holds.
func failedLine(name, action string, args []string, stdout io.Writer) {
	if quietOf(args) != nil {
		return
	}
	if a, _ := names.Lookup(action); a.ChangesState {
		what := name
		if a.Of != "" {
			what += " " + a.Of
		}
		fmt.Fprintf(stdout, "%s %s: %s failed!\n", a.Verb, what, name)
	}
}
