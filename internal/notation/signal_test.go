package notation

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseSignal(t *testing.T) {
	good := map[string]unix.Signal{
		"TERM": unix.SIGTERM, "SIGTERM": unix.SIGTERM, "term": unix.SIGTERM,
		"SigTerm": unix.SIGTERM, "15": unix.SIGTERM, "-15": unix.SIGTERM,
		"-TERM": unix.SIGTERM, "-SIGKILL": unix.SIGKILL, "HUP": unix.SIGHUP,
		"USR1": unix.SIGUSR1, "usr2": unix.SIGUSR2, "1": unix.SIGHUP,
		"WINCH": unix.SIGWINCH, "0015": unix.SIGTERM,
	}
	for in, want := range good {
		if got, err := ParseSignal(in); err != nil || got != want {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                        "empty signal",
		"-":                       "empty signal",
		"0":                       "out of range",
		"-0":                      "out of range",
		"999":                     "out of range",
		"99999999999999999999999": "out of range",
		"FOO":                     "unknown signal name",
		"SIG":                     "unknown signal name",
		"--15":                    "unknown signal name",
		"+15":                     "unknown signal name",
		" TERM":                   "unknown signal name",
		"15x":                     "unknown signal name",
	}
	for in, want := range bad {
		_, err := ParseSignal(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSignal(%q) error %v, want %q", in, err, want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "signal ") {
			t.Errorf("ParseSignal(%q) error %q does not name the signal", in, err)
		}
	}
}

func TestSignalName(t *testing.T) {
	tests := map[unix.Signal]string{
		unix.SIGTERM: "TERM", unix.SIGKILL: "KILL", unix.SIGHUP: "HUP",
		0: "0", 1000: "1000",
	}
	for in, want := range tests {
		if got := SignalName(in); got != want {
			t.Errorf("SignalName(%d) = %q, want %q", in, got, want)
		}
	}
	for n := 1; n <= MaxSignal; n++ {
		name := SignalName(unix.Signal(n))
		if got, err := ParseSignal(name); IsDigits(name) {
			continue
		} else if err != nil || got != unix.Signal(n) {
			t.Errorf("ParseSignal(SignalName(%d) = %q) = %v, %v", n, name, got, err)
		}
	}
}
