package daemon

import "testing"

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
