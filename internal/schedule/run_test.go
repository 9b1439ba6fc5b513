package schedule_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/notation"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"golang.org/x/sys/unix"
)

// fakeTarget is a process that dies a given time after it receives one of
// the signals it heeds, on a fake clock.
type fakeTarget struct {
	heeds   map[unix.Signal]time.Duration // signal -> how long it takes to die
	now     time.Duration
	deathAt time.Duration // -1 while alive and not dying
	log     []string
}

func newFake(heeds map[unix.Signal]time.Duration) *fakeTarget {
	return &fakeTarget{heeds: heeds, deathAt: -1}
}

func (f *fakeTarget) Signal(sig unix.Signal) {
	f.log = append(f.log, notation.SignalName(sig)+"@"+f.now.String())
	if d, ok := f.heeds[sig]; ok && (f.deathAt < 0 || f.now+d < f.deathAt) {
		f.deathAt = f.now + d
	}
}

func (f *fakeTarget) Wait(d time.Duration) bool {
	if d < 0 {
		d = 24 * time.Hour
	}
	if f.deathAt >= 0 && f.deathAt <= f.now+d {
		f.now = max(f.now, f.deathAt)
		return true
	}
	f.now += d
	return false
}

func TestRunSchedule(t *testing.T) {
	cases := []struct {
		name     string
		sched    string
		heeds    map[unix.Signal]time.Duration
		gone     bool
		signals  string
		duration time.Duration
	}{
		{"TERM is enough", "TERM/30/KILL/5", map[unix.Signal]time.Duration{unix.SIGTERM: 2 * time.Second, unix.SIGKILL: 0},
			true, "TERM@0s", 2 * time.Second},
		{"ignores TERM", "TERM/30/KILL/5", map[unix.Signal]time.Duration{unix.SIGKILL: 0},
			true, "TERM@0s KILL@30s", 30 * time.Second},
		{"unkillable", "TERM/1/KILL/2", nil,
			false, "TERM@0s KILL@1s", 3 * time.Second},
		{"bare timeout", "3", map[unix.Signal]time.Duration{unix.SIGKILL: 0},
			true, "TERM@0s KILL@3s", 3 * time.Second},
		{"slow death within the wait", "QUIT/10/TERM/5/KILL/2", map[unix.Signal]time.Duration{unix.SIGQUIT: 4 * time.Second},
			true, "QUIT@0s", 4 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sched, err := schedule.Parse(c.sched)
			if err != nil {
				t.Fatal(err)
			}
			f := newFake(c.heeds)
			gone := sched.Run(f)
			if gone != c.gone || strings.Join(f.log, " ") != c.signals || f.now != c.duration {
				t.Errorf("gone=%v signals=%q after %v; want gone=%v signals=%q after %v",
					gone, strings.Join(f.log, " "), f.now, c.gone, c.signals, c.duration)
			}
		})
	}
}

// TestRunScheduleForever: a target that ignores everything until its
// fifth HUP sees TERM once, then HUP/1 again and again.
func TestRunScheduleForever(t *testing.T) {
	sched, err := schedule.Parse("TERM/1/forever/HUP/1")
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(nil)
	hups := 0
	tgt := &countingTarget{fakeTarget: f, onHUP: func() {
		hups++
		if hups == 5 {
			f.deathAt = f.now
		}
	}}
	if !sched.Run(tgt) {
		t.Fatal("forever schedule gave up")
	}
	want := []string{"TERM@0s", "HUP@1s", "HUP@2s", "HUP@3s", "HUP@4s", "HUP@5s"}
	if !reflect.DeepEqual(f.log, want) {
		t.Errorf("signals %q, want %q (TERM once, then HUP/1 repeated)", f.log, want)
	}
}

type countingTarget struct {
	*fakeTarget
	onHUP func()
}

func (c *countingTarget) Signal(sig unix.Signal) {
	c.fakeTarget.Signal(sig)
	if sig == unix.SIGHUP {
		c.onHUP()
	}
}
