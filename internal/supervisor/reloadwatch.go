package supervisor

import (
	"fmt"
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
)

// ReloadGrace is how long a daemon that does not report its reloads
// (any program at DAEMON) must live on after the reload signal for the
// reload to succeed: one that ends sooner died of it, or of the config
// it read again (README, "Actions and exit codes"), and the reload fails
// with how it ended. With RESPAWN, the daemon is started again as after
// any crash.
const ReloadGrace = time.Second

// watchReload starts, or extends, the watch of a reload just sent.
func (sv *Supervisor) watchReload() {
	sv.watching++
	if sv.reloadWatch == nil {
		sv.reloadWatch = time.NewTimer(ReloadGrace)
		return
	}
	sv.reloadWatch.Reset(ReloadGrace)
}

// reloadWatched is the watch's timer channel, nil when no reload is
// watched.
func (sv *Supervisor) reloadWatched() <-chan time.Time {
	if sv.watching == 0 || sv.reloadWatch == nil {
		return nil
	}
	return sv.reloadWatch.C
}

// reloadsThrough sees the watched reloads through: the daemon lived on.
func (sv *Supervisor) reloadsThrough() {
	for ; sv.watching > 0; sv.watching-- {
		sv.reloaded("")
	}
}

// reloadsDied fails the watched reloads of a daemon that ended within the
// grace, with how it ended; a stop or restart that ended it supersedes
// them, and they are through.
func (sv *Supervisor) reloadsDied(status error) {
	if sv.watching == 0 {
		return
	}
	sv.reloadWatch.Stop()
	why := fmt.Sprintf("pid %d %s within %v of the reload signal", sv.state.Daemon, proc.DescribeExit(status), ReloadGrace)
	if sv.superseded() {
		why = ""
	}
	for ; sv.watching > 0; sv.watching-- {
		sv.reloaded(why)
	}
}
