package notation

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// MaxTimeout is the longest timeout [ParseDuration] accepts; a
// longer one is almost certainly a typo (a stop that waits days).
const MaxTimeout = 24 * time.Hour

// ParseDuration parses a timeout: a whole number of seconds ("30"), a
// decimal number of seconds ("2.5"), or a Go duration with a unit
// ("500ms", "1m30s"). It refuses negative durations and those longer
// than [MaxTimeout].
func ParseDuration(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if isDecimal(s) {
		d, err = time.ParseDuration(s + "s")
	} else {
		d, err = time.ParseDuration(s)
	}
	switch {
	case err != nil && hasLongNumber(s):
		return 0, fmt.Errorf("longer than the maximum of %v", MaxTimeout)
	case err != nil:
		return 0, errors.New("not a timeout: use seconds (30, 2.5)" +
			" or a Go duration (500ms, 1m30s)")
	case d < 0:
		return 0, errors.New("negative timeout")
	case d > MaxTimeout:
		return 0, fmt.Errorf("longer than the maximum of %v", MaxTimeout)
	}
	return d, nil
}

// isDecimal reports whether s is digits with at most one "." among them.
func isDecimal(s string) bool {
	whole, frac, _ := strings.Cut(s, ".")
	return (whole != "" || frac != "") &&
		(whole == "" || IsDigits(whole)) && (frac == "" || IsDigits(frac))
}

// hasLongNumber reports whether s holds a number of more than 9
// significant digits, too many for time.ParseDuration to hold in
// nanoseconds once a unit of a second or more applies.
func hasLongNumber(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '1' && s[i] <= '9', s[i] == '0' && run > 0:
			run++
		case s[i] != '0':
			run = 0
		}
		if run > 9 {
			return true
		}
	}
	return false
}
