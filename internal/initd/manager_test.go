package initd

import (
	"os"
	"path/filepath"
	"testing"
)

func TestShouldRedirect(t *testing.T) {
	native := redirectFacts{action: "start", systemdPID1: true, parentPID: 4242, nativeUnit: true}
	generated := redirectFacts{action: "start", systemdPID1: true, parentPID: 4242, generatedUnit: true}
	for what, yes := range map[string]redirectFacts{"native unit": native, "unit made by systemd-sysv-generator": generated} {
		if !shouldRedirect(yes) {
			t.Fatalf("systemd, a %s, an operator's shell: want a redirect", what)
		}
		for _, a := range []string{"stop", "restart", "try-restart", "condrestart", "reload", "force-reload", "status"} {
			f := yes
			f.action = a
			if !shouldRedirect(f) {
				t.Errorf("%s, %s: want a redirect", what, a)
			}
		}
		no := map[string]func(*redirectFacts){
			"not under systemd":         func(f *redirectFacts) { f.systemdPID1 = false },
			"no unit at all":            func(f *redirectFacts) { f.nativeUnit, f.generatedUnit = false, false },
			"SYSTEMCTL_SKIP_REDIRECT":   func(f *redirectFacts) { f.skipRedirect = true },
			"called by systemd (PID 1)": func(f *redirectFacts) { f.parentPID = 1 },
			"reload the unit cannot do": func(f *redirectFacts) { f.action, f.cannotReload = "reload", true },
			"run has no systemctl twin": func(f *redirectFacts) { f.action = "run" },
			"header is local":           func(f *redirectFacts) { f.action = "header" },
			"check is local":            func(f *redirectFacts) { f.action = "check" },
		}
		for name, change := range no {
			f := yes
			change(&f)
			if shouldRedirect(f) {
				t.Errorf("%s, %s: want no redirect", what, name)
			}
		}
	}
	// The generated unit's ExecStart=/etc/init.d/NAME start (and ExecStop=,
	// ExecReload=) run as children of systemd: no hand-off back to
	// systemctl, whatever the action.
	for _, a := range []string{"start", "stop", "reload", "status"} {
		f := generated
		f.action, f.parentPID = a, 1
		if shouldRedirect(f) {
			t.Errorf("systemd running the generated unit's %s: want no redirect (a loop)", a)
		}
	}
	// cannotReload concerns reload only.
	f := generated
	f.action, f.cannotReload = "force-reload", true
	if !shouldRedirect(f) {
		t.Error("force-reload of a unit without ExecReload=: want a redirect (systemctl restarts it)")
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
