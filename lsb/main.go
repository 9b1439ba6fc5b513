package lsb

import (
	"fmt"
	"os"
	"strings"

	"github.com/lsbinit/lsbinit/internal/daemon"
)

// Main runs the action named by os.Args[1:] and exits with its LSB code.
// It is the only function of the package that calls os.Exit.
func Main(s Service) {
	os.Exit(Invoke(s, os.Args[1:]))
}

// Invoke runs the action named in args ([-q] ACTION) for s and returns
// its LSB exit code. The program is re-executed with its original os.Args
// to become the background supervisor (and, for a Go daemon, the daemon),
// so a re-executed program must build the same Service.
func Invoke(s Service, args []string) int {
	os.Args[0] = daemon.StripRole(os.Args[0]) // see the package doc: roles
	if daemon.IsChild() {
		return superviseChild(s)
	}
	if os.Getenv(roleEnv) == "daemon" {
		return runDaemonRole(s)
	}
	quiet, action, err := parseArgs(args)
	name := s.Name
	if name == "" {
		name = "lsbinit"
	}
	stdout, stderr := s.Stdout, s.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n%s", name, err, usage(name, !s.NoReload))
		return ExitUsage
	case action == "help":
		fmt.Fprint(stdout, usage(name, !s.NoReload))
		return ExitOK
	case action == "version":
		fmt.Fprintln(stdout, versionLine(s))
		return ExitOK
	}
	if shouldRedirect(gatherRedirectFacts(s.Name, action)) {
		if !quiet {
			fmt.Fprintf(stdout, "Redirecting to systemctl %s %s.service\n", action, s.Name)
		}
		err := redirect(s.Name, action)
		fmt.Fprintf(stderr, "%s: running systemctl: %v\n", name, err)
		return ExitFailed
	}
	c, err := s.resolve()
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		if action == "status" {
			return StatusUnknown
		}
		return forManager(action, ExitCodeOf(err))
	}
	r := &runner{c: c, p: newPrinter(c.Stdout, c.Stderr, quiet)}
	return forManager(action, r.do(action))
}

// forManager translates an exit code for SMF, which gives the codes of its
// methods meanings of its own ($SMF_FMRI is set when SMF runs us).
func forManager(action string, code int) int {
	if action != "status" && os.Getenv("SMF_FMRI") != "" {
		return smfCode(code)
	}
	return code
}

// actions lists every action Invoke accepts; condrestart is try-restart.
var actions = []string{"start", "stop", "restart", "try-restart", "condrestart",
	"reload", "force-reload", "status", "run", "check", "header", "version", "help"}

// IsAction reports whether word is an action Invoke accepts.
func IsAction(word string) bool {
	for _, a := range actions {
		if a == word {
			return true
		}
	}
	return false
}

// ParseAction returns the action that Invoke would run for args, or the
// usage error it would report.
func ParseAction(args []string) (string, error) {
	_, action, err := parseArgs(args)
	return action, err
}

// parseArgs accepts exactly one action and the -q (--quiet) flag anywhere.
func parseArgs(args []string) (quiet bool, action string, err error) {
	for _, a := range args {
		switch {
		case a == "-q" || a == "--quiet":
			quiet = true
		case a == "--help" || a == "-h":
			if action == "" {
				action = "help"
			}
		case a == "--version":
			if action == "" {
				action = "version"
			}
		case strings.HasPrefix(a, "-"):
			return false, "", fmt.Errorf("unknown option %q", a)
		case action != "":
			return false, "", fmt.Errorf("unexpected argument %q after %q", a, action)
		case !IsAction(a):
			return false, "", fmt.Errorf("unknown action %q", a)
		default:
			action = a
		}
	}
	if action == "" {
		return false, "", fmt.Errorf("no action given")
	}
	return quiet, action, nil
}

// usage is the usage text. systemd-sysv-generator looks for "|reload|" in
// it to decide whether the service can reload.
func usage(name string, reload bool) string {
	acts := "start|stop|restart|try-restart|reload|force-reload|status"
	if !reload {
		acts = "start|stop|restart|try-restart|force-reload|status"
	}
	return fmt.Sprintf("Usage: %s [-q] {%s|run|check|header|version|help}\n", name, acts)
}

func versionLine(s Service) string {
	if s.Version == "" {
		return s.Name
	}
	return s.Name + " " + s.Version
}
