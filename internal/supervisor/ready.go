package supervisor

import (
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/runstate"
)

// readyPoll is how often tcp: and file: readiness are looked at.
const readyPoll = 10 * time.Millisecond

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

// readyEnd is how waiting for readiness ended.
type readyEnd int

const (
	endReady   readyEnd = iota // the daemon is ready
	endDied                    // it exited first (reaped)
	endStop                    // a stop signal came first
	endTimeout                 // START_TIMEOUT passed
)

// readyWatch is what waitReady waits on, for the kind of READY.
type readyWatch struct {
	settle, poll    <-chan time.Time
	notified, begun <-chan struct{}
	stops           []func()
}

func (w *readyWatch) stop() {
	for _, f := range w.stops {
		f()
	}
}

// every makes poll tick every d.
func (w *readyWatch) every(d time.Duration) {
	t := time.NewTicker(d)
	w.poll, w.stops = t.C, append(w.stops, t.Stop)
}

// watchReady starts watching the current daemon as READY says.
func (sv *Supervisor) watchReady() *readyWatch {
	w := &readyWatch{}
	sv.settling = nil // an earlier daemon's watch
	switch r := sv.c.Ready; r.Kind {
	case ready.Delay:
		w.settle = time.After(r.Delay)
	case ready.TCP, ready.File:
		w.every(readyPoll)
	case ready.Notify:
		w.notified = sv.notified
	case ready.Exec:
		if sv.catching != nil {
			// A Go daemon is watched once its body begins: until then it
			// is the Go runtime starting, on a loaded machine for longer
			// than the bound, and sometimes all asleep.
			w.begun = sv.catching
			break
		}
		sv.watchExec(w)
	}
	return w
}

// watchExec begins READY=exec's watch: the daemon settling, within the
// bound.
func (sv *Supervisor) watchExec(w *readyWatch) {
	w.begun = nil
	w.settle = time.After(sv.c.ReadyDelay)
	w.every(settlePoll)
	sv.settling = &settling{pid: sv.pid, start: time.Now(), since: time.Now()}
}

// waitReady waits for the current daemon to be ready as READY says, or
// for what ends the wait first.
func (sv *Supervisor) waitReady() readyEnd {
	timeout := time.NewTimer(sv.c.StartTimeout)
	defer timeout.Stop()
	w := sv.watchReady()
	defer w.stop()
	for {
		select {
		case <-w.begun:
			sv.watchExec(w)
		case err := <-sv.exited:
			sv.reaped(err)
			return endDied
		case sig := <-sv.sigs:
			if isStopSignal(sig) {
				return endStop
			}
			sv.forward(sig)
		case <-w.poll:
			if sv.isReady() {
				return endReady
			}
		case <-w.settle:
			if sv.endedMeanwhile() {
				return endDied
			}
			return endReady
		case <-w.notified:
			return endReady
		case <-timeout.C:
			return endTimeout
		}
	}
}

// endedMeanwhile reports, when a timer has fired, whether the daemon ended
// before it did: a supervisor kept from running for a while (a loaded
// machine) may find the timer and the daemon's exit ready at once, and
// must not take the timer for a proof of life. When the daemon is gone it
// waits a little for its exit's report.
func (sv *Supervisor) endedMeanwhile() bool {
	sv.reapIfExited()
	// The state first: a zombie reaped between the two looks is then
	// found gone by the second, never taken for alive.
	if st := proc.State(sv.pid); !sv.dead && (st == "Z" || !proc.Alive(sv.pid)) {
		select {
		case err := <-sv.exited:
			sv.reaped(err)
		case <-time.After(5 * time.Second):
		}
	}
	return sv.dead
}

// awaitReady waits for a starting daemon to be ready. A daemon that exits
// first, or is not ready within START_TIMEOUT, fails the start with its
// last lines, and nothing is left behind.
func (sv *Supervisor) awaitReady() error {
	end := sv.waitReady()
	if end == endReady {
		return sv.becameReady()
	}
	sv.unready(end)
	if end == endStop {
		fmt.Fprintf(sv.msgs, "%s: stopped while starting\n", sv.c.Name)
	}
	sv.cleanup()
	return exitcode.Reported(exitcode.Failed)
}

