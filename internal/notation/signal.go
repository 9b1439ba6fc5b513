package notation

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ParseSignal parses a signal given by name or number: "TERM", "SIGTERM",
// "term", "15", "-15" and "-TERM" all name SIGTERM. Names are looked up
// with [unix.SignalNum], so they are those of the running system; numbers
// must lie between 1 and the system's highest signal (64 on Linux, 31 on
// macOS, 128 on FreeBSD). Signal 0, which sends nothing, is refused.
func ParseSignal(s string) (unix.Signal, error) {
	sig, err := SignalWord(strings.TrimPrefix(s, "-"))
	if err != nil {
		return 0, fmt.Errorf("signal %q: %w", s, err)
	}
	return sig, nil
}

// SignalWord parses a signal name or number without a leading "-".
// Its errors describe the problem without repeating the input.
func SignalWord(s string) (unix.Signal, error) {
	if s == "" {
		return 0, errors.New("empty signal")
	}
	if IsDigits(s) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxSignal {
			return 0, fmt.Errorf("signal number out of range 1..%d", MaxSignal)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, errors.New("unknown signal name")
}

// SignalName returns the name of sig without the SIG prefix ("TERM"), or
// its number in decimal ("40") when the system has no name for it.
func SignalName(sig unix.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return strings.TrimPrefix(name, "SIG")
	}
	return strconv.Itoa(int(sig))
}

// IsDigits reports whether s is a non-empty string of ASCII digits.
func IsDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
