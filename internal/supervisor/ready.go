package supervisor

import (
	"fmt"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
)

// readyEnd is how waiting for readiness ended.
type readyEnd int

const (
	endReady   readyEnd = iota // the daemon is ready
	endDied                    // it exited first (reaped)
	endStop                    // a stop signal came first
	endTimeout                 // START_TIMEOUT passed
)

// waitReady waits for the current daemon to be ready as READY says, or
// for what ends the wait first.
func (sv *Supervisor) waitReady() readyEnd {
	timeout := time.NewTimer(sv.c.StartTimeout)
	defer timeout.Stop()
	w := &readyWatch{}
	defer w.stop()
	sv.readiness.watch(sv, w)
	for {
		select {
		case <-w.begun:
			w.begun = nil
			sv.readiness.watch(sv, w)
		case err := <-sv.d.exited:
			sv.reaped(err)
			return endDied
		case sig := <-sv.sigs:
			if isStopSignal(sig) {
				return endStop
			}
			sv.forward(sig)
		case <-w.poll:
			if sv.readiness.ready(sv) {
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
	if st := proc.State(sv.d.pid); !sv.d.dead && (st == "Z" || !proc.Alive(sv.d.pid)) {
		select {
		case err := <-sv.d.exited:
			sv.reaped(err)
		case <-time.After(5 * time.Second):
		}
	}
	return sv.d.dead
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
	sv.swap.spare = sv.state.Daemon
	sv.swap.retiring = true
	sv.unready(end)
	sv.swap.retiring, sv.swap.spare = false, 0
	if end == endStop {
		sv.swap.stopPending = true
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
		sv.report(fmt.Sprintf("%s %s right after starting", c.Program(), proc.DescribeExit(sv.d.status)))
		if sv.d.status == nil && c.Path != "" && !c.PidFileByDaemon {
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
	sv.d.tail.Stop() // only a start that fails shows the last lines
	return nil
}

// report prints why a start failed, with the daemon's last lines.
func (sv *Supervisor) report(what string) {
	c := sv.c
	fmt.Fprintf(sv.msgs, "%s: %s", c.Name, what)
	if t := sv.d.tail.String(); t != "" {
		fmt.Fprintf(sv.msgs, "; last lines of its output (%s):\n", c.LogFile)
		for _, l := range strings.Split(strings.TrimRight(t, "\n"), "\n") {
			fmt.Fprintf(sv.msgs, "  %s\n", l)
		}
		return
	}
	fmt.Fprintf(sv.msgs, "; it wrote nothing to %s\n", c.LogFile)
}
