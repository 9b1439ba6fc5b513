package schedule

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/notation"
	"golang.org/x/sys/unix"
)

func sig(s unix.Signal) Step       { return Step{Signal: s} }
func wait(d time.Duration) Step    { return Step{Timeout: d} }
func sec(n int) Step               { return wait(time.Duration(n) * time.Second) }
func forever() Step                { return Step{Forever: true} }
func sched(steps ...Step) Schedule { return Schedule(steps) }

func TestParseValid(t *testing.T) {
	tests := []struct {
		in    string
		want  Schedule
		canon string
	}{
		{"TERM/30/KILL/5", sched(sig(unix.SIGTERM), sec(30), sig(unix.SIGKILL), sec(5)), "TERM/30/KILL/5"},
		{"30", sched(sig(unix.SIGTERM), sec(30), sig(unix.SIGKILL), sec(30)), "TERM/30/KILL/30"},
		{"0", sched(sig(unix.SIGTERM), sec(0), sig(unix.SIGKILL), sec(0)), "TERM/0/KILL/0"},
		{"2.5", sched(sig(unix.SIGTERM), wait(2500*time.Millisecond), sig(unix.SIGKILL), wait(2500*time.Millisecond)), "TERM/2.5s/KILL/2.5s"},
		{"500ms", sched(sig(unix.SIGTERM), wait(500*time.Millisecond), sig(unix.SIGKILL), wait(500*time.Millisecond)), "TERM/500ms/KILL/500ms"},
		{" 10 ", sched(sig(unix.SIGTERM), sec(10), sig(unix.SIGKILL), sec(10)), "TERM/10/KILL/10"},
		{"-TERM/30/-KILL/5", sched(sig(unix.SIGTERM), sec(30), sig(unix.SIGKILL), sec(5)), "TERM/30/KILL/5"},
		{"-15/30/-9/5", sched(sig(unix.SIGTERM), sec(30), sig(unix.SIGKILL), sec(5)), "TERM/30/KILL/5"},
		{"SIGTERM/1m/sigkill/90s", sched(sig(unix.SIGTERM), sec(60), sig(unix.SIGKILL), sec(90)), "TERM/60/KILL/90"},
		{"term/1.5/kill", sched(sig(unix.SIGTERM), wait(1500*time.Millisecond), sig(unix.SIGKILL)), "TERM/1.5s/KILL"},
		{"QUIT/TERM/10/KILL/5", sched(sig(unix.SIGQUIT), sig(unix.SIGTERM), sec(10), sig(unix.SIGKILL), sec(5)), "QUIT/TERM/10/KILL/5"},
		{"TERM/KILL", sched(sig(unix.SIGTERM), sig(unix.SIGKILL)), "TERM/KILL"},
		{"TERM / 30 / KILL / 5", sched(sig(unix.SIGTERM), sec(30), sig(unix.SIGKILL), sec(5)), "TERM/30/KILL/5"},
		{"TERM/10/forever/KILL/5", sched(sig(unix.SIGTERM), sec(10), forever(), sig(unix.SIGKILL), sec(5)), "TERM/10/forever/KILL/5"},
		{"TERM/FOREVER/5", sched(sig(unix.SIGTERM), forever(), sec(5)), "TERM/forever/5"},
		{"HUP/0/USR1/5", sched(sig(unix.SIGHUP), sec(0), sig(unix.SIGUSR1), sec(5)), "HUP/0/USR1/5"},
		{"5/TERM/5", sched(sec(5), sig(unix.SIGTERM), sec(5)), "5/TERM/5"},
		{"TERM/86400", sched(sig(unix.SIGTERM), sec(86400)), "TERM/86400"},
		{"TERM/24h", sched(sig(unix.SIGTERM), sec(86400)), "TERM/86400"},
		{"TERM/1ns", sched(sig(unix.SIGTERM), wait(1)), "TERM/1ns"},
		{"TERM/007", sched(sig(unix.SIGTERM), sec(7)), "TERM/7"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
		if s := got.String(); s != tt.canon {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, s, tt.canon)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"", `STOP_SCHEDULE "": empty schedule`},
		{"   ", `STOP_SCHEDULE "   ": empty schedule`},
		{"TERM/x/KILL", `STOP_SCHEDULE "TERM/x/KILL": item 2 "x": not a signal or a timeout`},
		{"TERM//KILL", `item 2 "": empty item`},
		{"TERM/30/", `item 3 "": empty item`},
		{"/TERM/30", `item 1 "": empty item`},
		{"TERM", "a schedule of one item must be a timeout"},
		{"-15", "a schedule of one item must be a timeout"},
		{"forever", "a schedule of one item must be a timeout"},
		{"x", "a schedule of one item must be a timeout"},
		{"-5s", "a schedule of one item must be a timeout"},
		{"TERM/-2.5/KILL", `item 2 "-2.5": negative timeout`},
		{"TERM/-5s", `item 2 "-5s": negative timeout`},
		{"TERM/-0", `item 2 "-0": signal number out of range`},
		{"-0/5", `item 1 "-0": signal number out of range`},
		{"-99999/5", `item 1 "-99999": signal number out of range`},
		{"-99999999999999999999/5", `signal number out of range`},
		{"-FOO/5", `item 1 "-FOO": unknown signal name`},
		{"SIG/5", `item 1 "SIG": not a signal or a timeout`},
		{"-/5", `item 1 "-": empty signal`},
		{"TERM/5x", `item 2 "5x": not a timeout`},
		{"TERM/1e3", `item 2 "1e3": not a timeout`},
		{"TERM/25h", `item 2 "25h": longer than the maximum of 24h0m0s`},
		{"TERM/86401", `longer than the maximum`},
		{"TERM/99999999999999999999", `item 2 "99999999999999999999": longer than the maximum`},
		{"TERM/9999999999h", `longer than the maximum`},
		{"99999999999", "a schedule of one item must be a timeout"},
		{"forever/TERM/5", `item 1 "forever": forever must follow at least one item`},
		{"TERM/5/forever", `item 3 "forever": nothing after forever to repeat`},
		{"TERM/forever/5/forever/KILL/5", `item 4 "forever": forever appears more than once`},
		{"TERM/5/forever/KILL", `item 3 "forever": the items after forever need a timeout`},
		{"TERM/5/forever/KILL/TERM", `the items after forever need a timeout`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want error containing %q", tt.in, got, tt.msg)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error %T is not a *SyntaxError", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Parse(%q) error %q, want it to contain %q", tt.in, err, tt.msg)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) error is not one line: %q", tt.in, err)
		}
	}
}

