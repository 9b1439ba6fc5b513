package initd

import (
	"fmt"
	"strings"

	"github.com/lsbinit/lsbinit/internal/names"
	"github.com/lsbinit/lsbinit/internal/spec"
)

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
		case !names.IsAction(a):
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

func versionLine(c *spec.Spec) string {
	if c.Version == "" {
		return c.Name
	}
	return c.Name + " " + c.Version
}