// awaitNext waits for a daemon started beside the current one to be
// ready; one that fails is stopped, the current one left alone.
func (sv *Supervisor) awaitNext() error {
	end := sv.waitReady()
	if end == endReady {
		return nil
	}
	sv.spare = sv.state.Daemon
	sv.retiring = true
	sv.unready(end)
	sv.retiring, sv.spare = false, 0
	if end == endStop {
		sv.stopPending = true
		fmt.Fprintf(sv.msgs, "%s: stopped while restarting\n", sv.c.Name)
	}
	return exitcode.Reported(exitcode.Failed)
}

// unready reports a daemon that did not become ready, and ends it.
func (sv *Supervisor) unready(end readyEnd) {
	c := sv.c
	switch end {
	case endDied:
		sv.stopLeftovers()
		sv.drain(500 * time.Millisecond)
		sv.report(fmt.Sprintf("%s %s right after starting", c.Program(), proc.DescribeExit(sv.status)))
		if sv.status == nil && c.Path != "" && !c.PidFileByDaemon {
			// Status 0 at once: most often a daemon that forked into the
			// background, leaving lsbinit only its exited parent.
			fmt.Fprintf(sv.msgs, "%s: if %s forks into the background, keep it in the foreground (its -f, --nodaemon or \"daemonize no\"), or set PIDFILE_BY_DAEMON=yes and PIDFILE to the pidfile it writes\n", c.Name, c.Program())
		}
	case endTimeout:
		sv.report(fmt.Sprintf("%s was not ready (READY=%s) within START_TIMEOUT=%v", c.Program(), c.Ready, c.StartTimeout))
		sv.stopDaemon()
	case endStop:
		sv.stopDaemon()
	}
}

func (sv *Supervisor) becameReady() error {
	sv.state.Phase = runstate.Ready
	if err := runstate.Write(sv.c.StateFile(), &sv.state); err != nil {
		sv.stopDaemon()
		sv.cleanup()
		fmt.Fprintf(sv.msgs, "%s: %v\n", sv.c.Name, err)
		return exitcode.Reported(exitcode.Failed)
	}
	sv.tail.Stop() // only a start that fails shows the last lines
	return nil
}

// isReady looks once at a tcp: or file: condition, or whether an exec:
// daemon has settled.
func (sv *Supervisor) isReady() bool {
	r := sv.c.Ready
	if sv.settling != nil {
		return sv.settling.settled(time.Now())
	}
	if r.Kind == ready.TCP {
		conn, err := net.DialTimeout("tcp", r.Addr, 100*time.Millisecond)
		if err != nil {
			return false
		}
		conn.Close()
		return true
	}
	info, err := os.Lstat(r.Path)
	if err != nil {
		return false
	}
	before := sv.readyFileBefore
	return before == nil || !os.SameFile(before, info) || !info.ModTime().Equal(before.ModTime())
}

// checkPortFree refuses READY=tcp: when something already answers there:
// it would make a daemon that cannot bind the port look ready. For file:
// it remembers what the file was, so only a new or changed file counts.
func (sv *Supervisor) checkPortFree() error {
	r := sv.c.Ready
	switch r.Kind {
	case ready.TCP:
		if conn, err := net.DialTimeout("tcp", r.Addr, 100*time.Millisecond); err == nil {
			conn.Close()
			return fmt.Errorf("READY=tcp:%s: another process already accepts connections there", r.Addr)
		}
	case ready.File:
		info, err := os.Lstat(r.Path)
		if err == nil {
			sv.readyFileBefore = info
		} else if !os.IsNotExist(err) {
			return fmt.Errorf("READY=file:%s: %v", r.Path, err)
		}
	}
	return nil
}

// report prints why a start failed, with the daemon's last lines.
func (sv *Supervisor) report(what string) {
	c := sv.c
	fmt.Fprintf(sv.msgs, "%s: %s", c.Name, what)
	if t := sv.tail.String(); t != "" {
		fmt.Fprintf(sv.msgs, "; last lines of its output (%s):\n", c.LogFile)
		for _, l := range strings.Split(strings.TrimRight(t, "\n"), "\n") {
			fmt.Fprintf(sv.msgs, "  %s\n", l)
		}
		return
	}
	fmt.Fprintf(sv.msgs, "; it wrote nothing to %s\n", c.LogFile)
}
