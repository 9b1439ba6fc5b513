package supervisor

import (
	"fmt"
	"strings"
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

// reloads is the supervisor's book of the reloads it has passed on and
// not yet seen through: those a Go daemon is to report, and those a
// daemon that reports nothing must outlive by ReloadGrace. Each is seen
// through exactly once, by a call of done (failed when why is not ""),
// which the supervisor records in the sidecar for the reload action.
type reloads struct {
	done func(why string)

	reports    chan string // a Go daemon's report lines (addReport)
	unreported int         // reloads passed to it, not yet reported
	watching   int         // reloads sent to a daemon that does not report them, in their grace
	timer      *time.Timer // ends the grace
}

// newReloads returns an empty book that sees reloads through with done.
func newReloads(done func(why string)) *reloads {
	return &reloads{done: done, reports: make(chan string, 8)}
}

// passed books one reload signal passed to a live daemon, which reports
// it when reports is true.
func (r *reloads) passed(reports bool) {
	if reports {
		r.unreported++
		return
	}
	r.watching++
	if r.timer == nil {
		r.timer = time.NewTimer(ReloadGrace)
		return
	}
	r.timer.Reset(ReloadGrace)
}

// reported sees through the reload a report line answers: "ok", or
// "error: MESSAGE".
func (r *reloads) reported(line string) {
	r.unreported = max(0, r.unreported-1)
	why, failed := strings.CutPrefix(line, "error: ")
	if !failed {
		why = ""
	}
	r.done(why)
}

// graceOver is the grace's timer channel, nil when no reload is watched.
func (r *reloads) graceOver() <-chan time.Time {
	if r.watching == 0 || r.timer == nil {
		return nil
	}
	return r.timer.C
}

// through sees the watched reloads through: the daemon lived on.
func (r *reloads) through() {
	for ; r.watching > 0; r.watching-- {
		r.done("")
	}
}

// ended sees every open reload through when daemon pid ended with
// status: those in their grace fail with how it ended, and one not yet
// reported fails because it never was, unless a stop or restart ended
// the daemon (superseded), which supersedes them.
func (r *reloads) ended(pid int, status error, superseded bool) {
	why := func(format string, args ...any) string {
		if superseded {
			return ""
		}
		return fmt.Sprintf(format, args...)
	}
	if r.watching > 0 {
		r.timer.Stop()
		w := why("pid %d %s within %v of the reload signal", pid, proc.DescribeExit(status), ReloadGrace)
		for ; r.watching > 0; r.watching-- {
			r.done(w)
		}
	}
	if r.unreported > 0 {
		// One answer for them all: the reload action waits for the
		// count to move.
		r.unreported = 0
		r.done(why("pid %d ended before it reported the reload", pid))
	}
}
