package initd

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lsbinit/lsbinit/internal/names"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// ParseAction returns the action that Invoke would run for args, or the
// usage error it would report.
func ParseAction(args []string) (string, error) {
	inv, err := parseArgs(args)
	return inv.action, err
}

// invocation is an action and its options.
type invocation struct {
	action  string
	quiet   bool // -q, --quiet: no messages
	verbose bool // status -v, --verbose: the whole story
	json    bool // status --json: the same as JSON
	lines   int  // logs -n N: how many of the last lines
	follow  bool // logs -f, --follow: and what comes
}

// parseArgs accepts exactly one action, the -q (--quiet) flag anywhere,
// and the options of status and logs.
func parseArgs(args []string) (inv invocation, err error) {
	inv.lines = 10
	var opts []string // the action's own options, checked once it is known
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-q" || a == "--quiet":
			inv.quiet = true
		case a == "--help" || a == "-h":
			if inv.action == "" {
				inv.action = "help"
			}
		case a == "--version":
			if inv.action == "" {
				inv.action = "version"
			}
		case a == "-v" || a == "--verbose" || a == "--json" || a == "-f" || a == "--follow":
			opts = append(opts, a)
		case a == "-n" || a == "--lines":
			if i+1 >= len(args) {
				return inv, fmt.Errorf("%s needs a number", a)
			}
			i++
			if inv.lines, err = strconv.Atoi(args[i]); err != nil || inv.lines < 0 {
				return inv, fmt.Errorf("%s %q: not a number of lines", a, args[i])
			}
			opts = append(opts, a)
		case strings.HasPrefix(a, "-"):
			return inv, fmt.Errorf("unknown option %q", a)
		case inv.action != "":
			return inv, fmt.Errorf("unexpected argument %q after %q", a, inv.action)
		case !names.IsAction(a):
			return inv, fmt.Errorf("unknown action %q", a)
		default:
			inv.action = a
		}
	}
	if inv.action == "" {
		return inv, fmt.Errorf("no action given")
	}
	return inv, inv.options(opts)
}

// options applies the action's own options.
func (inv *invocation) options(opts []string) error {
	for _, o := range opts {
		switch {
		case inv.action == "status" && (o == "-v" || o == "--verbose"):
			inv.verbose = true
		case inv.action == "status" && o == "--json":
			inv.json = true
		case inv.action == "logs" && (o == "-f" || o == "--follow"):
			inv.follow = true
		case inv.action == "logs" && (o == "-n" || o == "--lines"):
		default:
			return fmt.Errorf("option %s is not one of %s's", o, inv.action)
		}
	}
	return nil
}

// usage is the usage text. systemd-sysv-generator looks for "|reload|" in
// it to decide whether the service can reload.
func usage(name string, reload bool) string {
	acts := strings.Join(append(names.LSBActions(reload), names.Extensions()...), "|")
	return fmt.Sprintf("Usage: %s [-q] {%s}\n"+
		"       %s status [-v|--json]; %s logs [-n N] [-f]\n", name, acts, name, name)
}

func versionLine(c *spec.Spec) string {
	if c.Version == "" {
		return c.Name
	}
	return c.Name + " " + c.Version
}
