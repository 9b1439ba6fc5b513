// Package scripttest supports lsbinit's process-level tests: the custom
// commands of the testscript scripts (testdata/script, testdata/tools) and
// the process facts the Go tests check (which daemons run, what a pidfile
// holds), all against real processes.
package scripttest

// The custom testscript commands. Waits poll a condition until a deadline
// (default 10s, or the optional last argument); none sleeps blindly.
//
//	exitcode N cmd [args...]   run cmd; its exit code must be exactly N (or
//	                           one of N,M,... where the README allows either).
//	                           Its stdout and stderr are then checked by the
//	                           stdout and stderr commands, as after exec.
//	pidalive FILE              the PID in pidfile FILE is a live process
//	                           (! pidalive: it is not; a zombie is dead).
//	daemonpid FILE             FILE holds exactly "PID\n", and PID is a live
//	                           test daemon running its body (not a
//	                           supervisor), or beginning to within seconds.
//	readpid VAR FILE           set $VAR to the PID in pidfile FILE.
//	signal [-parent] SIG FILE  send SIG (TERM, KILL, HUP, 9, ...) to the PID
//	                           in pidfile FILE, or with -parent to its parent
//	                           (the supervisor, e.g. "lsbinit run"). (Not
//	                           "kill": testscript has a builtin kill, for
//	                           background commands, that knows no TERM.)
//	countprocs N TAG           exactly N test daemons (see daemonpid) whose
//	                           command line mentions TAG are alive (fewer
//	                           are given seconds to begin; more fail).
//	waitprocs N TAG [DUR]      wait until countprocs N TAG holds.
//	writedeadpid FILE          write to FILE, as a pidfile, the PID of a
//	                           process that has exited and been reaped.
//	waitfor FILE [DUR]         wait until FILE exists.
//	waitgone FILE [DUR]        wait until FILE does not exist.
//	waitgrep REGEXP FILE [DUR] wait until FILE's content matches REGEXP.
//	waitdead FILE [DUR]        wait until the PID in pidfile FILE is dead.
//	waitdaemon FILE [DUR]      wait until daemonpid FILE holds.
//	lineseq [-empty-ok] FILE... the lines "testdaemon: line N" of the files,
//	                           read in order, number 1, 2, 3... with no gap.
//	truncate FILE              truncate FILE to zero length (as logrotate's
//	                           copytruncate does after copying).
//	freeport VAR               set $VAR to a free TCP port on 127.0.0.1.
//	notifylisten SOCK LOG      listen on the datagram socket SOCK (for
//	                           NOTIFY_SOCKET) until the script ends, appending
//	                           each message received and a newline to LOG.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

// BinDir is the directory holding the binaries under test (lsbinit, the
// test daemons), which the test's TestMain built.
var BinDir string

// Cmds returns the custom commands of the test scripts: those here,
// and the ones of cmds_*.go for particular groups of scripts.
func Cmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"exitcode":     cmdExitcode,
		"pidalive":     cmdPidalive,
		"daemonpid":    cmdDaemonpid,
		"readpid":      cmdReadpid,
		"signal":       cmdSignal,
		"countprocs":   cmdCountprocs,
		"writedeadpid": cmdWritedeadpid,
		"waitfor":      cmdWaitfor,
		"waitgone":     cmdWaitgone,
		"waitgrep":     cmdWaitgrep,
		"waitdead":     cmdWaitdead,
		"waitdaemon":   cmdWaitdaemon,
		"waitprocs":    cmdWaitprocs,
		"lineseq":      cmdLineseq,
		"truncate":     cmdTruncate,
		"freeport":     cmdFreeport,
		"dial":         cmdDial,
		"probe":        cmdProbe,
		"waitlisten":   cmdWaitlisten,
		"freeprivport": cmdFreeprivport,
		"notifylisten": cmdNotifylisten,
		// cmds_priv.go, cmds_log.go
		"tempgroup": cmdTempgroup,
		"waitsize":  cmdWaitsize,
		// cmds_client.go
		"expandenv":    cmdExpandenv,
		"initdwrapper": cmdInitdwrapper,
		"waitmonit":    cmdWaitmonit,
		"waitnewpid":   cmdWaitnewpid,
		// cmds_reg.go
		"regservice": cmdRegservice,
		"regclean":   cmdRegclean,
		// cmds_pkg.go
		"reporoot":  cmdReporoot,
		"hostgoenv": cmdHostgoenv,
		"defer":     cmdDefer,
	}
}

const defaultWait = 10 * time.Second

func noNeg(ts *testscript.TestScript, neg bool, name string) {
	if neg {
		ts.Fatalf("%s does not support !", name)
	}
}

func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "exitcode")
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N cmd [args...]")
	}
	var want []int
	for _, w := range strings.Split(args[0], ",") {
		n, err := strconv.Atoi(w)
		ts.Check(err)
		want = append(want, n)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() < 0 {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if !slices.Contains(want, got) {
		ts.Fatalf("%s exited with %d, want %s", args[1], got, args[0])
	}
}

// pidOf reads pidfile file (relative to the script's directory).
func pidOf(ts *testscript.TestScript, file string) int {
	pid, err := ReadPidFile(ts.MkAbs(file))
	ts.Check(err)
	return pid
}

func cmdPidalive(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: pidalive FILE")
	}
	pid := pidOf(ts, args[0])
	switch a := Alive(pid); {
	case a && neg:
		ts.Fatalf("pid %d (from %s) is alive", pid, args[0])
	case !a && !neg:
		ts.Fatalf("pid %d (from %s) is not alive", pid, args[0])
	}
}

