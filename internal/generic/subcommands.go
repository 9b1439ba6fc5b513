package generic

import "io"

// Subcommand runs one of the binary's own commands (as opposed to an LSB
// action of a service) and returns its exit code.
type Subcommand func(args []string, getenv func(string) string, stdout, stderr io.Writer) int

// subcommand returns the command that `lsbinit NAME ...` runs when NAME is
// one of the binary's own commands, or nil. These names can therefore not
// be service names when lsbinit is invoked under its own name.
func subcommand(name string) Subcommand {
	switch name {
	}
	return nil
}
