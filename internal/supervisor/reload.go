package supervisor

import (
	"bufio"
	"os"
	"os/exec"
	"strings"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/runstate"
)

// A reload's result travels back to the reload action: a Go daemon with a
// Reload func writes one line per reload ("ok" or "error: MESSAGE") on a
// pipe its supervisor gave it; the supervisor counts every reload it has
// seen through in the sidecar (Reloads, ReloadError); the reload action
// waits for the count to move and exits 1 with the message on failure.
// For any other daemon a reload is through once the signal is forwarded.

// addReport gives a Go daemon with a Reload func the write end of its
// report pipe, and returns it for the caller to close once the command
// has started. The supervisor reads the other end into sv.reports.
func (sv *Supervisor) addReport(cmd *exec.Cmd) (*os.File, error) {
	if !sv.reportsReloads() {
		return nil, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	daemon.PassFile(cmd, daemon.ReportEnv, w)
	go func() {
		defer r.Close()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			sv.reports <- sc.Text()
		}
	}()
	return w, nil
}

// reportsReloads says whether the daemon reports its reloads itself.
func (sv *Supervisor) reportsReloads() bool { return sv.c.Path == "" && sv.c.Reload != nil }

// reloaded records a reload seen through, failed when why is not "".
func (sv *Supervisor) reloaded(why string) {
	sv.state.Reloads++
	sv.state.ReloadError = why
	runstate.Write(sv.c.StateFile(), &sv.state)
}

// reloadReport parses one report line into reloaded's argument.
func reloadReport(line string) string {
	if why, ok := strings.CutPrefix(line, "error: "); ok {
		return why
	}
	return ""
}
