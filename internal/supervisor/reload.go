package supervisor

import (
	"bufio"
	"os"
	"os/exec"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/runstate"
)

// A reload's result travels back to the reload action: a Go daemon with a
// Reload func writes one line per reload ("ok" or "error: MESSAGE") on a
// pipe its supervisor gave it; the supervisor counts every reload it has
// seen through in the sidecar (Reloads, ReloadError); the reload action
// waits for the count to move and exits 1 with the message on failure.
// For any other daemon a reload is through once the signal is forwarded.
//
// A Go daemon catches the reload signal only once its program has run as
// far as its daemon role (the Go runtime, main, the start gate): a loaded
// machine may take longer than READY=exec's bound, and the signal's
// default action would kill it. So the first line it writes,
// daemon.ReportCatching, says it catches the signal and is about to run
// its body; until then the supervisor holds reloads back (sv.d.held), and
// READY=exec does not begin to watch it (see waitReady).

// addReport gives a Go daemon the write end of its report pipe, and
// returns it for the caller to close once the command has started, with a
// channel closed once the daemon catches the reload signal (nil for any
// other daemon: the signal is sent at once). The supervisor reads the
// other end into sv.reloads.reports.
func (sv *Supervisor) addReport(cmd *exec.Cmd) (*os.File, <-chan struct{}, error) {
	if sv.c.Path != "" || sv.c.PidFileByDaemon {
		return nil, nil, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	daemon.PassFile(cmd, daemon.ReportEnv, w)
	catching := make(chan struct{})
	go func() {
		defer r.Close()
		sc := bufio.NewScanner(r)
		caught := false
		for sc.Scan() {
			if sc.Text() == daemon.ReportCatching && !caught {
				close(catching)
				caught = true
				continue
			}
			sv.reloads.reports <- sc.Text()
		}
	}()
	return w, catching, nil
}

// reportsReloads says whether the daemon reports its reloads itself.
func (sv *Supervisor) reportsReloads() bool { return sv.c.Path == "" && sv.c.Reload != nil }

// reloaded records a reload seen through, failed when why is not "".
func (sv *Supervisor) reloaded(why string) {
	sv.state.Reloads++
	sv.state.ReloadError = why
	runstate.Write(sv.c.StateFile(), &sv.state)
}
