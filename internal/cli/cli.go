// Package cli is the lsbinit binary's command line: it runs the binary's
// own commands, or works out which service an invocation is for, reads
// that service's config files into the resolved service and hands it to
// the actions (internal/initd), or, in the re-executed binary, to its
// supervisor.
package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lsbinit/lsbinit/internal/config"
	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initd"
	"github.com/lsbinit/lsbinit/internal/names"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/internal/supervisor"
)

// Name is the program's own name: invoked under it, lsbinit takes the
// service from its arguments instead of from argv[0].
const Name = "lsbinit"

var usage = `Usage: lsbinit [-q] NAME ACTION
       lsbinit [-q] -c FILE ACTION
       NAME [-q] ACTION          (lsbinit symlinked as /etc/init.d/NAME)
       lsbinit COMMAND ...
Actions: start stop restart try-restart condrestart reload force-reload status
         run check header logs version help
         status [-v|--json]; logs [-n N] [-f]
Commands: ` + strings.Join(names.Subcommands, " ") + `
`

// rcPrefixed reports whether name starts with the S20/K01 prefix of an
// rc.d link.
func rcPrefixed(name string) bool {
	return len(name) > 3 && (name[0] == 'S' || name[0] == 'K') && isDigit(name[1]) && isDigit(name[2])
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// Invocation is a parsed command line.
type Invocation struct {
	Name   string   // service name
	File   string   // explicit config file (-c FILE or $LSBINIT_CONFIG)
	Action []string // what initd.Invoke receives: the action and -q
}

// isSelf reports whether argv[0]'s name is lsbinit's own (lsbinit, or a
// build such as lsbinit.test), not a service's.
func isSelf(name string) bool { return name == Name || strings.HasPrefix(name, Name+".") }

// ServiceName derives the service name from argv[0]: its base name with an
// rc-link prefix removed (/etc/rc2.d/S20myapp is myapp).
func ServiceName(argv0 string) string {
	base := filepath.Base(daemon.StripRole(argv0))
	if rcPrefixed(base) {
		return base[3:]
	}
	return base
}

// Parse reads argv: NAME ACTION (or ACTION NAME, as systemctl orders
// them), or -c FILE ACTION, or ACTION when invoked as a service's name.
// Options -c FILE and -q may come before the action.
func Parse(argv []string, getenv func(string) string) (Invocation, error) {
	inv := Invocation{Name: ServiceName(argv[0]), File: getenv("LSBINIT_CONFIG")}
	var rest []string
	args := argv[1:]
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-c" || a == "--config":
			if i+1 >= len(args) {
				return inv, fmt.Errorf("%s needs a file name", a)
			}
			inv.File = args[i+1]
			i++
		case strings.HasPrefix(a, "--config="):
			inv.File = strings.TrimPrefix(a, "--config=")
		default:
			rest = append(rest, a)
		}
	}
	if isSelf(inv.Name) {
		inv.Name = ""
		// lsbinit NAME ACTION: a first word that is not an action is the
		// service's name.
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") && !names.IsAction(rest[0]) {
			inv.Name, rest = rest[0], rest[1:]
		} else if i, ok := actionThenName(rest); ok && inv.File == "" {
			// lsbinit ACTION NAME, systemctl's order: the same.
			inv.Name, rest = rest[i], append(rest[:i:i], rest[i+1:]...)
		}
		if inv.Name == "" && inv.File != "" {
			inv.Name = strings.TrimSuffix(filepath.Base(inv.File), ".conf")
		}
	}
	inv.Action = rest
	return inv, nil
}

// actionThenName finds NAME in words that are ACTION NAME and options:
// exactly two words that are not options, an action and then a word that
// is not one. It returns NAME's index.
func actionThenName(words []string) (int, bool) {
	var at []int
	for i, w := range words {
		if !strings.HasPrefix(w, "-") {
			at = append(at, i)
		}
	}
	if len(at) != 2 || !names.IsAction(words[at[0]]) || names.IsAction(words[at[1]]) || at[1] != at[0]+1 {
		return 0, false
	}
	return at[1], true
}

// version is the binary's version, as Main was given it.
var version string

// Main runs the lsbinit command line and returns its exit code.
func Main(argv []string, v string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	version = v
	if len(argv) > 1 && isSelf(ServiceName(argv[0])) {
		if cmd := subcommand(argv[1]); cmd != nil {
			return cmd(argv[2:], getenv, stdout, stderr)
		}
	}
	inv, err := Parse(argv, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", Name, err)
		return exitcode.Usage
	}
	action, err := initd.ParseAction(inv.Action)
	if inv.Name == "" {
		return withoutService(action, err, version, stdout, stderr)
	}
	versionLine := "(" + Name + " " + version + ")"
	if err != nil || action == "help" || action == "version" {
		// Usage errors come first; help and version need no config.
		c := &spec.Spec{Name: inv.Name, Version: versionLine, Stdout: stdout, Stderr: stderr}
		return initd.Invoke(c, nil, inv.Action)
	}
	if daemon.Current() == daemon.SupervisorRole {
		return supervise(inv, action, getenv, stdout, stderr)
	}
	c, code, done := load(inv, action, getenv, stdout, stderr)
	if done {
		return code
	}
	c.Version = versionLine
	if rec, ok := recordedRunning(c.Source, c); ok && action != "check" && action != "header" && action != "run" {
		if code, done := actOnRecorded(rec, c, action, inv.Action, stdout, stderr); done {
			return code
		}
	}
	return initd.Invoke(c, c.Complete(), inv.Action)
}