func TestSyntaxErrorDetail(t *testing.T) {
	_, err := Parse("TERM/x/KILL")
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("want *SyntaxError, got %v", err)
	}
	if got, want := se.Detail(), `item 2 "x": not a signal or a timeout`; got != want {
		t.Errorf("Detail() = %q, want %q", got, want)
	}
	if se.Item != 2 || se.Text != "x" {
		t.Errorf("Item, Text = %d, %q; want 2, x", se.Item, se.Text)
	}
}

func TestDefault(t *testing.T) {
	d := Default()
	if got := d.String(); got != "TERM/30/KILL/5" {
		t.Errorf("Default().String() = %q", got)
	}
	d[0].Signal = unix.SIGINT
	if Default()[0].Signal != unix.SIGTERM {
		t.Error("Default shares its slice between calls")
	}
}

func TestTotal(t *testing.T) {
	tests := []struct {
		in      string
		d       time.Duration
		forever bool
	}{
		{"TERM/30/KILL/5", 35 * time.Second, false},
		{"TERM/KILL", 0, false},
		{"2.5", 5 * time.Second, false},
		{"TERM/10/forever/KILL/500ms", 10500 * time.Millisecond, true},
	}
	for _, tt := range tests {
		s, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		d, forever := s.Total()
		if d != tt.d || forever != tt.forever {
			t.Errorf("Parse(%q).Total() = %v, %v; want %v, %v", tt.in, d, forever, tt.d, tt.forever)
		}
	}
	var huge Schedule
	for range 200000 {
		huge = append(huge, wait(MaxTimeout))
	}
	if d, _ := huge.Total(); d <= 0 {
		t.Errorf("Total overflowed to %v", d)
	}
}

func TestStringUnnamedSignal(t *testing.T) {
	top := unix.Signal(notation.MaxSignal)
	s := sched(sig(top), sec(1))
	if notation.SignalName(top) != "" && !notation.IsDigits(notation.SignalName(top)) {
		t.Skip("the highest signal has a name on this system")
	}
	got, err := Parse(s.String())
	if err != nil || !slices.Equal(got, s) {
		t.Errorf("round trip of %q: %v, %v", s.String(), got, err)
	}
}
