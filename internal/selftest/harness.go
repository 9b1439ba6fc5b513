package selftest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
)

// Deadlines of the waits. They bound a wait, they are not its length: every
// wait polls its condition every pollEvery and returns as soon as it holds.
const (
	commandLimit = 30 * time.Second       // one lsbinit invocation
	settleLimit  = 5 * time.Second        // a daemon starting or exiting
	pollEvery    = 5 * time.Millisecond   // how often waits look again
	absentFor    = 200 * time.Millisecond // how long "nothing happens" is watched
)

// suite is one selftest run: the binary under test, the scratch directory
// and every process the selftest started itself.
type suite struct {
	ctx     context.Context // cancelled when the selftest is interrupted
	exe     string          // the lsbinit binary (this program)
	root    string          // scratch directory, removed at the end unless -keep
	verbose bool

	mu       sync.Mutex
	children []*exec.Cmd // processes started directly, not through lsbinit
}

// rowCtx is the state of one row: its own directory under the scratch
// directory, with its config, pidfile and log.
type rowCtx struct {
	s                                *suite
	dir, conf, pidfile, logfile, hup string
	got                              []string // exit codes of the actions under test
	transcript                       strings.Builder
}

// newRow makes the row's directory (mode 0700) and names its files.
func (s *suite) newRow(i int) (*rowCtx, error) {
	dir := filepath.Join(s.root, fmt.Sprintf("row%02d", i))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	return &rowCtx{s: s, dir: dir, conf: filepath.Join(dir, "svc.conf"),
		pidfile: filepath.Join(dir, "svc.pid"), logfile: filepath.Join(dir, "svc.log"),
		hup: filepath.Join(dir, "hup")}, nil
}

// config writes the row's svc.conf: the built-in daemon with daemonArgs
// added to its arguments, the row's pidfile and log, a fast stop schedule,
// then the extra lines (which override earlier keys).
func (r *rowCtx) config(daemonArgs string, extra ...string) error {
	lines := []string{
		"# lsbinit selftest",
		"DAEMON=" + quote(r.s.exe),
		"DAEMON_ARGS=" + quote(words(append([]string{"selftest", "daemon", "-dir", r.dir, "-hup", r.hup},
			strings.Fields(daemonArgs)...))),
		"PIDFILE=" + quote(r.pidfile),
		"LOGFILE=" + quote(r.logfile),
		"STOP_SCHEDULE=TERM/5/KILL/2",
	}
	lines = append(lines, extra...)
	return r.writeConf(strings.Join(lines, "\n") + "\n")
}

// writeConf writes text as the row's config file, readable by its owner
// only (as root, lsbinit refuses a config that others may write).
func (r *rowCtx) writeConf(text string) error {
	return os.WriteFile(r.conf, []byte(text), 0o600)
}

// words quotes each of args and joins them: DAEMON_ARGS is split into
// words again, so a scratch directory with spaces stays one word.
func words(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = quote(a)
	}
	return strings.Join(quoted, " ")
}

// quote single-quotes s for the config file's shell-variable format.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// lsbinit runs `lsbinit -c CONF ARGS...` and returns its exit code, or -1
// with an error when it could not be run or did not finish in time.
func (r *rowCtx) lsbinit(args ...string) (int, error) {
	ctx, cancel := context.WithTimeout(r.s.ctx, commandLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.s.exe, append([]string{"-c", r.conf}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// A daemon that kept lsbinit's stdout open would make Wait hang.
	cmd.WaitDelay = 2 * time.Second
	start := time.Now()
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	fmt.Fprintf(&r.transcript, "$ lsbinit -c %s %s  # exit %d, %v\n", r.conf, strings.Join(args, " "),
		code, time.Since(start).Round(time.Millisecond))
	r.transcript.Write(out.Bytes())
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) || ctx.Err() != nil {
		return -1, fmt.Errorf("lsbinit %s: %v (output: %q)", strings.Join(args, " "), err, out.String())
	}
	return code, nil
}

// setup runs an action that prepares the row; it must exit with want.
func (r *rowCtx) setup(want int, args ...string) error {
	code, err := r.lsbinit(args...)
	if err != nil {
		return err
	}
	if code != want {
		return fmt.Errorf("setup step %q exited %d, want %d", strings.Join(args, " "), code, want)
	}
	return nil
}

// check runs the action under test and records its exit code; it must be
// want.
func (r *rowCtx) check(want int, args ...string) error {
	code, err := r.lsbinit(args...)
	if err != nil {
		r.got = append(r.got, "?")
		return err
	}
	r.got = append(r.got, strconv.Itoa(code))
	if code != want {
		return fmt.Errorf("%q exited %d, want %d", strings.Join(args, " "), code, want)
	}
	return nil
}

// waitUntil polls cond every pollEvery until it holds or limit passes.
func waitUntil(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollEvery)
	}
}

