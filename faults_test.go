package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/scripttest"
)

// The promise (docs/how-it-works.md, "When an lsbinit process is
// killed"): faults are survived: any lsbinit process killed at any moment,
// afterwards status tells the truth, stop stops the daemon, start starts
// exactly one.
//
// Each case kills one process with SIGKILL at one phase: the invoking
// start or stop, or the resident supervisor while starting, running or
// stopping. The daemon survives its supervisor. Afterwards status must
// name the state truthfully, stop must leave no process and no file, and
// start must start exactly one daemon, through the binary and the library.
func TestFaults(t *testing.T) {
	for _, mode := range []string{"generic", "library"} {
		for _, fc := range faultCases {
			t.Run(mode+"/"+fc.name, func(t *testing.T) {
				t.Parallel()
				dir := testDir(t)
				cmd := faultCmd(t, dir, mode, fc.slowStart, fc.slowStop)
				fc.fault(t, dir, cmd)
				afterFault(t, dir, cmd)
			})
		}
	}
}

// faultCmd is the service command for a fault case: readiness that takes
// a second when slowStart, a daemon that ignores SIGTERM for a stop
// schedule of TERM/2/KILL/5 when slowStop.
func faultCmd(t *testing.T, dir, mode string, slowStart, slowStop bool) []string {
	ready, sched, args := "exec", "TERM/5/KILL/2", ""
	if slowStart {
		ready = "delay:1s"
	}
	if slowStop {
		sched, args = "TERM/2/KILL/5", "-ignore-term"
	}
	if mode == "library" {
		cmd := libraryCmd(dir)
		cmd = append(cmd[:1:1], append([]string{"-ready", ready, "-stop-schedule", sched}, cmd[1:]...)...)
		if args != "" {
			cmd = append(cmd[:1:1], append([]string{args}, cmd[1:]...)...)
		}
		return cmd
	}
	return confCmd(t, dir, "svc.pid", "-every 100ms "+args, "READY="+ready, "STOP_SCHEDULE="+sched)
}

type faultCase struct {
	name                string
	slowStart, slowStop bool
	fault               func(t *testing.T, dir string, cmd []string)
}

var faultCases = []faultCase{
	{"start-client-while-starting", true, false, func(t *testing.T, dir string, cmd []string) {
		c := startBackground(t, dir, with(cmd, "start"), nil)
		waitPhase(t, dir, "starting")
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		// The supervisor goes on and the daemon becomes ready.
		if r := run(dir, with(cmd, "start")...); r.code != 0 {
			t.Fatalf("start after its caller was killed: %s", r)
		}
		checkOneDaemon(t, dir, "after the first start's caller was killed")
	}},
	{"supervisor-while-starting", true, false, func(t *testing.T, dir string, cmd []string) {
		c := startBackground(t, dir, with(cmd, "start"), nil)
		st := waitPhase(t, dir, "starting")
		syscall.Kill(st["supervisor"], syscall.SIGKILL)
		if err := c.Wait(); err == nil {
			t.Errorf("start succeeded although its supervisor was killed")
		}
	}},
	{"supervisor-while-running", false, false, func(t *testing.T, dir string, cmd []string) {
		st := mustStart(t, dir, cmd)
		syscall.Kill(st["supervisor"], syscall.SIGKILL)
		waitGone(t, st["supervisor"])
		// The daemon outlives its supervisor, but its next log line goes
		// to a pipe nobody reads: a C daemon gets EPIPE (SIGPIPE is
		// ignored), a Go one that prints dies of it (the Go runtime's
		// rule for fd 1 and 2). The test daemon prints every 100 ms.
		time.Sleep(500 * time.Millisecond)
		before := scripttest.Alive(st["daemon"])
		r := run(dir, with(cmd, "status")...)
		after := scripttest.Alive(st["daemon"])
		switch {
		case before && after && (r.code != 0 || !strings.Contains(r.stdout, "without its supervisor")):
			t.Errorf("status of a daemon whose supervisor was killed: %s", r)
		case !before && r.code != 1:
			t.Errorf("status of a daemon that died after its supervisor: %s, want 1", r)
		}
		if r := run(dir, with(cmd, "start")...); r.code != 0 {
			t.Errorf("start: %s", r)
		}
		checkOneDaemon(t, dir, "after start")
	}},
	{"supervisor-while-stopping", false, true, func(t *testing.T, dir string, cmd []string) {
		st := mustStart(t, dir, cmd)
		c := startBackground(t, dir, with(cmd, "stop"), nil)
		waitPhase(t, dir, "stopping")
		syscall.Kill(st["supervisor"], syscall.SIGKILL)
		// stop carries on with the daemon itself.
		if err := c.Wait(); err != nil {
			t.Errorf("stop whose supervisor was killed: %v", err)
		}
		if got := scripttest.Daemons(dir); len(got) != 0 {
			t.Errorf("daemons %v alive after stop", got)
		}
	}},
	{"stop-client-while-stopping", false, true, func(t *testing.T, dir string, cmd []string) {
		if r := run(dir, with(cmd, "start")...); r.code != 0 {
			t.Fatalf("start: %s", r)
		}
		c := startBackground(t, dir, with(cmd, "stop"), nil)
		waitPhase(t, dir, "stopping")
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		if r := run(dir, with(cmd, "status")...); r.code != 0 || !strings.Contains(r.stdout, "is stopping") {
			t.Errorf("status while the supervisor stops the daemon: %s", r)
		}
		// start waits for the stop under way, then starts afresh.
		if r := run(dir, with(cmd, "start")...); r.code != 0 || strings.Contains(r.stdout, "already running") {
			t.Fatalf("start during an orphaned stop: %s", r)
		}
		checkOneDaemon(t, dir, "after start followed an orphaned stop")
	}},
	{"daemon", false, false, func(t *testing.T, dir string, cmd []string) {
		st := mustStart(t, dir, cmd)
		syscall.Kill(st["daemon"], syscall.SIGKILL)
		waitPhase(t, dir, "exited")
		if r := run(dir, with(cmd, "status")...); r.code != 1 {
			t.Errorf("status after the daemon was killed: %s, want 1", r)
		}
	}},
}

