package initd

import (
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
)

// awaitReload waits until the supervisor has seen through a reload after
// the before'th, and returns its failure, if any.
func (r *runner) awaitReload(before int, supervisor int, start uint64) error {
	c := r.c
	deadline := time.Now().Add(c.StartTimeout)
	for time.Now().Before(deadline) {
		// The supervisor first, the sidecar then: one that saw the reload
		// through (a daemon that died before it reported it fails it) and
		// exited between the two looks has written so by the read.
		gone := !proc.Same(supervisor, start, true)
		st, err := runstate.Read(c.StateFile())
		switch {
		case err == nil && st.Reloads > before && st.ReloadError != "":
			return exitcode.Fail(exitcode.Failed, "%s: reload failed: %s", c.Name, st.ReloadError)
		case err == nil && st.Reloads > before:
			return nil
		case err != nil || gone:
			return nil // stopped meanwhile: nothing more to learn
		}
		time.Sleep(5 * time.Millisecond)
	}
	return exitcode.Fail(exitcode.Failed, "%s: the reload signal was sent, but no result came within START_TIMEOUT=%v", c.Name, c.StartTimeout)
}
