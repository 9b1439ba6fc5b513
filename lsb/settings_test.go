package lsb_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/lsb"
)

// A bad typed setting fails every action but usage and help with exit
// code 6 and one line that names the Service field.
func TestBadSettingsNameTheField(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		set  func(*lsb.Service)
		want string
	}{
		{"tcp without a port", func(s *lsb.Service) { s.Ready = lsb.WhenListening("localhost") }, `svc: Ready: WhenListening("localhost"): want HOST:PORT, such as "127.0.0.1:8080"`},
		{"relative ready file", func(s *lsb.Service) { s.Ready = lsb.WhenFileChanges("ready") }, `svc: Ready: WhenFileChanges("ready"): want an absolute path`},
		{"no delay", func(s *lsb.Service) { s.Ready = lsb.AfterDelay(0) }, "svc: Ready: AfterDelay(0s): want a positive duration"},
		{"unknown respawn", func(s *lsb.Service) { s.Respawn = lsb.Respawn(7) }, "svc: Respawn: 7 is not RespawnNo, RespawnOnFailure or RespawnAlways"},
		{"relative pidfile", func(s *lsb.Service) { s.PidFile = "svc.pid" }, `svc: PidFile "svc.pid" is not an absolute path`},
		{"relative dir", func(s *lsb.Service) { s.Dir = "srv" }, `svc: Dir "srv" is not an absolute path`},
		{"nice", func(s *lsb.Service) { s.Nice = 20 }, "svc: Nice 20 is out of range -20..19"},
		{"Reload with Path", func(s *lsb.Service) { s.Path, s.Run, s.Reload = "/bin/sleep", nil, func() error { return nil } }, "svc: Reload is set, but the daemon is the program at Path"},
		{"NoReload without Path", func(s *lsb.Service) { s.NoReload = true }, "svc: NoReload is for a program at Path"},
		{"bad socket", func(s *lsb.Service) { s.Listen = []string{"tcp:localhost"} }, `svc: Listen: "tcp:localhost": want tcp:HOST:PORT`},
		{"unknown restart mode", func(s *lsb.Service) { s.Restart = lsb.RestartMode(4) }, "svc: Restart: 4 is not RestartStopStart or RestartOverlap"},
		{"negative store", func(s *lsb.Service) { s.FDStoreMax = -1 }, "svc: FDStoreMax -1 is out of range 0..4096"},
		{"Health with Path", func(s *lsb.Service) {
			s.Path, s.Run, s.Health = "/bin/sleep", nil, func(context.Context) error { return nil }
		}, "svc: Health is set, but the daemon is not this program started by its supervisor: use HealthCommand"},
		{"negative health interval", func(s *lsb.Service) { s.HealthInterval = -time.Second }, "svc: HealthInterval -1s: must be longer than 0"},
		{"negative health timeout", func(s *lsb.Service) { s.HealthTimeout = -time.Second }, "svc: HealthTimeout -1s: must be longer than 0"},
		{"negative health retries", func(s *lsb.Service) { s.HealthRetries = -1 }, "svc: HealthRetries -1: must be at least 1"},
		{"ready on a held socket", func(s *lsb.Service) {
			s.Listen, s.Ready = []string{"tcp:127.0.0.1:8080"}, lsb.WhenListening("127.0.0.1:8080")
		}, "svc: Ready tcp:127.0.0.1:8080 is the LISTEN socket svc=tcp:127.0.0.1:8080"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			svc := lsb.Service{Name: "svc", PidFile: filepath.Join(dir, "svc.pid"),
				Run: func(ctx context.Context) error { return nil }, Stdout: &out, Stderr: &errs}
			c.set(&svc)
			if code := lsb.Invoke(svc, []string{"start"}); code != lsb.ExitNotConfigured {
				t.Errorf("start exited %d, want %d", code, lsb.ExitNotConfigured)
			}
			if got := errs.String(); !strings.HasPrefix(got, c.want) || strings.Count(got, "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", got, c.want)
			}
			// status still tells, in its one line, unless the bad setting
			// is one that finds the daemon.
			out.Reset()
			want, line := lsb.StatusNotRunning, "svc is not running\n"
			if c.name == "relative pidfile" {
				want, line = lsb.StatusUnknown, "svc status is unknown: its settings are not usable\n"
			}
			if code := lsb.Invoke(svc, []string{"status"}); code != want || out.String() != line {
				t.Errorf("status exited %d, %q; want %d, %q", code, out.String(), want, line)
			}
			if code := lsb.Invoke(svc, []string{"help"}); code != lsb.ExitOK {
				t.Errorf("help exited %d, want 0", code)
			}
		})
	}
}

func TestTypedSettings(t *testing.T) {
	if s, err := lsb.ParseSchedule("QUIT/5/forever/KILL/1"); err != nil || s.String() != "QUIT/5/forever/KILL/1" {
		t.Errorf("ParseSchedule = %v, %v", s, err)
	}
	if _, err := lsb.ParseSchedule("TERM/x"); err == nil {
		t.Error("ParseSchedule accepted TERM/x")
	}
	if s := (lsb.Schedule{}); s.String() != "TERM/30/KILL/5" {
		t.Errorf("the zero Schedule is %s, want the default TERM/30/KILL/5", s)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("MustParseSchedule did not panic on a bad schedule")
			}
		}()
		lsb.MustParseSchedule("TERM/x")
	}()
	for r, want := range map[lsb.Readiness]string{
		{}:                                      "exec",
		lsb.WhenNotified():                      "notify",
		lsb.WhenListening("127.0.0.1:8080"):     "tcp:127.0.0.1:8080",
		lsb.WhenFileChanges("/run/x.ready"):     "file:/run/x.ready",
		lsb.AfterDelay(1500 * time.Millisecond): "delay:1.5s",
	} {
		if r.String() != want {
			t.Errorf("readiness %s, want %s", r, want)
		}
	}
	if r, err := lsb.ParseReadiness("notfy"); err == nil {
		t.Errorf("ParseReadiness(notfy) = %v, want an error", r)
	}
	for r, want := range map[lsb.Respawn]string{lsb.RespawnNo: "no", lsb.RespawnOnFailure: "on-failure", lsb.RespawnAlways: "always"} {
		if r.String() != want {
			t.Errorf("Respawn %d is %q, want %q", int(r), r, want)
		}
	}
}
