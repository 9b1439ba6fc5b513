package generic

import (
	"io"

	"github.com/lsbinit/lsbinit/internal/install"
	"github.com/lsbinit/lsbinit/internal/selftest"
	"github.com/lsbinit/lsbinit/internal/unit"
)

// Subcommand runs one of the binary's own commands (as opposed to an LSB
// action of a service) and returns its exit code.
type Subcommand func(args []string, getenv func(string) string, stdout, stderr io.Writer) int

// subcommand returns the command that `lsbinit NAME ...` runs when NAME is
// one of the binary's own commands, or nil. These names can therefore not
// be service names when lsbinit is invoked under its own name.
func subcommand(name string) Subcommand {
	switch name {
	case "install":
		return install.Main
	case "uninstall":
		return install.UninstallMain
	case "unit":
		return unit.Main
	case "selftest":
		return selftest.Main
	}
	return nil
}