// readPid reads a pidfile that must hold exactly a PID and a newline.
func readPid(file string) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	s, ok := strings.CutSuffix(string(data), "\n")
	pid, err := strconv.Atoi(s)
	if !ok || err != nil || pid < 2 || strings.ContainsAny(s, "+- \n") {
		return 0, fmt.Errorf("pidfile %s holds %q, not a PID and a newline", file, data)
	}
	return pid, nil
}

// registered returns the PIDs the row's daemons announced, in order.
func (r *rowCtx) registered() []int {
	data, _ := os.ReadFile(filepath.Join(r.dir, registryName))
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
			pids = append(pids, pid)
		}
	}
	return pids
}

// liveDaemons returns the row's daemons that are running now.
func (r *rowCtx) liveDaemons() []int {
	var live []int
	for _, pid := range r.registered() {
		if proc.Running(pid) {
			live = append(live, pid)
		}
	}
	return live
}

// running checks that the pidfile names the row's one running daemon and
// returns its PID.
func (r *rowCtx) running() (int, error) {
	pid, err := readPid(r.pidfile)
	if err != nil {
		return 0, err
	}
	// The daemon announces itself just after exec; give it a moment.
	waitUntil(settleLimit, func() bool { return contains(r.registered(), pid) })
	if !contains(r.registered(), pid) {
		return 0, fmt.Errorf("pidfile names %d, which is not a selftest daemon (daemons: %v)", pid, r.registered())
	}
	if !proc.Running(pid) {
		return 0, fmt.Errorf("daemon %d named by the pidfile is not running", pid)
	}
	if live := r.liveDaemons(); len(live) != 1 {
		return 0, fmt.Errorf("%d daemons running (%v), want 1", len(live), live)
	}
	return pid, nil
}

// stopped checks that no daemon of the row runs and that pidfile is gone.
func (r *rowCtx) stopped() error {
	if !waitUntil(settleLimit, func() bool { return len(r.liveDaemons()) == 0 }) {
		return fmt.Errorf("daemons still running: %v", r.liveDaemons())
	}
	if _, err := os.Lstat(r.pidfile); err == nil {
		return fmt.Errorf("pidfile %s was left behind", r.pidfile)
	}
	return nil
}

// gone waits until pid has exited.
func gone(pid int) error {
	if !waitUntil(settleLimit, func() bool { return !proc.Running(pid) }) {
		return fmt.Errorf("process %d is still running", pid)
	}
	return nil
}

// contains reports whether pids holds pid.
func contains(pids []int, pid int) bool {
	for _, p := range pids {
		if p == pid {
			return true
		}
	}
	return false
}

// spawn starts the binary directly (not through lsbinit) with args and
// tracks it, so that cleanup kills and reaps it whatever happens.
func (s *suite) spawn(args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(s.exe, args...)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.children = append(s.children, cmd)
	s.mu.Unlock()
	return cmd, nil
}

// deadPid returns the PID of a process that has exited and been reaped.
func (s *suite) deadPid() (int, error) {
	cmd := exec.Command(s.exe, "selftest", "daemon", "-exit", "0")
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	cmd.Wait()
	return pid, nil
}
