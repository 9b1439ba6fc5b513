package lsb

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/runstate"
)

// A reload's result travels back to the reload action: a Go daemon with a
// Reload func writes one line per reload ("ok" or "error: MESSAGE") on a
// pipe its supervisor gave it; the supervisor counts every reload it has
// seen through in the sidecar (Reloads, ReloadError); the reload action
// waits for the count to move and exits 1 with the message on failure.
// For any other daemon a reload is through once the signal is forwarded.
const reportEnv = "_LSBINIT_RELOAD_REPORT"

// addReport gives a Go daemon with a Reload func the write end of its
// report pipe, and returns it for the caller to close once the command
// has started. The supervisor reads the other end into sv.reports.
func (sv *supervisor) addReport(cmd *exec.Cmd) (*os.File, error) {
	if !sv.reportsReloads() {
		return nil, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	passFile(cmd, reportEnv, w)
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
func (sv *supervisor) reportsReloads() bool { return sv.c.Path == "" && sv.c.Reload != nil }

// reloaded records a reload seen through, failed when why is not "".
func (sv *supervisor) reloaded(why string) {
	sv.state.Reloads++
	sv.state.ReloadError = why
	runstate.Write(sv.c.stateFile(), &sv.state)
}

// reloadReport parses one report line into reloaded's argument.
func reloadReport(line string) string {
	if why, ok := strings.CutPrefix(line, "error: "); ok {
		return why
	}
	return ""
}

// reportReload, in the Go daemon, sends a reload's result to the
// supervisor; report is nil when there is none to send it to.
func reportReload(report *os.File, err error) {
	if report == nil {
		return
	}
	line := "ok\n"
	if err != nil {
		line = "error: " + strings.Join(strings.Fields(err.Error()), " ") + "\n"
	}
	report.WriteString(line)
}

// openReport opens, in the Go daemon, the report pipe its supervisor gave it.
func openReport() *os.File {
	f, _ := inheritedFile(reportEnv, "reload report")
	return f
}

// awaitReload waits until the supervisor has seen through a reload after
// the before'th, and returns its failure, if any.
func (r *runner) awaitReload(before int, supervisor int, start uint64) error {
	c := r.c
	deadline := time.Now().Add(c.StartTimeout)
	for time.Now().Before(deadline) {
		st, err := runstate.Read(c.stateFile())
		switch {
		case err == nil && st.Reloads > before && st.ReloadError != "":
			return fail(ExitFailed, "%s: reload failed: %s", c.Name, st.ReloadError)
		case err == nil && st.Reloads > before:
			return nil
		case err != nil || !sameProcess(supervisor, start, true):
			return nil // stopped meanwhile: nothing more to learn
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fail(ExitFailed, "%s: the reload signal was sent, but no result came within START_TIMEOUT=%v", c.Name, c.StartTimeout)
}