func cmdDaemonpid(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "daemonpid")
	if len(args) != 1 {
		ts.Fatalf("usage: daemonpid FILE")
	}
	pid := pidOf(ts, args[0])
	// A daemon is ready by READY=exec's bound when it is still alive
	// after it, wherever it is in its start-up (a loaded machine may not
	// have run it at all): give its body a moment to begin.
	for deadline := time.Now().Add(defaultWait); !RunsDaemonBody(pid); time.Sleep(10 * time.Millisecond) {
		if !Alive(pid) || time.Now().After(deadline) {
			ts.Fatalf("pid %d (from %s) is not a live test daemon (state %q, cmdline %q)",
				pid, args[0], ProcState(pid), NulList(pid, "cmdline"))
		}
	}
}

func cmdReadpid(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "readpid")
	if len(args) != 2 {
		ts.Fatalf("usage: readpid VAR FILE")
	}
	ts.Setenv(args[0], strconv.Itoa(pidOf(ts, args[1])))
}

func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "signal")
	parent := len(args) > 0 && args[0] == "-parent"
	if parent {
		args = args[1:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: signal [-parent] SIG FILE")
	}
	sig := unix.SignalNum("SIG" + strings.TrimPrefix(args[0], "SIG"))
	if n, err := strconv.Atoi(args[0]); err == nil {
		sig = unix.Signal(n)
	}
	if sig == 0 {
		ts.Fatalf("unknown signal %q", args[0])
	}
	pid := pidOf(ts, args[1])
	if parent {
		pid = ParentOf(pid)
	}
	if pid < 2 {
		ts.Fatalf("refusing to signal pid %d", pid)
	}
	ts.Check(unix.Kill(pid, sig))
}

func cmdCountprocs(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "countprocs")
	if len(args) != 2 {
		ts.Fatalf("usage: countprocs N TAG")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	// Fewer is waited on a moment (a daemon just started may not have
	// begun its body yet: see daemonpid); more fails at once.
	got := Daemons(args[1])
	for deadline := time.Now().Add(defaultWait); len(got) < want && time.Now().Before(deadline); got = Daemons(args[1]) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(got) != want {
		ts.Fatalf("%d daemons %v mention %s, want %d", len(got), got, args[1], want)
	}
}

func cmdWritedeadpid(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "writedeadpid")
	if len(args) != 1 {
		ts.Fatalf("usage: writedeadpid FILE")
	}
	cmd := exec.Command("true")
	ts.Check(cmd.Run()) // Run waits, so the PID is reaped: nobody has it now.
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644))
}

// waitUntil polls cond until it holds or the deadline (args[n] if given)
// passes, then fails with what (and *last, the state cond saw last, if
// given).
func waitUntil(ts *testscript.TestScript, args []string, n int, what string, cond func() bool, last ...*string) {
	limit := defaultWait
	if len(args) > n {
		d, err := time.ParseDuration(args[n])
		ts.Check(err)
		limit = d
	}
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			if len(last) > 0 {
				what += " (last: " + *last[0] + ")"
			}
			ts.Fatalf("gave up after %v waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func cmdWaitfor(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitfor")
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfor FILE [DUR]")
	}
	waitUntil(ts, args, 1, args[0]+" to exist", func() bool {
		_, err := os.Lstat(ts.MkAbs(args[0]))
		return err == nil
	})
}

func cmdWaitgone(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitgone")
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitgone FILE [DUR]")
	}
	waitUntil(ts, args, 1, args[0]+" to be removed", func() bool {
		_, err := os.Lstat(ts.MkAbs(args[0]))
		return errors.Is(err, os.ErrNotExist)
	})
}

func cmdWaitgrep(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitgrep")
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: waitgrep REGEXP FILE [DUR]")
	}
	re, err := regexp.Compile("(?m)" + args[0])
	ts.Check(err)
	waitUntil(ts, args, 2, args[1]+" to match "+args[0], func() bool {
		data, err := os.ReadFile(ts.MkAbs(args[1]))
		return err == nil && re.Match(data)
	})
}

func cmdWaitdead(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitdead")
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitdead FILE [DUR]")
	}
	pid := pidOf(ts, args[0])
	waitUntil(ts, args, 1, "pid "+strconv.Itoa(pid)+" to die", func() bool { return !Alive(pid) })
}

func cmdWaitdaemon(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitdaemon")
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitdaemon FILE [DUR]")
	}
	var last string
	waitUntil(ts, args, 1, args[0]+" to name a live daemon", func() bool {
		pid, err := ReadPidFile(ts.MkAbs(args[0]))
		if err != nil {
			last = err.Error()
			return false
		}
		last = fmt.Sprintf("pid %d is not a live daemon", pid)
		return RunsDaemonBody(pid)
	}, &last)
}

func cmdWaitprocs(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitprocs")
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: waitprocs N TAG [DUR]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	var last string
	waitUntil(ts, args, 2, args[0]+" daemons mentioning "+args[1], func() bool {
		got := Daemons(args[1])
		last = fmt.Sprintf("%d daemons %v", len(got), got)
		return len(got) == want
	}, &last)
}

var lineRE = regexp.MustCompile(`(?m)^testdaemon: line ([0-9]+)$`)