// supervise is the re-executed binary: the supervisor of the service
// that the start which spawned it resolved, handed on whole, so that no
// config file is read again (and one edited meanwhile changes nothing).
func supervise(inv Invocation, action string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	c, ok, err := inheritedSpec()
	if !ok {
		// A start that handed on nothing: read the config as it did.
		var code exitcode.Code
		var done bool
		if c, code, done = load(inv, action, getenv, stdout, stderr); done {
			return code
		}
	}
	if err == nil {
		c.Stdout, c.Stderr = stdout, stderr
		err = c.Complete()
	}
	return exitcode.Code(supervisor.Child(c, err))
}

// inheritedSpec returns, in the supervisor, the service that the start
// which spawned it resolved (daemon.SpecEnv). ok is false when start
// handed on none.
func inheritedSpec() (c *spec.Spec, ok bool, err error) {
	text, ok, err := daemon.InheritedText(daemon.SpecEnv)
	if ok && err == nil {
		c, err = spec.Decode(text)
	}
	return c, ok, err
}

// withoutService answers lsbinit invoked without a service: only help
// and version.
func withoutService(action string, err error, version string, stdout, stderr io.Writer) exitcode.Code {
	switch {
	case err == nil && action == "help":
		fmt.Fprint(stdout, usage)
		return exitcode.OK
	case err == nil && action == "version":
		fmt.Fprintf(stdout, "%s %s\n", Name, version)
		return exitcode.OK
	case err == nil:
		fmt.Fprintf(stderr, "%s: which service? Give NAME or -c FILE\n%s", Name, usage)
	default:
		fmt.Fprintf(stderr, "%s: no service and no action given\n%s", Name, usage)
	}
	return exitcode.Usage
}

// load reads the service's config into the resolved service. When the
// config is not usable for action, it reports why, acts on a recorded
// instance if there is one, and returns done with the exit code.
func load(inv Invocation, action string, getenv func(string) string, stdout, stderr io.Writer) (c *spec.Spec, code exitcode.Code, done bool) {
	cfg, err := config.Load(config.Options{Name: inv.Name, File: inv.File, Getenv: getenv, UID: os.Geteuid()})
	source := sourceOf(inv)
	if err != nil {
		rec, running := recordedRunning(source, nil)
		running = running && action != "check"
		if !usableDespite(action, cfg, err) && !(running && recordedServes(action)) {
			// The action's line first, then why, as for any failure.
			failedLine(inv.Name, action, inv.Action, stdout)
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "%s: %s\n", inv.Name, line)
		}
		if running {
			if code, done := actOnRecorded(rec, nil, action, inv.Action, stdout, stderr); done {
				return nil, code, true
			}
		}
		if !usableDespite(action, cfg, err) {
			if action == "status" {
				fmt.Fprintf(stdout, "%s status is unknown: its config is not usable\n", inv.Name)
			}
			return nil, configErrorCode(action, err), true
		}
	}
	if (action == "check" && err == nil) || startsDaemon(action) {
		// A misspelt key is a setting that silently does not apply (a
		// RELAOD_SIGNAL=none, and reload kills the daemon): every action
		// that starts one says so, as check does, and goes on.
		warn(inv.Name, cfg.Warnings, stderr)
	}
	c = cfg.Spec
	c.Stdout, c.Stderr, c.Source = stdout, stderr, source
	return c, 0, false
}

// startsDaemon reports whether action may start a daemon with the config.
func startsDaemon(action string) bool {
	a, _ := names.Lookup(action)
	return a.StartsDaemon
}

// warn prints check's warnings.
func warn(name string, warnings []string, stderr io.Writer) {
	for _, w := range warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", name, w)
	}
}

// configErrorCode is LSB's answer to an unusable config: status cannot
// tell (4); check reports a bad config (6); otherwise a permission problem
// is 4 and anything else is "not configured" (6).
func configErrorCode(action string, err error) exitcode.Code {
	switch {
	case action == "status":
		return exitcode.StatusUnknown
	case action == "check":
		return exitcode.NotConfigured
	case errors.Is(err, fs.ErrPermission):
		return exitcode.NoPrivilege
	}
	return exitcode.NotConfigured
}

// usableDespite says whether an action can go on with a config that has
// errors: stop and status can, as long as the files parsed and the errors
// leave alone the keys that find and stop the daemon. An operator must be
// able to stop a daemon whose config was broken after it started.
func usableDespite(action string, cfg *config.Result, err error) bool {
	if cfg == nil || (action != "stop" && action != "status") {
		return false
	}
	return config.FindsDespite(err)
}
