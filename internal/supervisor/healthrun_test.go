package supervisor

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// The ways a health check runs, against real processes. This test
// process is no subreaper: the command's exit comes from os/exec, as
// where there is no reaper (reap_other.go); a whole supervisor, reaper
// and all, runs them in supervisor_test.go.

// runHealthCommand runs the HEALTH_CMD argv of a service in dir as the
// supervisor does, with timeout, and returns what it found.
func runHealthCommand(t *testing.T, dir string, timeout time.Duration, argv ...string) healthResult {
	t.Helper()
	c := &spec.Spec{Name: "svc", Path: "/bin/true", HealthCommand: argv, HealthTimeout: timeout, Dir: dir}
	sv := &Supervisor{c: c}
	cmd, err := healthCommand(c)
	if err != nil {
		t.Fatal(err)
	}
	out, err := sv.startCaptured(cmd)
	if err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	return awaitHealthCommand(context.Background(), cmd.Process.Pid, exited, out, timeout)
}

// TestHealthCommandPasses checks that exit 0 passes, with the output
// trimmed, run in the daemon's directory.
func TestHealthCommandPasses(t *testing.T) {
	dir := t.TempDir()
	res := runHealthCommand(t, dir, testTimeout, "/bin/sh", "-c", "echo; pwd; echo")
	if !res.ok || res.output != dir {
		t.Errorf("got %+v, want a pass saying %q", res, dir)
	}
}

// TestHealthCommandFails checks that a non-zero exit fails with how it
// ended and the end of what it wrote, the last healthOutputKept bytes.
func TestHealthCommandFails(t *testing.T) {
	res := runHealthCommand(t, t.TempDir(), testTimeout, "/bin/sh", "-c",
		"i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done; echo refused >&2; exit 3")
	if res.ok || !strings.HasPrefix(res.output, "exited with status 3: ") || !strings.HasSuffix(res.output, "line 299\nrefused") {
		t.Errorf("got %+v", res)
	}
	if n := len(strings.TrimPrefix(res.output, "exited with status 3: ")); n > healthOutputKept {
		t.Errorf("kept %d bytes of output, over %d", n, healthOutputKept)
	}
}

// TestHealthCommandTimeout checks that a check past its timeout fails,
// and that its process group is killed: the check and what it started.
func TestHealthCommandTimeout(t *testing.T) {
	dir := t.TempDir()
	res := runHealthCommand(t, dir, 200*time.Millisecond, "/bin/sh", "-c",
		"sleep 30 & echo $! > bg; echo $$ > fg; echo started; wait")
	if res.ok || res.output != "timed out after 200ms: started" {
		t.Errorf("got %+v", res)
	}
	for _, name := range []string{"fg", "bg"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
		waitFor(t, name+" process "+strconv.Itoa(pid)+" dead", func() bool {
			return !proc.Running(pid)
		})
	}
}

// TestHealthCommandCannotRun checks that a HEALTH_CMD that cannot start
// fails the check, saying why.
func TestHealthCommandCannotRun(t *testing.T) {
	c := &spec.Spec{Name: "svc", HealthCommand: []string{"/nonexistent/check"}, HealthTimeout: time.Second, Dir: "/"}
	sv := &Supervisor{c: c}
	res := sv.startHealthCommand()(context.Background())
	if res.ok || !strings.Contains(res.output, "cannot run /nonexistent/check") {
		t.Errorf("got %+v", res)
	}
}

// goDaemon gives a Go daemon whose Health is check a health channel, and
// serves it as the daemon role does.
func goDaemon(t *testing.T, check func(context.Context) error) *healthConn {
	t.Helper()
	sv := &Supervisor{c: &spec.Spec{Name: "svc", Health: check}}
	theirs, hc, err := sv.addHealth(exec.Command("/bin/true"))
	if err != nil || hc == nil {
		t.Fatalf("addHealth: %v, %v", hc, err)
	}
	go daemon.ServeHealth(theirs, check)
	t.Cleanup(hc.close)
	return hc
}

// TestHealthGoDaemon checks that the daemon's Health answers each check,
// nil passing and an error failing with its text.
func TestHealthGoDaemon(t *testing.T) {
	var fail atomic.Pointer[error]
	hc := goDaemon(t, func(context.Context) error {
		if err := fail.Load(); err != nil {
			return *err
		}
		return nil
	})
	if res := hc.ask(testTimeout)(context.Background()); !res.ok {
		t.Errorf("a nil Health: %+v", res)
	}
	stuck := errors.New("queue\nstuck")
	fail.Store(&stuck)
	if res := hc.ask(testTimeout)(context.Background()); res.ok || res.output != "queue stuck" {
		t.Errorf("a failing Health: %+v", res)
	}
}

// TestHealthGoDaemonTimeout checks that a Health whose context is
// cancelled by the timeout fails as timed out, and that one that ignores
// it is given up on; its late answer is not taken for a later check's.
func TestHealthGoDaemonTimeout(t *testing.T) {
	release := make(chan struct{})
	calls := 0
	hc := goDaemon(t, func(ctx context.Context) error {
		calls++
		switch calls {
		case 1:
			<-ctx.Done()
			return ctx.Err()
		case 2:
			<-release // ignores its context
			return errors.New("late")
		}
		return nil
	})
	if res := hc.ask(100 * time.Millisecond)(context.Background()); res.ok || res.output != "timed out after 100ms" {
		t.Errorf("a Health that heeds its context: %+v", res)
	}
	if res := hc.ask(100 * time.Millisecond)(context.Background()); res.ok || !strings.Contains(res.output, "Health did not return") {
		t.Errorf("a Health that ignores it: %+v", res)
	}
	close(release)
	if res := hc.ask(testTimeout)(context.Background()); !res.ok {
		t.Errorf("the next check took the late answer: %+v", res)
	}
}

// TestHealthGoDaemonGone checks that a daemon that closed its channel
// fails the check at once.
func TestHealthGoDaemonGone(t *testing.T) {
	sv := &Supervisor{c: &spec.Spec{Name: "svc", Health: func(context.Context) error { return nil }}}
	theirs, hc, err := sv.addHealth(exec.Command("/bin/true"))
	if err != nil {
		t.Fatal(err)
	}
	defer hc.close()
	theirs.Close()
	if res := hc.ask(testTimeout)(context.Background()); res.ok {
		t.Errorf("a gone daemon passed: %+v", res)
	}
	var none *healthConn
	if res := none.ask(time.Second)(context.Background()); res.ok {
		t.Error("a daemon without a channel passed")
	}
}
