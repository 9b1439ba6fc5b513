package supervisor

import (
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/logfile"
	"golang.org/x/sys/unix"
)

// daemonRun is what the supervisor knows of one daemon it started: the
// current one (Supervisor.d), or, while an overlapping restart runs, the
// one it replaces.
type daemonRun struct {
	pid    int
	exited chan error    // cmd.Wait's result, once
	copied chan struct{} // closed when its output pipe reached end-of-file
	dead   bool          // it has been reaped
	status error         // its wait status, once dead
	since  time.Time     // when it started
	tail   *logfile.Tail // its last lines, while it starts

	// catching is closed once a Go daemon catches the reload signal
	// (addReport); nil for a daemon that may be sent it at once.
	catching <-chan struct{}
	held     int // reloads held back until then, not yet sent

	// notified is closed when a READY=notify daemon says it is ready.
	notified <-chan struct{}

	// health is a Go daemon's health channel, nil for any other daemon.
	health *healthConn
}

// catchesReload reports whether the daemon may be sent the reload
// signal: it catches it.
func (d *daemonRun) catchesReload() bool {
	select {
	case <-d.catching:
		return true
	default:
		return d.catching == nil
	}
}

// heldBack is closed once the reloads held back may be sent; nil when
// none are.
func (d *daemonRun) heldBack() <-chan struct{} {
	if d.held == 0 || d.dead {
		return nil
	}
	return d.catching
}

// sendHeld sends the reloads held back until the daemon caught sig.
func (d *daemonRun) sendHeld(sig unix.Signal) {
	for ; d.held > 0; d.held-- {
		proc.Signal(d.pid, sig)
	}
}
