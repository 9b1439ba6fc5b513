// Package names holds the words the lsbinit binary and the library
// reserve: the actions of an init script and the binary's own commands,
// so that what dispatches them and what must avoid them when naming a
// service (internal/unit) read one list.
package names

import "slices"

// Actions are the actions an init script accepts; condrestart is
// try-restart.
var Actions = []string{"start", "stop", "restart", "try-restart", "condrestart",
	"reload", "force-reload", "status", "run", "check", "header", "logs", "version", "help"}

// IsAction reports whether word is one of Actions.
func IsAction(word string) bool { return slices.Contains(Actions, word) }

// Subcommands are the binary's own commands: `lsbinit NAME ...` runs
// them, so it cannot name a service called so.
var Subcommands = []string{"install", "uninstall", "unit", "selftest", "list", "logs"}

// IsSubcommand reports whether name is one of Subcommands.
func IsSubcommand(name string) bool { return slices.Contains(Subcommands, name) }
