package daemon

import (
	"os"
	"strings"
)

// The roles a re-executed program plays, shown in ps: its argv[0] gets
// " (supervisor)" or " (daemon)" appended, so `ps` tells an lsbinit
// supervisor from the daemon it runs, although both run the same program
// with the same arguments. The program itself is found through
// os.Executable, never through argv[0].
const (
	Supervisor = "supervisor"
	Daemon     = "daemon"
)

// RoleArgs returns a copy of args with role marked on args[0].
func RoleArgs(args []string, role string) []string {
	out := append([]string(nil), args...)
	if len(out) > 0 {
		out[0] = StripRole(out[0]) + " (" + role + ")"
	}
	return out
}

// StripRole returns argv0 without a role mark.
func StripRole(argv0 string) string {
	for _, role := range []string{Supervisor, Daemon} {
		if s, ok := strings.CutSuffix(argv0, " ("+role+")"); ok {
			return s
		}
	}
	return argv0
}

// Role is which of lsbinit's processes this one is.
type Role int

const (
	// Operator is the process someone ran: it carries out an action.
	Operator Role = iota
	// SupervisorRole is the process start re-executed (Spawn) to run the
	// daemon and stay with it.
	SupervisorRole
	// DaemonRole is a Go program re-executed by its supervisor to run
	// Service.Run (RoleEnv=daemon).
	DaemonRole
)

// Current is this process's role: the one decision both the lsbinit
// binary and a Go program on lsb dispatch on.
func Current() Role {
	switch {
	case os.Getenv(RoleEnv) == Daemon:
		return DaemonRole
	case IsChild():
		return SupervisorRole
	}
	return Operator
}
