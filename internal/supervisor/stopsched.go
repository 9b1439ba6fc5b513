package supervisor

import (
	"slices"
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"golang.org/x/sys/unix"
)

// stopDaemon runs the stop schedule against the daemon, which is our own
// unreaped child, so its PID cannot have been reused. KILL goes to the whole
// process group. When the schedule ends with the daemon still alive (it is
// stuck in the kernel, say), we keep owning it until it dies; the stop
// action has already reported failure by then.
func (sv *Supervisor) stopDaemon() {
	sv.c.Schedule.Run(scheduled{sv})
	for !sv.d.dead {
		sv.waitExit(-1)
	}
	sv.stopLeftovers()
	sv.drain(200 * time.Millisecond)
}

// scheduled is the supervisor as the target of its stop schedule.
type scheduled struct{ sv *Supervisor }

func (t scheduled) Signal(sig unix.Signal)           { t.sv.signal(sig) }
func (t scheduled) Wait(d time.Duration) (gone bool) { return t.sv.wait(d) }

// signal sends one step's signal: KILL to the whole process group. The
// sidecar says "stopping" before the first one is sent, so that a daemon
// gone a moment later is never taken for one that died by itself.
func (sv *Supervisor) signal(sig unix.Signal) {
	if sv.state.Phase != runstate.Stopping && sv.state.Phase != runstate.Restarting && !sv.swap.retiring {
		sv.setPhase(runstate.Stopping)
	}
	sv.reapIfExited()
	switch {
	case sv.d.dead:
	case sig == unix.SIGKILL:
		// Say why a daemon ends without its own last words (a Go Run
		// that ignores its cancelled context, say).
		sv.logf("lsbinit: %s (pid %d) did not exit on the stop schedule's earlier signals; sending KILL\n", sv.c.Name, sv.d.pid)
		sv.killGroup()
	default:
		proc.Signal(sv.d.pid, sig)
		// A stopped daemon acts on nothing until it is continued.
		proc.Signal(sv.d.pid, unix.SIGCONT)
	}
}

// wait is waitExit for the stop schedule.
func (sv *Supervisor) wait(d time.Duration) bool {
	if !sv.d.dead {
		sv.waitExit(d)
	}
	return sv.d.dead
}

// leftoverGrace is how long processes the daemon left behind get between
// TERM and KILL.
const leftoverGrace = 2 * time.Second

// stopLeftovers stops what the daemon left running when it ended: its
// descendants, which as a subreaper we have adopted, so their PIDs are
// safe to signal. TERM first, KILL after leftoverGrace; they are reaped.
func (sv *Supervisor) stopLeftovers() {
	for _, sig := range []unix.Signal{unix.SIGTERM, unix.SIGKILL} {
		kids := slices.DeleteFunc(children(), sv.swap.spared)
		if len(kids) == 0 {
			return
		}
		for _, k := range kids {
			proc.Signal(k, sig)
		}
		for deadline := time.Now().Add(leftoverGrace); time.Now().Before(deadline) && sv.leftovers(kids); {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// leftovers reports whether any of kids is still our child.
func (sv *Supervisor) leftovers(kids []int) bool {
	now := children()
	return slices.ContainsFunc(kids, func(pid int) bool { return slices.Contains(now, pid) })
}

// waitExit waits up to d (forever when negative) for the daemon to exit.
// Signals arriving meanwhile are dropped: a stop is already under way;
// one that asks for a stop is remembered when a restart runs.
func (sv *Supervisor) waitExit(d time.Duration) {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	for {
		select {
		case err := <-sv.d.exited:
			sv.reaped(err)
			return
		case sig := <-sv.sigs:
			switch {
			case !isStopSignal(sig) && sv.swap.retiring:
				sv.swap.deferred = append(sv.swap.deferred, sig) // for the new daemon
			case !isStopSignal(sig):
				sv.reloadAside(sig)
			case sv.swap.retiring || sv.state.Phase == runstate.Restarting:
				sv.swap.stopPending = true
			}
		case <-timeout:
			return
		}
	}
}