// mustStart starts the service and returns its sidecar once it is ready.
func mustStart(t *testing.T, dir string, cmd []string) map[string]int {
	t.Helper()
	if r := run(dir, with(cmd, "start")...); r.code != 0 {
		t.Fatalf("start: %s", r)
	}
	st := waitPhase(t, dir, "ready")
	// READY=exec's bound proves the daemon alive, not how far a loaded
	// machine has run it: a fault case that signals it (-ignore-term)
	// must wait until its body has begun and handles its signals.
	for deadline := time.Now().Add(10 * time.Second); !scripttest.RunsDaemonBody(st["daemon"]); time.Sleep(10 * time.Millisecond) {
		if !scripttest.Alive(st["daemon"]) || time.Now().After(deadline) {
			t.Fatalf("daemon %d did not begin its body", st["daemon"])
		}
	}
	return st
}

// afterFault checks what must hold after any fault: stop leaves no
// process and no file, status then says 3, and start starts exactly one.
func afterFault(t *testing.T, dir string, cmd []string) {
	t.Helper()
	if r := run(dir, with(cmd, "stop")...); r.code != 0 {
		t.Fatalf("stop after the fault: %s", r)
	}
	if got := scripttest.Daemons(dir); len(got) != 0 {
		t.Fatalf("daemons %v alive after stop", got)
	}
	for _, f := range []string{"svc.pid", "svc.pid.lsbinit", "svc.pid.lsbinit.lock"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s left after stop", f)
		}
	}
	if r := run(dir, with(cmd, "status")...); r.code != 3 {
		t.Errorf("status after stop: %s, want 3", r)
	}
	if r := run(dir, with(cmd, "start")...); r.code != 0 {
		t.Fatalf("start after the fault: %s", r)
	}
	checkOneDaemon(t, dir, "after the fault and a fresh start")
	stopAndCheck(t, dir, cmd)
}

// startBackground starts args in dir; its stderr goes to stderr, if not nil.
func startBackground(t *testing.T, dir string, args []string, stderr io.Writer) *exec.Cmd {
	t.Helper()
	c := exec.Command(args[0], args[1:]...)
	c.Dir = dir
	c.Stderr = stderr
	c.Env = append(os.Environ(), "WORK="+dir)
	c.WaitDelay = 10 * time.Second
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	return c
}

