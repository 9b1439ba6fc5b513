package initd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initsys"
)

// runsvDir returns the service directory of name when runit runs the
// machine and the service is enabled (linked into runsvdir's directory),
// else "". runsvdir looks at its directory every five seconds: a service
// enabled just now gets its runsv within that time, which runsvDir waits
// for (sv cannot act on the service before it; a local start would race
// runsv's).
func runsvDir(name string) string {
	if !initsys.RunitRunning() {
		return ""
	}
	for _, d := range initsys.RunitServiceDirs {
		dir := filepath.Join(d, name)
		if _, err := os.Stat(filepath.Join(dir, "run")); err != nil {
			continue
		}
		for deadline := time.Now().Add(runsvdirScan); !initsys.RunsvUp(dir); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				return ""
			}
		}
		return dir
	}
	return ""
}

// runsvdirScan bounds the wait for a runsv: runsvdir's five-second scan
// and a margin.
const runsvdirScan = 7 * time.Second

// svPath is sv's path.
func svPath() string {
	for _, p := range []string{"/usr/bin/sv", "/bin/sv", "/usr/sbin/sv", "/sbin/sv"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "sv"
}

// runsvState is the first word of supervise/stat: "run", "down" or
// "finish".
func runsvState(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "supervise", "stat"))
	if err != nil {
		return ""
	}
	word, _, _ := strings.Cut(strings.TrimSpace(string(data)), ",")
	return strings.TrimSpace(word)
}

// byRunit carries out start, stop, restart and try-restart through sv,
// since runsv runs `lsbinit NAME run` and restarts it when it ends: a
// daemon stopped behind its back would be started again. sv waits for
// the change up to the service's budget; start and restart then wait, as
// a local start does, until the daemon is READY or run has given up.
func (r *runner) byRunit(action, dir string) exitcode.Code {
	c := r.c
	verb, what := verbOf(action, c.Desc)
	if action == "try-restart" || action == "condrestart" || action == "force-reload" {
		if runsvState(dir) != "run" {
			if action == "force-reload" {
				r.p.done(fmt.Sprintf("Restarting %s (via sv): %s", c.Desc, c.Name), false)
				fmt.Fprintf(c.Stderr, "%s is not running\n", c.Name)
				return exitcode.NotRunning
			}
			r.p.done(fmt.Sprintf("Restarting %s if running (via sv): %s (not running)", c.Desc, c.Name), true)
			return exitcode.OK
		}
		action, verb, what = "restart", "Restarting", c.Desc
	}
	if action == "restart" && c.KeepsSupervisor() && runsvState(dir) == "run" {
		// run keeps the sockets (LISTEN) and replaces the daemon in
		// place, as asked through its control socket: runsv sees nothing.
		if done, err := r.restartInPlaceLocked(); done {
			return r.report("Restarting", c.Desc, "", err)
		}
	}
	msg := fmt.Sprintf("%s %s (via sv): %s", verb, what, c.Name)
	// restart is sv stop, then sv start: sv restart returns before the
	// old run has seen its TERM, and a wait for READY would then see the
	// old daemon.
	var out []byte
	var err error
	if action != "start" {
		out, err = r.sv("stop", dir)
	}
	if err == nil && action != "stop" {
		out, err = r.sv("start", dir)
		if err == nil {
			err = r.awaitReady(dir, time.Now().Add(c.StartBudget()))
		}
	}
	r.p.done(msg, err == nil)
	if err != nil {
		if len(out) > 0 {
			c.Stderr.Write(out)
		}
		fmt.Fprintf(c.Stderr, "%s: %v\n", c.Name, err)
		return exitcode.Failed
	}
	return exitcode.OK
}

// sv runs sv -w SECONDS ACTION DIR, waiting as long as the service's
// start or stop may take.
func (r *runner) sv(action, dir string) ([]byte, error) {
	budget := r.c.StartBudget()
	if action == "stop" {
		d, forever := r.c.StopBudget()
		budget = d
		if forever {
			budget = 24 * time.Hour
		}
	}
	wait := strconv.Itoa(int(budget.Seconds()) + 1)
	return exec.Command(svPath(), "-w", wait, action, dir).CombinedOutput()
}

// awaitReady waits until the daemon that runsv's run started is READY,
// run gave up on it (runsv no longer runs it, or it stays stopped), or
// deadline passes.
func (r *runner) awaitReady(dir string, deadline time.Time) error {
	seen := false
	for time.Now().Before(deadline) {
		in := r.c.probe()
		switch {
		case in.kind == kRunning && !in.stopping():
			return nil
		case in.kind == kStarting || in.kind == kRunning:
			seen = true
		case seen || runsvState(dir) != "run":
			return fmt.Errorf("run ended before the daemon was ready (sv status %s)", dir)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("not ready within %s", r.c.StartBudget())
}

// restartInPlaceLocked is restart's in-place replacement of the daemon,
// under the action lock; done is false when it cannot be done in place.
func (r *runner) restartInPlaceLocked() (done bool, err error) {
	l, err := r.lockActions("restart")
	if err != nil {
		return true, err
	}
	if l != nil {
		r.lock = l
		defer l.Release()
	}
	defer r.followRecord()
	if err := r.c.preflight(); err != nil {
		return true, err
	}
	if err := r.checkConfig(); err != nil {
		return true, err
	}
	return r.restartInPlace()
}
