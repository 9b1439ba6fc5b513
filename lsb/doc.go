// Package lsb turns a program into an LSB init script: it implements the
// actions of the LSB Core specification ("Init Script Actions": start, stop,
// restart, try-restart, reload, force-reload, status) with their exact exit
// codes, plus run, check, header, logs, version and help; and install and
// uninstall, which register the program with the init system the machine
// boots (a systemd unit, sysvinit rc links, an OpenRC script or a runit
// service, each running the program itself) and take it away again.
//
// A Go program becomes its own init script with one call:
//
//	func main() {
//		lsb.Main(lsb.Service{Name: "myapp", Run: serve, Reload: reread})
//	}
//
// and `./myapp start`, `./myapp status; echo $?` and so on then behave as
// /etc/init.d scripts must. The same package runs any other program when
// Service.Path is set; the lsbinit binary is built that way.
//
// How it works: `start` re-executes the program in a new session as a small
// supervisor, which takes the pidfile's lock, starts the daemon (the program
// at Path, or the Go program again running Service.Run), writes the daemon's
// PID into the pidfile, carries the daemon's output into the log, and waits
// on the daemon for as long as it lives. `start` returns when the supervisor
// reports the daemon ready, or its failure. `stop` asks the supervisor, which
// owns the daemon as its child and so can never signal a stranger, to run
// the stop schedule, and waits for it to exit.
//
// Roles: the program runs in up to three processes, all with its own
// command line. The one the operator started runs the action. The
// supervisor is the program re-executed by start (go-daemon marks it with
// the environment variable _GO_DAEMON, which it removes at once). A Go
// daemon is the program re-executed by the supervisor with
// _LSBINIT_ROLE=daemon in its environment; Invoke then calls Service.Run
// instead of running an action, so the program must build the same
// Service in every process. In ps, the supervisor's and the daemon's
// argv[0] end in " (supervisor)" and " (daemon)"; Invoke removes the mark
// from os.Args[0] before anything else reads it.
package lsb
