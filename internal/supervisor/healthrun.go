package supervisor

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/proc"
	"golang.org/x/sys/unix"
)

// The two ways a health check runs (see health.go): HEALTH_CMD, a process
// of the supervisor's, whose exit the reaper reports like any other
// child's; or a Go program's Health, which its daemon runs when asked
// over its health channel.

// healthOutputKept is how much of a HEALTH_CMD's output is kept: its end.
const healthOutputKept = 1024

// healthGrace is how long past HEALTH_TIMEOUT a Go daemon may take to
// answer that its Health timed out, before the supervisor gives up on it.
const healthGrace = time.Second

// startHealthCommand starts HEALTH_CMD, its output on a pipe, and returns
// the check that waits for it. A command that cannot start fails the
// check at once.
func (sv *Supervisor) startHealthCommand() func(ctx context.Context) healthResult {
	c := sv.c
	cmd, err := healthCommand(c)
	var out func(time.Duration) string
	if err == nil {
		out, err = sv.startCaptured(cmd)
	}
	if err != nil {
		why := fmt.Sprintf("cannot run %s: %v", c.HealthCommand[0], err)
		return func(context.Context) healthResult { return healthResult{output: why} }
	}
	pid, exited, timeout := cmd.Process.Pid, sv.track(cmd), c.HealthTimeout
	return func(ctx context.Context) healthResult {
		return awaitHealthCommand(ctx, pid, exited, out, timeout)
	}
}

// startCaptured starts cmd as the daemon is started (UMASK, NICE), its
// stdout and stderr on a pipe, and returns what reads its end (tailOf).
func (sv *Supervisor) startCaptured(cmd *exec.Cmd) (func(time.Duration) string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = w, w
	err = sv.startProcess(cmd)
	w.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	return tailOf(r, healthOutputKept), nil
}

// awaitHealthCommand waits for the check's process to exit, and kills its
// process group when it overruns timeout or ctx is cancelled (a stop, a
// restart). What it left in its group is killed too.
func awaitHealthCommand(ctx context.Context, pid int, exited <-chan error, out func(time.Duration) string, timeout time.Duration) healthResult {
	t := time.NewTimer(timeout)
	defer t.Stop()
	var why string
	select {
	case err := <-exited:
		if err != nil {
			why = proc.DescribeExit(err)
		}
	case <-t.C:
		why = fmt.Sprintf("timed out after %v", timeout)
		proc.SignalGroup(pid, unix.SIGKILL)
		<-exited
	case <-ctx.Done():
		why = "cancelled"
		proc.SignalGroup(pid, unix.SIGKILL)
		<-exited
	}
	// The group outlives its leader while a member lives, so its ID is
	// not reused meanwhile.
	proc.SignalGroup(pid, unix.SIGKILL)
	text := out(time.Second)
	switch {
	case why == "":
		return healthResult{ok: true, output: text}
	case text != "":
		why += ": " + text
	}
	return healthResult{output: why}
}

// tailOf reads r to its end on a goroutine of its own, keeping the last n
// bytes. The returned func waits up to d for that end (a process that
// left the group may hold the pipe open), closes r and returns what was
// kept, trimmed.
func tailOf(r *os.File, n int) func(d time.Duration) string {
	var mu sync.Mutex
	var kept []byte
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			k, err := r.Read(buf)
			mu.Lock()
			kept = append(kept, buf[:k]...)
			if len(kept) > n {
				kept = append(kept[:0], kept[len(kept)-n:]...)
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return func(d time.Duration) string {
		select {
		case <-done:
		case <-time.After(d):
		}
		r.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return strings.TrimSpace(strings.ToValidUTF8(string(kept), ""))
	}
}

// healthConn is the supervisor's end of a Go daemon's health channel.
type healthConn struct {
	f       *os.File
	answers chan string // the daemon's answer lines; closed at the end
	seq     int         // the last check asked for
}

// addHealth gives a Go daemon with a Health func its end of a health
// channel, and returns it for the caller to close once the command has
// started, with the supervisor's end (nil for any other daemon).
func (sv *Supervisor) addHealth(cmd *exec.Cmd) (*os.File, *healthConn, error) {
	if sv.c.Path != "" || sv.c.PidFileByDaemon || sv.c.Health == nil {
		return nil, nil, nil
	}
	ours, theirs, err := daemon.HealthPair()
	if err != nil {
		return nil, nil, err
	}
	daemon.PassFile(cmd, daemon.HealthEnv, theirs)
	hc := &healthConn{f: ours, answers: make(chan string, 8)}
	go func() {
		defer close(hc.answers)
		sc := bufio.NewScanner(ours)
		for sc.Scan() {
			select {
			case hc.answers <- sc.Text():
			default: // never: each check reads the answers before its own
			}
		}
	}()
	return theirs, hc, nil
}

// close closes the supervisor's end; hc may be nil.
func (hc *healthConn) close() {
	if hc != nil {
		hc.f.Close()
	}
}

// ask returns the check that asks the daemon to run its Health, and waits
// for the answer, at most timeout and healthGrace. Late answers to
// earlier checks are dropped.
func (hc *healthConn) ask(timeout time.Duration) func(ctx context.Context) healthResult {
	if hc == nil {
		return func(context.Context) healthResult { return healthResult{output: "the daemon has no health channel"} }
	}
	hc.seq++
	seq := hc.seq
	return func(ctx context.Context) healthResult {
		hc.f.SetWriteDeadline(time.Now().Add(timeout))
		if _, err := io.WriteString(hc.f, daemon.HealthRequest(seq, timeout)); err != nil {
			return healthResult{output: "cannot ask the daemon: " + err.Error()}
		}
		t := time.NewTimer(timeout + healthGrace)
		defer t.Stop()
		for {
			select {
			case line, open := <-hc.answers:
				if !open {
					return healthResult{output: "the daemon closed its health channel"}
				}
				if n, err, ok := daemon.ParseHealthAnswer(line); ok && n == seq {
					return goHealthResult(err)
				}
			case <-t.C:
				return healthResult{output: fmt.Sprintf("timed out after %v: Health did not return", timeout)}
			case <-ctx.Done():
				return healthResult{output: "cancelled"}
			}
		}
	}
}

// goHealthResult is the result of a Health that returned err.
func goHealthResult(err error) healthResult {
	switch {
	case err == nil:
		return healthResult{ok: true}
	case err.Error() == "":
		return healthResult{output: "Health failed"}
	}
	return healthResult{output: err.Error()}
}
