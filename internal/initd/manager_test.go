package initd

import (
	"os"
	"path/filepath"
	"testing"
)

func TestShouldRedirect(t *testing.T) {
	yes := redirectFacts{action: "start", systemdPID1: true, parentPID: 4242, nativeUnit: true}
	if !shouldRedirect(yes) {
		t.Fatal("systemd, a native unit, an operator's shell: want a redirect")
	}
	for _, a := range []string{"stop", "restart", "try-restart", "condrestart", "reload", "force-reload", "status"} {
		f := yes
		f.action = a
		if !shouldRedirect(f) {
			t.Errorf("%s: want a redirect", a)
		}
	}
	no := map[string]func(*redirectFacts){
		"not under systemd":         func(f *redirectFacts) { f.systemdPID1 = false },
		"no native unit":            func(f *redirectFacts) { f.nativeUnit = false },
		"SYSTEMCTL_SKIP_REDIRECT":   func(f *redirectFacts) { f.skipRedirect = true },
		"called by systemd (PID 1)": func(f *redirectFacts) { f.parentPID = 1 },
		"run has no systemctl twin": func(f *redirectFacts) { f.action = "run" },
		"header is local":           func(f *redirectFacts) { f.action = "header" },
		"check is local":            func(f *redirectFacts) { f.action = "check" },
	}
	for name, change := range no {
		f := yes
		change(&f)
		if shouldRedirect(f) {
			t.Errorf("%s: want no redirect", name)
		}
	}
}

func TestNativeUnitExists(t *testing.T) {
	etc, lib, gen := t.TempDir(), t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(gen, "svc.service"), nil, 0o644) // what the SysV generator made
	if nativeUnitExists("svc", []string{etc, lib}) {
		t.Fatal("found a unit where there is none")
	}
	os.WriteFile(filepath.Join(lib, "svc.service"), nil, 0o644)
	if !nativeUnitExists("svc", []string{etc, lib}) {
		t.Fatal("missed the unit in the second directory")
	}
}

func TestForManager(t *testing.T) {
	t.Setenv("SMF_FMRI", "svc:/site/svc:default")
	if forManager("start", 6) != 96 || forManager("status", 3) != 3 {
		t.Error("under SMF, start's 6 is 96 and status is left alone")
	}
}
