package supervisor

import (
	"golang.org/x/sys/unix"

	"errors"
	"os"
	"os/signal"
	"slices"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Restart in place: a supervisor that holds LISTEN sockets (or stored
// descriptors) stays resident across restart and replaces only the
// daemon, which finds the same sockets, connections waiting in their
// accept queues. RESTART=stop-start stops the old daemon by the stop
// schedule, then starts the new one; RESTART=overlap starts the new one
// beside the old, waits until it is ready, hands it the pidfile and only
// then stops the old one. A new daemon that fails leaves, with overlap,
// the old one serving; with stop-start, the service stopped, as a start
// that fails does.

// errIncompatible answers a restart that only a new supervisor can carry
// out: restart then stops and starts.
var errIncompatible = errors.New("the service changed beyond what a restart in place can carry")

// restart carries out one request and answers it. It reports whether the
// supervisor goes on; when it does not, everything is cleaned up.
func (sv *Supervisor) restart(req *restartRequest) bool {
	sv.msgs = req.conn
	alive, err := sv.replace(req)
	sv.msgs = os.Stderr
	req.lock.Close() // before the verdict: the caller lets go of it then
	daemon.WriteVerdict(req.conn, verdict(err))
	req.conn.Close()
	if alive && sv.swap.stopPending {
		sv.stopDaemon()
		sv.cleanup()
		return false
	}
	return alive
}

// replace starts the daemon of next in place of the current one.
func (sv *Supervisor) replace(req *restartRequest) (alive bool, err error) {
	next := req.c
	if !sv.compatible(next) {
		return true, errIncompatible
	}
	// What the encoding leaves out is the Go program's, and unchanged.
	next.Run, next.Reload, next.Check, next.Health = sv.c.Run, sv.c.Reload, sv.c.Check, sv.c.Health
	next.Stdout, next.Stderr = sv.c.Stdout, sv.c.Stderr
	prevExe := sv.exe
	if req.exe != "" {
		sv.exe = req.exe
	}
	sv.store.setBound(next.FDStoreMax)
	signal.Notify(sv.sigs, next.ReloadSignal) // a new RELOAD_SIGNAL is caught too
	sv.prepareNextReadiness(next)
	sv.logf("lsbinit: restarting %s (pid %d, RESTART=%s); its sockets stay open\n", sv.c.Name, sv.state.Daemon, next.Restart)
	sv.reapIfExited()
	// Overlap needs a readiness the old daemon cannot fake: not one
	// proven by a connection, which it (or the held socket) answers.
	if network, _ := next.Ready.Dials(); next.Restart == spec.RestartOverlap && !next.PidFileByDaemon && network == "" && !sv.d.dead {
		alive, err := sv.overlap(next)
		if err != nil && alive {
			sv.exe = prevExe
			sv.store.setBound(sv.c.FDStoreMax)
		}
		return alive, err
	}
	return sv.stopStart(next)
}

// compatible reports whether next can run under this supervisor: the
// same files and sockets, and the notify socket it needs already open.
func (sv *Supervisor) compatible(next *spec.Spec) bool {
	c := sv.c
	switch {
	case next.Name != c.Name, next.PidFile != c.PidFile, next.LockPath() != c.LockPath(),
		next.LogFile != c.LogFile, next.PidFileByDaemon != c.PidFileByDaemon,
		!slices.Equal(next.Listen, c.Listen), !next.KeepsSupervisor():
		return false
	case (next.Ready.Notifies() || next.FDStoreMax > 0) && sv.notify == nil:
		return false
	}
	return true
}

// stopStart stops the current daemon, then starts next's. A start that
// fails ends the supervisor, as a failed start does.
func (sv *Supervisor) stopStart(next *spec.Spec) (alive bool, err error) {
	sv.setPhase(runstate.Restarting)
	if !sv.d.dead {
		sv.stopDaemon()
	}
	if sv.swap.stopPending { // asked to stop meanwhile: no new daemon
		sv.cleanup()
		return false, sv.failed(exitcode.Failed, errors.New("stopped while restarting"))
	}
	sv.c = next
	if err := sv.launch(); err != nil {
		sv.cleanup()
		return false, sv.failed(exitcode.Of(err), err)
	}
	if err := sv.awaitReady(); err != nil {
		return false, err
	}
	return true, nil
}

// overlap starts next's daemon beside the current one and, once it is
// ready, makes it the service's daemon and stops the old one. When the
// new daemon fails, the old one runs on and the restart fails.
func (sv *Supervisor) overlap(next *spec.Spec) (alive bool, err error) {
	old, prev, oldStart := sv.d, sv.c, sv.state.DaemonStart
	sv.c, sv.swap.overlapping = next, true
	err = sv.launch()
	if err == nil {
		err = sv.awaitNext()
	}
	sv.swap.overlapping = false
	if err != nil {
		sv.c = prev
		sv.d = old
		sv.state.Next, sv.state.NextStart = 0, 0
		runstate.Write(sv.c.StateFile(), &sv.state)
		sv.logf("lsbinit: restarting %s failed; pid %d serves on\n", sv.c.Name, old.pid)
		return true, err
	}
	// The pidfile names the new daemon; the old one, until it is gone,
	// is recorded as the one beside it, so that it is found and stopped
	// should the supervisor be killed meanwhile.
	sv.state.Next, sv.state.NextStart = old.pid, oldStart
	sv.state.Phase = runstate.Ready
	if err := sv.record(); err != nil {
		sv.retire(old)
		sv.cleanup()
		return false, sv.failed(exitcode.Failed, err)
	}
	sv.d.tail.Stop()
	sv.retire(old)
	sv.state.Next, sv.state.NextStart = 0, 0
	runstate.Write(sv.c.StateFile(), &sv.state)
	return true, nil
}

// recordNext records a daemon started beside the current one, so that it
// is found and stopped should the supervisor be killed meanwhile.
func (sv *Supervisor) recordNext() error {
	sv.state.Next = sv.d.pid
	sv.state.NextStart, _ = proc.StartTime(sv.d.pid)
	if err := runstate.Write(sv.c.StateFile(), &sv.state); err != nil {
		sv.kill()
		return err
	}
	return nil
}

// retire runs the stop schedule against a replaced daemon, leaving the
// current one and the sidecar alone.
func (sv *Supervisor) retire(old daemonRun) {
	cur := sv.d
	sv.d = old
	sv.swap.retiring, sv.swap.spare = true, cur.pid
	sv.stopDaemon()
	sv.swap.retiring, sv.swap.spare = false, 0
	sv.d = cur
	for _, sig := range sv.swap.deferred {
		sv.forward(sig)
	}
	sv.swap.deferred = nil
}

// replacing is the daemon a starting one replaces beside it, or 0.
func (sv *Supervisor) replacing() int {
	if sv.swap.overlapping {
		return sv.state.Daemon
	}
	return 0
}

// reapIfExited takes the current daemon's exit when it has come: a dead
// daemon's PID is never signalled (the reaper has freed it).
func (sv *Supervisor) reapIfExited() {
	if sv.d.dead {
		return
	}
	select {
	case err := <-sv.d.exited:
		sv.reaped(err)
	default:
	}
}

// prepareNextReadiness prepares the proof of readiness of the next
// daemon of a restart in place (READY=file's file as it is before).
func (sv *Supervisor) prepareNextReadiness(c *spec.Spec) {
	sv.readiness = newReadiness(c.Ready)
	sv.readiness.prepare(sv, false)
}

// setPhase records the daemon's phase in the sidecar.
func (sv *Supervisor) setPhase(phase string) {
	sv.state.Phase = phase
	runstate.Write(sv.c.StateFile(), &sv.state)
}

// swap is how far a restart in place has gone.
type swap struct {
	overlapping bool        // a new daemon starts beside the current one
	retiring    bool        // the stop schedule runs against a replaced daemon
	spare       int         // a daemon stopLeftovers must leave alone
	stopPending bool        // a stop signal came while a restart ran
	deferred    []os.Signal // signals for the daemon that replaces a retiring one
}

// spared reports whether pid belongs to the daemon stopLeftovers must
// leave alone: it, or a process of its session (each daemon starts one),
// which the supervisor may have adopted.
func (s *swap) spared(pid int) bool {
	if s.spare == 0 {
		return false
	}
	sid, err := unix.Getsid(pid)
	return pid == s.spare || err == nil && sid == s.spare
}
