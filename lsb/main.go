package lsb

import (
	"fmt"
	"os"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initd"
	"github.com/lsbinit/lsbinit/internal/install"
	"github.com/lsbinit/lsbinit/internal/names"
	"github.com/lsbinit/lsbinit/internal/supervisor"
)

// Main runs the action named by os.Args[1:] and exits with its code. It
// is the only function of the package that calls os.Exit.
func Main(s Service) {
	os.Exit(int(Invoke(s, os.Args[1:])))
}

// Invoke runs the action named in args ([-q] ACTION) for s and returns
// its exit code. `install` and `uninstall` register the program with
// the machine's init system and take it away again, as `lsbinit install`
// does for a config (README, "Registering a service at boot"). The program is re-executed with its original os.Args
// to become the background supervisor (and, for a Go daemon, the daemon),
// so a re-executed program must build the same Service: see the package
// doc, "Roles".
func Invoke(s Service, args []string) ExitCode {
	os.Args[0] = daemon.StripRole(os.Args[0])
	role := daemon.Current()
	if role == daemon.DaemonRole {
		return runDaemonRole(s)
	}
	c, err := s.resolve()
	if role == daemon.SupervisorRole {
		// The Go funcs cannot be handed on: this program's own Service,
		// typed in its code, is what the supervisor runs.
		daemon.InheritedText(daemon.SpecEnv) // read, closed, gone
		return ExitCode(supervisor.Child(c, err))
	}
	if len(args) > 0 && (args[0] == "install" || args[0] == "uninstall") {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return ExitCode(exitcode.Of(err))
		}
		return ExitCode(install.Program(c, args[0], args[1:], os.Stdout, os.Stderr))
	}
	return initd.Invoke(c, err, args)
}

// IsAction reports whether word is an action Invoke accepts.
func IsAction(word string) bool { return names.IsAction(word) }

// ParseAction returns the action that Invoke would run for args, or the
// usage error it would report.
func ParseAction(args []string) (string, error) { return initd.ParseAction(args) }