// waitPhase waits until the sidecar says phase, and returns its numbers.
func waitPhase(t *testing.T, dir, phase string) map[string]int {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if st, p := readSidecar(filepath.Join(dir, "svc.pid.lsbinit")); p == phase && st["supervisor"] > 1 && (st["daemon"] > 1 || phase == "exited") {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the sidecar never said phase=%s", phase)
	return nil
}

func readSidecar(path string) (map[string]int, string) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ""
	}
	defer f.Close()
	st, phase := map[string]int{}, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		if k == "phase" {
			phase = v
		}
		st[k], _ = strconv.Atoi(v)
	}
	return st, phase
}

// waitLogged waits until the log at path holds what, and returns it.
func waitLogged(t *testing.T, path, what string) string {
	t.Helper()
	var b []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, _ = os.ReadFile(path); strings.Contains(string(b), what) {
			return string(b)
		}
	}
	t.Fatalf("%s never said %q:\n%s", path, what, b)
	return ""
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
	}
	t.Fatalf("pid %d did not exit", pid)
}

// The promise (docs/how-it-works.md, "When files under a running
// service are removed or changed"): afterwards status tells the truth. The supervisor owns the pidfile and the
// sidecar, and puts them back when people or tools remove, replace or
// change them; start never starts a second daemon meanwhile.
//
// It is longer than a screen: a table of the ways a file is touched.
func TestFilesRepaired(t *testing.T) {
	edits := map[string]func(dir string){
		"rm-pidfile": func(dir string) { os.Remove(filepath.Join(dir, "run", "svc.pid")) },
		"rm-all": func(dir string) {
			os.Remove(filepath.Join(dir, "run", "svc.pid"))
			os.Remove(filepath.Join(dir, "run", "svc.pid.lsbinit"))
		},
		"rm-sidecar":      func(dir string) { os.Remove(filepath.Join(dir, "run", "svc.pid.lsbinit")) },
		"garbage-pidfile": func(dir string) { os.WriteFile(filepath.Join(dir, "run", "svc.pid"), []byte("1\n"), 0o644) },
		"garbage-sidecar": func(dir string) {
			os.WriteFile(filepath.Join(dir, "run", "svc.pid.lsbinit"), []byte("phase=exited\n"), 0o644)
		},
		"new-pidfile": func(dir string) {
			os.Remove(filepath.Join(dir, "run", "svc.pid"))
			os.WriteFile(filepath.Join(dir, "run", "svc.pid"), []byte("12345\n"), 0o644)
		},
		"held-pidfile": func(dir string) {
			// Replaced by a file that a slow reader holds (a shared lock)
			// for a second: the repair fails at first, and no change comes
			// when the lock goes (a reader's close is none a watch sees),
			// so the repair must be tried again.
			pid := filepath.Join(dir, "run", "svc.pid")
			os.WriteFile(pid+".new", []byte("12345\n"), 0o644)
			f, err := os.Open(pid + ".new")
			if err != nil {
				panic(err)
			}
			syscall.Flock(int(f.Fd()), syscall.LOCK_SH)
			os.Rename(pid+".new", pid)
			time.AfterFunc(time.Second, func() { f.Close() })
		},
		"chmod-pidfile": func(dir string) { os.Chmod(filepath.Join(dir, "run", "svc.pid"), 0o666) },
		"rm-directory":  func(dir string) { os.RemoveAll(filepath.Join(dir, "run")) },
		"symlink-pidfile": func(dir string) {
			os.Remove(filepath.Join(dir, "run", "svc.pid"))
			os.Symlink("/etc/passwd", filepath.Join(dir, "run", "svc.pid"))
		},
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := testDir(t)
			cmd := confCmd(t, dir, "run/svc.pid", "-every 100ms")
			if r := run(dir, with(cmd, "start")...); r.code != 0 {
				t.Fatalf("start: %s", r)
			}
			st := waitPhase(t, filepath.Join(dir, "run"), "ready")
			edit(dir)
			want := fmt.Sprintf("svc is running (pid %d)\n", st["daemon"])
			var r result
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if r = run(dir, with(cmd, "status")...); r.code == 0 && r.stdout == want {
					break
				}
			}
			if r.code != 0 || r.stdout != want {
				t.Fatalf("status never recovered: %s", r)
			}
			if name == "held-pidfile" {
				// One line when the repair first fails and one when it is
				// done, not one for each try.
				logged := waitLogged(t, filepath.Join(dir, "svc.log"), "lsbinit: restored ")
				if n := strings.Count(logged, "lsbinit: cannot restore "); n != 1 {
					t.Errorf("%d lines say a repair failed, want 1:\n%s", n, logged)
				}
			}
			if info, err := os.Stat(filepath.Join(dir, "run", "svc.pid")); err != nil || info.Mode().Perm() != 0o644 {
				t.Errorf("pidfile after repair: %v %v", info, err)
			}
			if r := run(dir, with(cmd, "start")...); r.code != 0 || !strings.Contains(r.stdout, "already running") {
				t.Errorf("start after repair: %s", r)
			}
			if pid, err := scripttest.ReadPidFile(filepath.Join(dir, "run", "svc.pid")); err != nil || pid != st["daemon"] {
				t.Errorf("pidfile after repair: %d, %v; want %d", pid, err, st["daemon"])
			}
			if got := scripttest.Daemons(dir); len(got) != 1 {
				t.Errorf("daemons after the repair: %v, want one", got)
			}
			if r := run(dir, with(cmd, "stop")...); r.code != 0 || len(scripttest.Daemons(dir)) != 0 {
				t.Errorf("stop after repair: %s", r)
			}
		})
	}
}

