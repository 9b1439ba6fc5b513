// Package names holds the names the lsbinit binary reserves for its own
// commands, so that the command that dispatches them (internal/generic)
// and the ones that must avoid them when naming a service (internal/unit)
// read one list.
package names

import "slices"

// Subcommands are the binary's own commands: `lsbinit NAME ...` runs
// them, so it cannot name a service called so.
var Subcommands = []string{"install", "uninstall", "unit", "selftest"}

// IsSubcommand reports whether name is one of Subcommands.
func IsSubcommand(name string) bool { return slices.Contains(Subcommands, name) }
