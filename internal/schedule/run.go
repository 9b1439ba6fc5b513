package schedule

import (
	"time"

	"golang.org/x/sys/unix"
)

// Target is what a stop schedule acts on: the supervisor's own child, or
// a daemon whose supervisor is gone, reached through a handle.
type Target interface {
	// Signal sends one step's signal.
	Signal(sig unix.Signal)
	// Wait waits up to d (forever when negative) and reports whether the
	// target is gone.
	Wait(d time.Duration) (gone bool)
}

// Run carries out the schedule against t, as start-stop-daemon --retry
// does, and reports whether t is gone at its end. "forever" repeats the
// items after it (Parse makes sure they include a wait).
func (s Schedule) Run(t Target) bool {
	repeat := -1
	for i := 0; ; i++ {
		if i >= len(s) {
			if repeat < 0 || repeat >= len(s) {
				return t.Wait(0)
			}
			i = repeat
		}
		switch st := s[i]; {
		case st.Forever:
			repeat = i + 1
		case st.Signal != 0:
			t.Signal(st.Signal)
		default:
			if t.Wait(st.Timeout) {
				return true
			}
		}
	}
}
