package notation

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"0": 0, "30": 30 * time.Second, "2.5": 2500 * time.Millisecond,
		".5": 500 * time.Millisecond, "5.": 5 * time.Second, "500ms": 500 * time.Millisecond,
		"1m30s": 90 * time.Second, "24h": 24 * time.Hour,
	}
	for in, want := range good {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"": "not a timeout", ".": "not a timeout", "x": "not a timeout", "5 s": "not a timeout",
		"-1s": "negative", "-1": "not a timeout", "25h": "longer", "1e3": "not a timeout",
		"99999999999999999999": "longer",
	}
	for in, want := range bad {
		if _, err := ParseDuration(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDuration(%q) error %v, want %q", in, err, want)
		}
	}
}
