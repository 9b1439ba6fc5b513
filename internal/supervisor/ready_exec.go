package supervisor

import (
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
)

// READY=exec: a daemon is ready once it has settled: alive for at least
// settleMin, and for the last settleQuiet asleep waiting for work (every
// thread asleep, none waiting for a CPU; the main one not in a timed
// sleep, not waiting for a child of its own), its CPU clock and its
// children's standing still; looked at every settlePoll. One that
// never settles is ready when it is still alive after ReadyDelay, the
// bound, as before. A daemon that fails while it starts up is busy, or
// sleeps on a timer or a child, until it dies, and so fails the start;
// what is no longer told apart is one that waits for work and then dies
// (see docs/how-it-works.md, "Readiness (READY=exec)").
const (
	settleMin   = 10 * time.Millisecond
	settleQuiet = 5 * time.Millisecond
	settlePoll  = 2 * time.Millisecond
)

// settling watches a starting daemon for READY=exec.
type settling struct {
	pid   int
	start time.Time     // when the daemon started
	cpu   time.Duration // its CPU time when last looked at
	since time.Time     // since when it has been idle
}

// settled looks once, and reports whether the daemon has settled.
func (w *settling) settled(now time.Time) bool {
	cpu, ok := proc.CPUTime(w.pid)
	if !ok || cpu != w.cpu || !proc.Asleep(w.pid) || !waitsForWork(proc.WaitChannel(w.pid)) {
		w.cpu, w.since = cpu, now
		return false
	}
	return now.Sub(w.start) >= settleMin && now.Sub(w.since) >= settleQuiet
}

// waitsForWork reports whether a process asleep in the kernel function
// wchan may be waiting for work: anything but a timed sleep and a wait
// for a child (a script that sleeps, or waits for the program it ran).
func waitsForWork(wchan string) bool {
	switch wchan {
	case "hrtimer_nanosleep", "do_nanosleep", "common_nsleep", "do_wait", "kernel_wait4":
		return false
	}
	return true
}

// execReady is READY=exec: the daemon has settled, or is alive at the
// bound (Spec.ReadyDelay). A Go daemon is watched once its body begins:
// until then it is the Go runtime starting, on a loaded machine for longer
// than the bound, and sometimes all asleep.
type execReady struct {
	settling *settling
}

func (*execReady) prepare(*Supervisor, bool) error { return nil }

func (r *execReady) watch(sv *Supervisor, w *readyWatch) {
	if sv.d.catching != nil {
		select {
		case <-sv.d.catching:
		default:
			w.begun = sv.d.catching
			return
		}
	}
	w.settle = time.After(sv.c.ReadyDelay)
	w.every(settlePoll)
	r.settling = &settling{pid: sv.d.pid, start: time.Now(), since: time.Now()}
}

func (r *execReady) ready(*Supervisor) bool {
	return r.settling != nil && r.settling.settled(time.Now())
}
