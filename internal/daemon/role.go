package daemon

import "strings"

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
