// Package names holds the words the lsbinit binary and the library
// reserve, and what each action is: the actions of an init script in one
// table, which the actions' dispatch (internal/initd), their
// serialisation, the hand-off to an init system, the usage lines, the
// wrapper `lsbinit install` writes and the command line all read; and the
// binary's own commands, which a service cannot be named after.
package names

import "slices"

// Action is one action of an init script, and what the rest of lsbinit
// needs to know of it.
type Action struct {
	Name string
	// LSB is the action of LSB Core's "Init Script Actions" (the usage's
	// {start|stop|...} list, in this order), not an extension.
	LSB bool
	// ChangesState: it takes the action lock, so that concurrent actions
	// run one after another.
	ChangesState bool
	// StartsDaemon: it may start a daemon with the config (and so names a
	// config's unknown keys).
	StartsDaemon bool
	// Systemctl: systemctl has it, so that it is handed to systemctl
	// where systemd runs the service.
	Systemctl bool
	// Verb begins its messages ("Starting DESC: NAME."); Of is what
	// follows the description ("configuration").
	Verb, Of string
}

// actions are every action, in the order the usage lists them.
var actions = []Action{
	{Name: "start", LSB: true, ChangesState: true, StartsDaemon: true, Systemctl: true, Verb: "Starting"},
	{Name: "stop", LSB: true, ChangesState: true, Systemctl: true, Verb: "Stopping"},
	{Name: "restart", LSB: true, ChangesState: true, StartsDaemon: true, Systemctl: true, Verb: "Restarting"},
	{Name: "try-restart", LSB: true, ChangesState: true, StartsDaemon: true, Systemctl: true, Verb: "Restarting"},
	{Name: "condrestart", ChangesState: true, StartsDaemon: true, Systemctl: true, Verb: "Restarting"}, // try-restart's old name
	{Name: "reload", LSB: true, ChangesState: true, Systemctl: true, Verb: "Reloading", Of: "configuration"},
	{Name: "force-reload", LSB: true, ChangesState: true, StartsDaemon: true, Systemctl: true, Verb: "Reloading", Of: "configuration"},
	{Name: "status", LSB: true, Systemctl: true},
	{Name: "run", StartsDaemon: true},
	{Name: "check"},
	{Name: "header"},
	{Name: "logs"},
	{Name: "version"},
	{Name: "help"},
}

// Actions are the names of the actions an init script accepts.
var Actions = func() []string {
	var out []string
	for _, a := range actions {
		out = append(out, a.Name)
	}
	return out
}()

// Lookup returns the action named word; ok is false for any other word.
func Lookup(word string) (a Action, ok bool) {
	for _, a := range actions {
		if a.Name == word {
			return a, true
		}
	}
	return Action{}, false
}

// IsAction reports whether word is one of Actions.
func IsAction(word string) bool { return slices.Contains(Actions, word) }

// LSBActions are the LSB's actions, in the usage's order; without reload
// when the service cannot reload.
func LSBActions(reload bool) []string {
	var out []string
	for _, a := range actions {
		if a.LSB && (reload || a.Name != "reload") {
			out = append(out, a.Name)
		}
	}
	return out
}

// Extensions are the other actions, in the usage's order.
func Extensions() []string {
	var out []string
	for _, a := range actions {
		if !a.LSB && a.Name != "condrestart" {
			out = append(out, a.Name)
		}
	}
	return out
}

// Subcommands are the binary's own commands: `lsbinit NAME ...` runs
// them, so it cannot name a service called so.
var Subcommands = []string{"install", "uninstall", "unit", "selftest", "list", "logs", "boot", "health"}

// IsSubcommand reports whether name is one of Subcommands.
func IsSubcommand(name string) bool { return slices.Contains(Subcommands, name) }
