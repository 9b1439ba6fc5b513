package spec

import (
	"context"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
)

func run(context.Context) error { return nil }

func TestCompleteDefaults(t *testing.T) {
	s := &Spec{Name: "svc", PidFile: "/run/svc.pid", Run: run}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
	switch {
	case s.Desc != "svc", s.Dir != "/", s.Umask != 0, s.ReloadSignal != syscall.SIGHUP:
		t.Errorf("defaults: Desc %q Dir %q Umask %#o ReloadSignal %v", s.Desc, s.Dir, s.Umask, s.ReloadSignal)
	case !s.NoReload:
		t.Error("a Go program without Reload must not reload")
	case s.Schedule.String() != "TERM/30/KILL/5", s.StartTimeout != DefaultStartTimeout, s.ReadyDelay != DefaultReadyDelay:
		t.Errorf("schedule %s, timeout %v, ready delay %v", s.Schedule, s.StartTimeout, s.ReadyDelay)
	case s.Ready.Kind != ready.Exec, s.Respawn != RespawnNo:
		t.Errorf("ready %s, respawn %s", s.Ready, s.Respawn)
	case s.Header.Provides != "svc", s.Header.Description != "svc", s.Header.RequiredStart != "":
		t.Errorf("header %+v: want Provides and descriptions filled, lists left as given", s.Header)
	}
	// What is set stays, and completing twice changes nothing.
	sched, _ := schedule.Parse("HUP/1")
	s2 := &Spec{Name: "svc", Path: "/bin/true", Schedule: sched, Umask: 0o077, Desc: "Service"}
	s2.Complete()
	before := *s2
	s2.Complete()
	if s2.Schedule.String() != "HUP/1" || s2.Umask != 0o077 || s2.Desc != "Service" || s2.NoReload || s2.Desc != before.Desc {
		t.Errorf("Complete changed what was set: %+v", s2)
	}
}

func TestCompleteRefuses(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Name: "a/b", Run: run}, `service name "a/b" is not usable`},
		{Spec{Name: "svc"}, "svc: neither a program (DAEMON) nor a Run function is set"},
		{Spec{Name: "svc", Path: "sleep"}, `svc: DAEMON "sleep" is not an absolute path`},
		{Spec{Name: "svc", Run: run, PidFile: "none"}, `svc: PIDFILE "none" is not an absolute path`},
		{Spec{Name: "svc", Run: run, LockFile: "x"}, `svc: LOCKFILE "x" is not an absolute path`},
		{Spec{Name: "svc", Run: run, Nice: -21}, "svc: NICE -21 is out of range -20..19"},
		{Spec{Name: "svc", Run: run, Umask: 0o1000}, "svc: UMASK 01000 is out of range 0..0777"},
	} {
		err := c.s.Complete()
		if err == nil || err.Error() != c.want || exitcode.Of(err) != exitcode.NotConfigured {
			t.Errorf("%+v: Complete = %v (code %d), want %q (6)", c.s.Name, err, exitcode.Of(err), c.want)
		}
	}
	ok := Spec{Name: "svc", Run: run, LogFile: "none"}
	if err := ok.Complete(); err != nil {
		t.Errorf("LOGFILE none: %v", err)
	}
}

func TestDerived(t *testing.T) {
	s := &Spec{Name: "svc", Path: "/bin/true", PidFile: "/run/svc.pid", StartTimeout: 10 * time.Second}
	s.Complete()
	if s.StateFile() != "/run/svc.pid.lsbinit" || s.LockPath() != "/run/svc.pid" || s.ActionLockPath() != "/run/svc.pid.lsbinit.lock" {
		t.Errorf("paths %s %s %s", s.StateFile(), s.LockPath(), s.ActionLockPath())
	}
	s.PidFileByDaemon = true
	if s.LockPath() != "/run/svc.pid.lock" {
		t.Errorf("a daemon's own pidfile is locked through %s, want /run/svc.pid.lock", s.LockPath())
	}
	if d, forever := s.StopBudget(); d != 35*time.Second+StopGrace || forever {
		t.Errorf("stop budget %v %v, want 35s+StopGrace", d, forever)
	}
	if s.StartBudget() != 10*time.Second+StartGrace {
		t.Errorf("start budget %v", s.StartBudget())
	}
	if got, want := s.ActionBound(), 35*time.Second+StopGrace+20*time.Second+StartGrace; got != want {
		t.Errorf("action bound %v, want %v", got, want)
	}
	s.Schedule, _ = schedule.Parse("TERM/1/forever/KILL/1")
	if s.ActionBound() >= 0 {
		t.Error("a schedule that repeats forever has no bound")
	}
}

func TestRespawn(t *testing.T) {
	for _, w := range []string{"no", "on-failure", "always"} {
		r, err := ParseRespawn(w)
		if err != nil || r.String() != w {
			t.Errorf("ParseRespawn(%q) = %v, %v", w, r, err)
		}
	}
	if _, err := ParseRespawn("alwys"); err == nil || !strings.Contains(err.Error(), `"alwys" is not one of`) {
		t.Errorf("ParseRespawn(alwys): %v", err)
	}
	if RespawnNo.After(1) || !RespawnOnFailure.After(1) || RespawnOnFailure.After(0) || !RespawnAlways.After(0) {
		t.Error("After: no never, on-failure after a non-zero status, always always")
	}
}

func TestEncodeDecode(t *testing.T) {
	sched, _ := schedule.Parse("QUIT/5/forever/KILL/1")
	s := &Spec{Name: "svc", Path: "/bin/sleep", Args: []string{"1000", "a b"}, Schedule: sched,
		Ready: ready.Spec{Kind: ready.TCP, Addr: "[::1]:80"}, Respawn: RespawnAlways, Umask: 0o077,
		ReloadSignal: syscall.SIGUSR1, Header: Header{RequiredStart: ""}, Env: []string{"A=1"}, Run: run}
	s.Complete()
	text, ok := s.Encode()
	if !ok {
		t.Fatal("Encode refused a small service")
	}
	got, err := Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	want := *s
	want.Run, want.Stdout, want.Stderr = nil, nil, nil // not data: not passed on
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("Decode(Encode(s)) =\n%+v\nwant\n%+v", *got, want)
	}
	if _, err := Decode("{"); err == nil {
		t.Error("Decode accepted broken text")
	}
	big := &Spec{Name: "svc", Env: []string{strings.Repeat("x", MaxEncoded)}}
	if _, ok := big.Encode(); ok {
		t.Error("Encode passed on a service too large for the environment")
	}
}
