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
		st, err := runstate.Read(c.StateFile())
		switch {
		case err == nil && st.Reloads > before && st.ReloadError != "":
			return exitcode.Fail(exitcode.Failed, "%s: reload failed: %s", c.Name, st.ReloadError)
		case err == nil && st.Reloads > before:
			return nil
		case err != nil || !proc.Same(supervisor, start, true):
			return nil // stopped meanwhile: nothing more to learn
		}
		time.Sleep(5 * time.Millisecond)
	}
	return exitcode.Fail(exitcode.Failed, "%s: the reload signal was sent, but no result came within START_TIMEOUT=%v", c.Name, c.StartTimeout)
}
