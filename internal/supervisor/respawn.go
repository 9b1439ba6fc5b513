package supervisor

import (
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
)

// Respawn back-off: the first restart waits respawnMin, each quick death
// doubles the wait up to respawnMax, and a daemon that ran respawnReset or
// longer starts the sequence afresh.
const (
	respawnMin   = 100 * time.Millisecond
	respawnMax   = 30 * time.Second
	respawnReset = 10 * time.Second
)

// backoff is the wait before each respawn.
type backoff struct{ last time.Duration }

// ended starts the sequence afresh when the daemon ran long enough.
func (b *backoff) ended(ran time.Duration) {
	if ran >= respawnReset {
		b.last = 0
	}
}

// next is the wait before the next start.
func (b *backoff) next() time.Duration {
	b.last = min(max(2*b.last, respawnMin), respawnMax)
	return b.last
}

func (sv *Supervisor) shouldRespawn() bool {
	return sv.c.Respawn.After(proc.ShellStatus(sv.d.status))
}

// respawn restarts the dead daemon after a back-off; how says how it
// ended. It returns false when a stop arrived meanwhile (everything is
// cleaned up then).
func (sv *Supervisor) respawn(how string) bool {
	sv.backoff.ended(time.Since(sv.d.since))
	for {
		delay := sv.backoff.next()
		sv.state.Phase, sv.state.Exit = runstate.Respawning, how
		sv.lastExit(how)
		sv.state.RetryAt = time.Now().Add(delay).UnixMilli()
		runstate.Write(sv.c.StateFile(), &sv.state)
		sv.stopLeftovers()
		sv.drain(100 * time.Millisecond)
		sv.logf("lsbinit: %s (pid %d) %s; restarting in %v\n", sv.c.Name, sv.state.Daemon, how, delay)
		stopped, req := sv.sleepUnlessStopped(delay)
		switch {
		case stopped:
			sv.cleanup()
			return false
		case req != nil:
			if !sv.restart(req) {
				return false
			}
			if !sv.d.dead {
				return true // replaced
			}
			continue // not restarted in place: the back-off goes on
		}
		sv.state.Respawns++
		err := sv.launch()
		if err == nil {
			sv.state.Phase, sv.state.Exit, sv.state.RetryAt = runstate.Ready, "", 0
			runstate.Write(sv.c.StateFile(), &sv.state)
			return true
		}
		sv.logf("lsbinit: restarting %s: %v\n", sv.c.Name, err)
	}
}

// sleepUnlessStopped waits d and reports whether a stop signal came
// first, or returns the restart request that did.
func (sv *Supervisor) sleepUnlessStopped(d time.Duration) (bool, *restartRequest) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case sig := <-sv.sigs:
			if isStopSignal(sig) {
				return true, nil
			}
			sv.reloadAside(sig)
		case req := <-sv.restarts:
			return false, req
		case <-t.C:
			return false, nil
		}
	}
}
