package cli

import (
	"io"

	"github.com/lsbinit/lsbinit/internal/boot"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/install"
	"github.com/lsbinit/lsbinit/internal/names"
	"github.com/lsbinit/lsbinit/internal/selftest"
	"github.com/lsbinit/lsbinit/internal/unit"
)

// Subcommand runs one of the binary's own commands (as opposed to an LSB
// action of a service) and returns its exit code.
type Subcommand func(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code

// subcommands runs the binary's own commands, one for each name of
// names.Subcommands (a test checks that they agree).
var subcommands = map[string]Subcommand{
	"install":   install.Main,
	"uninstall": install.UninstallMain,
	"unit":      unit.Main,
	"selftest":  selftest.Main,
	"list":      listMain,
	"logs":      nil, // logsMain, set in init: it runs Main again
	"boot":      boot.Main,
	"health":    boot.HealthMain,
}

func init() { subcommands["logs"] = logsMain }

// subcommand returns the command that `lsbinit NAME ...` runs when NAME is
// one of the binary's own commands, or nil. These names can therefore not
// be service names when lsbinit is invoked under its own name.
func subcommand(name string) Subcommand {
	if !names.IsSubcommand(name) {
		return nil
	}
	return subcommands[name]
}