// start exits 1 when the daemon died before READY (README, "Actions and
// exit codes"). With every
// kind of readiness, a daemon that exits at once fails start as soon as
// it exits, not after START_TIMEOUT (here two minutes), with its last
// line, leaving no pidfile.
func TestEarlyDeathEveryReady(t *testing.T) {
	for _, ready := range []string{"exec", "notify", "tcp:127.0.0.1:1", "file:READYFILE", "delay:90s"} {
		t.Run(strings.SplitN(ready, ":", 2)[0], func(t *testing.T) {
			t.Parallel()
			dir := testDir(t)
			ready = strings.ReplaceAll(ready, "READYFILE", filepath.Join(dir, "ready"))
			cmd := confCmd(t, dir, "svc.pid", "-exit 3 -msg dying-on-purpose", "READY="+ready, "START_TIMEOUT=120s")
			began := time.Now()
			r := run(dir, with(cmd, "start")...)
			if took := time.Since(began); took > time.Minute {
				t.Errorf("start took %v: it waited for START_TIMEOUT", took)
			}
			if r.code != 1 || !strings.Contains(r.stderr, "dying-on-purpose") {
				t.Errorf("start: %s, want exit 1 with the daemon's last line", r)
			}
			if _, err := os.Stat(filepath.Join(dir, "svc.pid")); err == nil {
				t.Error("pidfile left behind")
			}
		})
	}
}

// A stop while a start still waits for readiness (here one that never
// comes, with START_TIMEOUT two minutes): stop exits 0 once it has cut
// the start short, the start exits 1 saying so, and nothing is left.
func TestStopCutsStartShort(t *testing.T) {
	for _, mode := range []string{"generic", "library"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			dir := testDir(t)
			var cmd []string
			if mode == "library" {
				cmd = append([]string{"lsbdaemon", "-ready", "tcp:127.0.0.1:1", "-start-timeout", "2m"}, libraryCmd(dir)[1:]...)
			} else {
				cmd = confCmd(t, dir, "svc.pid", "-every 100ms", "READY=tcp:127.0.0.1:1", "START_TIMEOUT=2m")
			}
			began := time.Now()
			var stderr strings.Builder
			c := startBackground(t, dir, with(cmd, "start"), &stderr)
			waitPhase(t, dir, "starting")
			if r := run(dir, with(cmd, "stop")...); r.code != 0 {
				t.Errorf("stop during the start: %s", r)
			}
			err := c.Wait()
			if took := time.Since(began); took > time.Minute {
				t.Errorf("start returned after %v: it waited for START_TIMEOUT", took)
			}
			if err == nil || !strings.Contains(stderr.String(), "stopped while starting") {
				t.Errorf("the start that was cut short: %v, stderr:\n%s", err, stderr.String())
			}
			checkConsistent(t, dir, cmd, "after a stop cut a start short")
		})
	}
}
