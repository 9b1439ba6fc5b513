package initd

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRouteFor(t *testing.T) {
	native := redirectFacts{action: "start", systemdPID1: true, parentPID: 4242, nativeUnit: true}
	generated := redirectFacts{action: "start", systemdPID1: true, parentPID: 4242, generatedUnit: true}
	transient := redirectFacts{action: "start", systemdPID1: true, parentPID: 4242, transientUnit: true}
	units := map[string]redirectFacts{"native unit": native, "unit made by systemd-sysv-generator": generated, "transient unit": transient}
	for what, yes := range units {
		if routeFor(yes) != routeSystemctl {
			t.Fatalf("systemd, a %s, an operator's shell: want a hand-off to systemctl", what)
		}
		for _, a := range []string{"stop", "restart", "try-restart", "condrestart", "reload", "force-reload", "status"} {
			f := yes
			f.action = a
			if routeFor(f) != routeSystemctl {
				t.Errorf("%s, %s: want a hand-off to systemctl", what, a)
			}
		}
		no := map[string]func(*redirectFacts){
			"not under systemd":         func(f *redirectFacts) { f.systemdPID1 = false },
			"SYSTEMCTL_SKIP_REDIRECT":   func(f *redirectFacts) { f.skipRedirect = true },
			"called by systemd (PID 1)": func(f *redirectFacts) { f.parentPID = 1 },
			"reload the unit cannot do": func(f *redirectFacts) { f.action, f.cannotReload = "reload", true },
			"run has no systemctl twin": func(f *redirectFacts) { f.action = "run" },
			"header is local":           func(f *redirectFacts) { f.action = "header" },
			"check is local":            func(f *redirectFacts) { f.action = "check" },
			"logs are local":            func(f *redirectFacts) { f.action = "logs" },
		}
		for name, change := range no {
			f := yes
			change(&f)
			if routeFor(f) != routeLocal {
				t.Errorf("%s, %s: want lsbinit to act (%d)", what, name, routeFor(f))
			}
		}
	}
	// The generated unit's ExecStart=/etc/init.d/NAME start (and ExecStop=,
	// ExecReload=) run as children of systemd: no hand-off back to
	// systemctl, whatever the action.
	for _, a := range []string{"start", "stop", "reload", "status"} {
		f := generated
		f.action, f.parentPID = a, 1
		if routeFor(f) != routeLocal {
			t.Errorf("systemd running the generated unit's %s: want no hand-off (a loop)", a)
		}
	}
	// cannotReload concerns reload only.
	f := generated
	f.action, f.cannotReload = "force-reload", true
	if routeFor(f) != routeSystemctl {
		t.Error("force-reload of a unit without ExecReload=: want a hand-off (systemctl restarts it)")
	}
}

func TestRouteForNoUnit(t *testing.T) {
	// systemd runs but knows no unit (the symlink form): start and restart
	// become a transient unit, unless the caller runs in a service itself.
	none := redirectFacts{systemdPID1: true, parentPID: 4242}
	for _, a := range []string{"start", "restart"} {
		f := none
		f.action = a
		if routeFor(f) != routeTransient {
			t.Errorf("%s with no unit: want a transient unit", a)
		}
		f.inService = true
		if routeFor(f) != routeLocal {
			t.Errorf("%s from within a service: want lsbinit to act", a)
		}
		f.inService, f.parentPID = false, 1
		if routeFor(f) != routeLocal {
			t.Errorf("%s by systemd itself: want lsbinit to act", a)
		}
	}
	for _, a := range []string{"stop", "status", "reload", "force-reload", "try-restart", "run", "check"} {
		f := none
		f.action = a
		if routeFor(f) != routeLocal {
			t.Errorf("%s with no unit: want lsbinit to act", a)
		}
	}
}

func TestRouteForRunit(t *testing.T) {
	sv := redirectFacts{parentPID: 4242, runsv: "/etc/service/svc"}
	for a, want := range map[string]route{"start": routeRunit, "stop": routeRunit, "restart": routeRunit,
		"try-restart": routeRunit, "condrestart": routeRunit, "status": routeLocal, "reload": routeLocal,
		"force-reload": routeLocal, "run": routeLocal, "check": routeLocal, "logs": routeLocal} {
		f := sv
		f.action = a
		if got := routeFor(f); got != want {
			t.Errorf("runit, %s: route %d, want %d", a, got, want)
		}
	}
	f := sv
	f.action, f.noReload = "force-reload", true
	if routeFor(f) != routeRunit {
		t.Error("runit, force-reload without reload: want sv restart")
	}
	f.skipRedirect = true
	if routeFor(f) != routeLocal {
		t.Error("runit with SYSTEMCTL_SKIP_REDIRECT: want lsbinit to act")
	}
	f = sv
	f.action, f.runsv = "start", ""
	if routeFor(f) != routeLocal {
		t.Error("no runsv: want lsbinit to act")
	}
}

func TestServiceCgroup(t *testing.T) {
	for data, want := range map[string]bool{
		"0::/system.slice/web.service\n":                true,
		"0::/system.slice/cron.service\n":               true,
		"0::/user.slice/user-0.slice/session-3.scope\n": false,
		"0::/init.scope\n":                              false,
		"0::/\n":                                        false,
		"":                                              false,
		"12:pids:/system.slice/x.service\n0::/init.scope\n":           false,
		"2:cpu:/\n1:name=systemd:/system.slice/ssh.service\n0::/\n":   true,
		"1:name=systemd:/user.slice/session-1.scope\n0::/x.service\n": false,
	} {
		if got := serviceCgroup(data); got != want {
			t.Errorf("%q: %v, want %v", data, got, want)
		}
	}
}

func TestUnitExists(t *testing.T) {
	etc, lib, gen := t.TempDir(), t.TempDir(), t.TempDir()
	if unitExists("svc", []string{etc, lib}) || unitExists("svc", []string{gen}) {
		t.Fatal("found a unit where there is none")
	}
	os.WriteFile(filepath.Join(gen, "svc.service"), nil, 0o644) // what the SysV generator made
	if unitExists("svc", []string{etc, lib}) {
		t.Fatal("took the generated unit for a native one")
	}
	if !unitExists("svc", []string{gen}) {
		t.Fatal("missed the generated unit")
	}
	os.WriteFile(filepath.Join(lib, "svc.service"), nil, 0o644)
	if !unitExists("svc", []string{etc, lib}) {
		t.Fatal("missed the unit in the second directory")
	}
	if unitExists("other", []string{etc, lib, gen}) {
		t.Fatal("found a unit of another service")
	}
	// A masked unit is a symlink to /dev/null: systemd knows it (and
	// systemctl says it is masked).
	os.Symlink("/dev/null", filepath.Join(etc, "masked.service"))
	if !unitExists("masked", []string{etc}) {
		t.Fatal("missed the masked unit")
	}
}

func TestUnitDirs(t *testing.T) {
	// systemd-sysv-generator writes into its third ("late") directory,
	// which systemd, as system manager, passes as /run/systemd/generator.late.
	found := false
	for _, d := range generatedUnitDirs {
		found = found || d == "/run/systemd/generator.late"
	}
	if !found {
		t.Error("generatedUnitDirs lacks /run/systemd/generator.late")
	}
}

func TestForManager(t *testing.T) {
	t.Setenv("SMF_FMRI", "svc:/site/svc:default")
	if forManager("start", 6) != 96 || forManager("status", 3) != 3 {
		t.Error("under SMF, start's 6 is 96 and status is left alone")
	}
}
