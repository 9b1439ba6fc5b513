package daemon

import (
	"os"
	"strings"
	"testing"
)

func TestRoleArgs(t *testing.T) {
	args := []string{"/etc/init.d/myapp", "start"}
	got := RoleArgs(args, Supervisor)
	if got[0] != "/etc/init.d/myapp (supervisor)" || got[1] != "start" || args[0] != "/etc/init.d/myapp" {
		t.Fatalf("RoleArgs = %q (args now %q)", got, args)
	}
	if again := RoleArgs(got, Daemon); again[0] != "/etc/init.d/myapp (daemon)" {
		t.Fatalf("RoleArgs of a marked argv[0] = %q", again[0])
	}
	for _, a := range []string{"/etc/init.d/myapp (supervisor)", "/etc/init.d/myapp (daemon)", "/etc/init.d/myapp"} {
		if s := StripRole(a); s != "/etc/init.d/myapp" {
			t.Errorf("StripRole(%q) = %q", a, s)
		}
	}
}

// TestSupervisorEnvKeepsGOMAXPROCS checks that a supervisor runs with one
// P and that its daemon gets the caller's GOMAXPROCS back, set or unset.
func TestSupervisorEnvKeepsGOMAXPROCS(t *testing.T) {
	for _, caller := range []string{"", "3"} {
		t.Run("GOMAXPROCS="+caller, func(t *testing.T) {
			if caller == "" {
				t.Setenv("GOMAXPROCS", "")
				os.Unsetenv("GOMAXPROCS")
			} else {
				t.Setenv("GOMAXPROCS", caller)
			}
			env := SupervisorEnv(append(os.Environ(), "GOMAXPROCS=9"))
			if got := lookup(env, "GOMAXPROCS"); got != "1" {
				t.Fatalf("the supervisor's GOMAXPROCS = %q, want 1", got)
			}
			// Now as the supervisor, building its daemon's environment.
			for _, kv := range env {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			daemonEnv := Environ(nil)
			got, set := lookupSet(daemonEnv, "GOMAXPROCS")
			if set != (caller != "") || got != caller || lookup(daemonEnv, savedProcsEnv) != "" {
				t.Errorf("the daemon's environment: GOMAXPROCS=%q (set %v), want the caller's %q", got, set, caller)
			}
		})
	}
}

func lookup(env []string, key string) string { v, _ := lookupSet(env, key); return v }

func lookupSet(env []string, key string) (string, bool) {
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v, true
		}
	}
	return "", false
}
