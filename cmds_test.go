package main

// The custom testscript commands. Waits poll a condition until a deadline
// (default 10s, or the optional last argument); none sleeps blindly.
//
//	exitcode N cmd [args...]   run cmd; its exit code must be exactly N (or
//	                           one of N,M,... where SPEC.md allows either).
//	                           Its stdout and stderr are then checked by the
//	                           stdout and stderr commands, as after exec.
//	pidalive FILE              the PID in pidfile FILE is a live process
//	                           (! pidalive: it is not; a zombie is dead).
//	daemonpid FILE             FILE holds exactly "PID\n", and PID is a live
//	                           test daemon running its body (not a
//	                           supervisor).
//	readpid VAR FILE           set $VAR to the PID in pidfile FILE.
//	signal [-parent] SIG FILE  send SIG (TERM, KILL, HUP, 9, ...) to the PID
//	                           in pidfile FILE, or with -parent to its parent
//	                           (the supervisor, e.g. "lsbinit run"). (Not
//	                           "kill": testscript has a builtin kill, for
//	                           background commands, that knows no TERM.)
//	countprocs N TAG           exactly N test daemons (see daemonpid) whose
//	                           command line mentions TAG are alive.
//	waitprocs N TAG [DUR]      wait until countprocs N TAG holds.
//	writedeadpid FILE          write to FILE, as a pidfile, the PID of a
//	                           process that has exited and been reaped.
//	waitfor FILE [DUR]         wait until FILE exists.
//	waitgone FILE [DUR]        wait until FILE does not exist.
//	waitgrep REGEXP FILE [DUR] wait until FILE's content matches REGEXP.
//	waitdead FILE [DUR]        wait until the PID in pidfile FILE is dead.
//	waitdaemon FILE [DUR]      wait until daemonpid FILE holds.
//	lineseq FILE...            the lines "testdaemon: line N" of the files,
//	                           read in order, number 1, 2, 3... with no gap.
//	truncate FILE              truncate FILE to zero length (as logrotate's
//	                           copytruncate does after copying).
//	freeport VAR               set $VAR to a free TCP port on 127.0.0.1.
//	notifylisten SOCK LOG      listen on the datagram socket SOCK (for
//	                           NOTIFY_SOCKET) until the script ends, appending
//	                           each message received and a newline to LOG.

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
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
	"notifylisten": cmdNotifylisten,
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
	pid, err := readPidFile(ts.MkAbs(file))
	ts.Check(err)
	return pid
}

func cmdPidalive(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: pidalive FILE")
	}
	pid := pidOf(ts, args[0])
	switch a := alive(pid); {
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
	if !runsDaemonBody(pid) {
		ts.Fatalf("pid %d (from %s) is not a live test daemon (state %q, cmdline %q)",
			pid, args[0], procState(pid), nulList(pid, "cmdline"))
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
		pid = parentOf(pid)
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
	if got := daemons(args[1]); len(got) != want {
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
	waitUntil(ts, args, 1, "pid "+strconv.Itoa(pid)+" to die", func() bool { return !alive(pid) })
}

func cmdWaitdaemon(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitdaemon")
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitdaemon FILE [DUR]")
	}
	var last string
	waitUntil(ts, args, 1, args[0]+" to name a live daemon", func() bool {
		pid, err := readPidFile(ts.MkAbs(args[0]))
		if err != nil {
			last = err.Error()
			return false
		}
		last = fmt.Sprintf("pid %d is not a live daemon", pid)
		return runsDaemonBody(pid)
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
		got := daemons(args[1])
		last = fmt.Sprintf("%d daemons %v", len(got), got)
		return len(got) == want
	}, &last)
}

var lineRE = regexp.MustCompile(`(?m)^testdaemon: line ([0-9]+)$`)

func cmdLineseq(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "lineseq")
	if len(args) < 1 {
		ts.Fatalf("usage: lineseq FILE...")
	}
	next := 1
	for _, file := range args {
		data := ts.ReadFile(file)
		if bytes.IndexByte([]byte(data), 0) >= 0 {
			ts.Fatalf("%s holds NUL bytes (written at a stale offset, not appended?)", file)
		}
		m := lineRE.FindAllStringSubmatch(data, -1)
		if len(m) == 0 {
			ts.Fatalf("%s has no numbered lines", file)
		}
		for _, sub := range m {
			n, _ := strconv.Atoi(sub[1])
			if n != next {
				ts.Fatalf("%s: line %d follows line %d (lines lost or repeated)", file, n, next-1)
			}
			next++
		}
	}
	ts.Logf("lines 1 to %d, none lost", next-1)
}

func cmdTruncate(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "truncate")
	if len(args) != 1 {
		ts.Fatalf("usage: truncate FILE")
	}
	ts.Check(os.Truncate(ts.MkAbs(args[0]), 0))
}

func cmdFreeport(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "freeport")
	if len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := l.Addr().(*net.TCPAddr).Port
	ts.Check(l.Close())
	ts.Setenv(args[0], strconv.Itoa(port))
}

func cmdNotifylisten(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "notifylisten")
	if len(args) != 2 {
		ts.Fatalf("usage: notifylisten SOCK LOG")
	}
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: ts.MkAbs(args[0]), Net: "unixgram"})
	ts.Check(err)
	log, err := os.OpenFile(ts.MkAbs(args[1]), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	ts.Check(err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			log.Write(append(buf[:n:n], '\n'))
		}
	}()
	ts.Defer(func() {
		conn.Close()
		<-done
		log.Close()
	})
}

// tempgroup VAR USER: create a group whose only member is USER (groupadd
// -U), set $VAR to its gid, and delete the group (groupdel) when the
// script ends, even when it fails. It needs root. It exists for the tests
// of initgroups: a fresh Debian system has no user with a supplementary
// group. USER's entry is left as it was (only the new group lists it), but
// while the group exists USER's groups change for every script running
// meanwhile: give a user no other script runs as (not nobody). The name,
// lsbinit-test-PID-N, is unique on the machine, so concurrent test runs
// do not collide.
func init() { scriptCmds["tempgroup"] = cmdTempgroup }

var tempGroups atomic.Int32

func cmdTempgroup(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "tempgroup")
	if len(args) != 2 {
		ts.Fatalf("usage: tempgroup VAR USER")
	}
	name := fmt.Sprintf("lsbinit-test-%d-%d", os.Getpid(), tempGroups.Add(1))
	var out []byte
	var err error
	for range 50 {
		out, err = exec.Command("groupadd", "-U", args[1], name).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 10 { // 10: /etc/group is locked
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		ts.Fatalf("groupadd -U %s %s: %v\n%s", args[1], name, err, out)
	}
	ts.Defer(func() {
		if out, err := exec.Command("groupdel", name).CombinedOutput(); err != nil {
			ts.Logf("groupdel %s: %v\n%s", name, err, out)
		}
	})
	out, err = exec.Command("getent", "group", name).Output()
	ts.Check(err)
	f := strings.Split(strings.TrimSpace(string(out)), ":")
	if len(f) < 3 {
		ts.Fatalf("getent group %s: %q", name, out)
	}
	ts.Setenv(args[0], f[2])
}

// waitsize FILE N [DUR]: wait until FILE is at least N bytes long (for a
// log that must reach a file size limit). Registered here, not in the
// table above, so that additions to the table and this one do not collide.
func init() { scriptCmds["waitsize"] = cmdWaitsize }

func cmdWaitsize(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitsize")
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: waitsize FILE N [DUR]")
	}
	want, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	var last string
	waitUntil(ts, args, 2, args[0]+" to be "+args[1]+" bytes or more", func() bool {
		info, err := os.Stat(ts.MkAbs(args[0]))
		if err != nil {
			last = err.Error()
			return false
		}
		last = fmt.Sprintf("%d bytes", info.Size())
		return info.Size() >= want
	}, &last)
}

// The commands of the client_* scripts (monit, Ansible, service), which
// drive lsbinit the way those clients do: with a scrubbed environment, so
// every path they see must be literal.
//
// expandenv SRC DST [MODE]: write DST (octal MODE, default 644) with the
// content of SRC, every $VAR and ${VAR} replaced by the script's value of
// VAR ("" when unset). For files read by programs that do not see the
// script's environment: a monit control file, a config lsbinit reads when
// started by monit or service.
//
// initdwrapper VAR KIND TEMPLATE: create the init script
// /etc/init.d/lsbtest-cli-KIND-PID-N (unique on the machine), a wrapper
// "exec $BIN/lsbinit -c $WORK/NAME.conf "$@"" as an operator would write
// it (plus the script's GORACE, so that the race detector still reports
// into $WORK when the client scrubs the environment), with the config
// $WORK/NAME.conf expanded from TEMPLATE as by expandenv; set $VAR to
// NAME. It needs root. When the script ends, even when it fails, the
// service is stopped and the init script is removed.
func init() {
	scriptCmds["expandenv"] = cmdExpandenv
	scriptCmds["initdwrapper"] = cmdInitdwrapper
}

func expandFile(ts *testscript.TestScript, src, dst string, mode os.FileMode) {
	data := os.Expand(ts.ReadFile(src), ts.Getenv)
	dst = ts.MkAbs(dst)
	ts.Check(os.WriteFile(dst, []byte(data), mode))
	ts.Check(os.Chmod(dst, mode)) // whatever the umask, or an older DST
}

func cmdExpandenv(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "expandenv")
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: expandenv SRC DST [MODE]")
	}
	mode := uint64(0o644)
	if len(args) == 3 {
		var err error
		mode, err = strconv.ParseUint(args[2], 8, 32)
		ts.Check(err)
	}
	expandFile(ts, args[0], args[1], os.FileMode(mode))
}

var initdWrappers atomic.Int32

func cmdInitdwrapper(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "initdwrapper")
	if len(args) != 3 {
		ts.Fatalf("usage: initdwrapper VAR KIND TEMPLATE")
	}
	name := fmt.Sprintf("lsbtest-cli-%s-%d-%d", args[1], os.Getpid(), initdWrappers.Add(1))
	conf := ts.MkAbs(name + ".conf")
	expandFile(ts, args[2], conf, 0o644)
	script := "/etc/init.d/" + name
	body := fmt.Sprintf("#!/bin/sh\n# lsbinit test %s\nGORACE='%s'\nexport GORACE\nexec %s -c %s \"$@\"\n",
		ts.Getenv("WORK"), ts.Getenv("GORACE"), binDir+"/lsbinit", conf)
	f, err := os.OpenFile(script, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	ts.Check(err)
	ts.Defer(func() {
		// Stop it first (bounded: the script's watchdog kills whatever
		// is left), so no daemon outlives the file that names it.
		if out, err := exec.Command(script, "stop").CombinedOutput(); err != nil {
			ts.Logf("%s stop: %v\n%s", script, err, out)
		}
		if err := os.Remove(script); err != nil {
			ts.Logf("removing %s: %v", script, err)
		}
	})
	_, err = f.WriteString(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	ts.Check(err)
	ts.Check(os.Chmod(script, 0o755))
	ts.Setenv(args[0], name)
}

// waitmonit RC SERVICE REGEXP [DUR]: wait until the output of `monit -c RC
// summary SERVICE` matches REGEXP (monit reports what it saw on its last
// cycle, so what it says lags what is).
//
// waitnewpid FILE PID [DUR]: wait until pidfile FILE holds a PID other
// than PID (a supervisor such as monit started a new instance).
func init() {
	scriptCmds["waitmonit"] = cmdWaitmonit
	scriptCmds["waitnewpid"] = cmdWaitnewpid
}

func cmdWaitmonit(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitmonit")
	if len(args) < 3 || len(args) > 4 {
		ts.Fatalf("usage: waitmonit RC SERVICE REGEXP [DUR]")
	}
	re, err := regexp.Compile("(?m)" + args[2])
	ts.Check(err)
	var last string
	waitUntil(ts, args, 3, "monit summary "+args[1]+" to match "+args[2], func() bool {
		out, err := exec.Command("monit", "-c", ts.MkAbs(args[0]), "summary", args[1]).CombinedOutput()
		last = fmt.Sprintf("%v: %s", err, out)
		if re.Match(out) {
			return true
		}
		time.Sleep(200 * time.Millisecond) // each call is a monit round trip
		return false
	}, &last)
}

func cmdWaitnewpid(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitnewpid")
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: waitnewpid FILE PID [DUR]")
	}
	old, err := strconv.Atoi(args[1])
	ts.Check(err)
	var last string
	waitUntil(ts, args, 2, args[0]+" to name a PID other than "+args[1], func() bool {
		pid, err := readPidFile(ts.MkAbs(args[0]))
		if err != nil {
			last = err.Error()
			return false
		}
		last = "pid " + strconv.Itoa(pid)
		return pid != old
	}, &last)
}

// regservice NAME: for the registration tests (reg_*.txtar), which use the
// real /etc. NAME must start with lsbtest-reg-. It makes /etc/lsbinit
// (0755) if missing, takes an exclusive lock shared by every script using
// it (insserv rewrites all rc links and has no lock of its own), and when
// the script ends, even when it fails, removes whatever of NAME is left:
// /etc/init.d/NAME, /etc/rc?.d/[SK]??NAME, /etc/insserv/overrides/NAME,
// /etc/lsbinit/NAME.conf (then runs `update-rc.d NAME remove` if there
// were rc links, so insserv forgets NAME), and logs what it had to remove.
// (The daemons themselves die with the script: their command lines
// mention $WORK.)
//
// regclean NAME: nothing of NAME is left under /etc (the list above, and
// insserv's /etc/init.d/.depend.* do not mention it).
func init() {
	scriptCmds["regservice"] = cmdRegservice
	scriptCmds["regclean"] = cmdRegclean
}

var regLockFile = "/run/lsbinit-test-reg.lock"

func regCheckName(ts *testscript.TestScript, name string) {
	if !strings.HasPrefix(name, "lsbtest-reg-") || strings.ContainsAny(name, "/*?[") {
		ts.Fatalf("service name %q does not start with lsbtest-reg-", name)
	}
}

// regLeft returns what of service name is under /etc.
func regLeft(name string) []string {
	var left []string
	for _, p := range []string{"/etc/init.d/" + name, "/etc/insserv/overrides/" + name, "/etc/lsbinit/" + name + ".conf"} {
		if _, err := os.Lstat(p); err == nil {
			left = append(left, p)
		}
	}
	links, _ := filepathGlob("/etc/rc?.d/[SK][0-9][0-9]" + name)
	return append(left, links...)
}

func cmdRegservice(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "regservice")
	if len(args) != 1 {
		ts.Fatalf("usage: regservice NAME")
	}
	name := args[0]
	regCheckName(ts, name)
	if err := os.Mkdir("/etc/lsbinit", 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		ts.Fatalf("%v", err)
	}
	lock, err := os.OpenFile(regLockFile, os.O_RDWR|os.O_CREATE, 0o600)
	ts.Check(err)
	ts.Check(unix.Flock(int(lock.Fd()), unix.LOCK_EX))
	ts.Defer(func() {
		defer lock.Close()
		left := regLeft(name)
		if len(left) == 0 {
			return
		}
		ts.Logf("cleaning up after %s: %v", name, left)
		links := false
		for _, p := range left {
			links = links || strings.HasPrefix(p, "/etc/rc")
			if err := os.Remove(p); err != nil {
				ts.Logf("%v", err)
			}
		}
		if links {
			if out, err := exec.Command("update-rc.d", name, "remove").CombinedOutput(); err != nil {
				ts.Logf("update-rc.d %s remove: %v\n%s", name, err, out)
			}
		}
	})
}

func cmdRegclean(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "regclean")
	if len(args) != 1 {
		ts.Fatalf("usage: regclean NAME")
	}
	name := args[0]
	regCheckName(ts, name)
	left := regLeft(name)
	deps, _ := filepathGlob("/etc/init.d/.depend.*")
	for _, d := range deps {
		data, err := os.ReadFile(d)
		if err == nil && regexp.MustCompile(`(^|\s)`+regexp.QuoteMeta(name)+`(\s|:|$)`).Match(data) {
			left = append(left, d+" mentions "+name)
		}
	}
	if len(left) > 0 {
		ts.Fatalf("left under /etc: %v", left)
	}
}

// filepathGlob matches /etc/rc?.d/[SK][0-9][0-9]NAME and
// /etc/init.d/.depend.* (a small glob, to keep cmds_test.go's imports).
func filepathGlob(pattern string) ([]string, error) {
	var out []string
	if rest, ok := strings.CutPrefix(pattern, "/etc/init.d/.depend."); ok && rest == "*" {
		ents, err := os.ReadDir("/etc/init.d")
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".depend.") {
				out = append(out, "/etc/init.d/"+e.Name())
			}
		}
		return out, err
	}
	name, ok := strings.CutPrefix(pattern, "/etc/rc?.d/[SK][0-9][0-9]")
	if !ok {
		return nil, fmt.Errorf("filepathGlob: unsupported pattern %q", pattern)
	}
	re := regexp.MustCompile(`^[SK][0-9][0-9]` + regexp.QuoteMeta(name) + `$`)
	for _, lvl := range "0123456S" {
		dir := "/etc/rc" + string(lvl) + ".d"
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if re.MatchString(e.Name()) {
				out = append(out, dir+"/"+e.Name())
			}
		}
	}
	return out, nil
}

// reporoot VAR: set $VAR to the repository root (the package directory,
// where go test runs), for the packaging scripts that build from the tree.
// hostgoenv: set HOME and the go command's settings (GOCACHE, GOMODCACHE,
// GOPATH, GOPROXY, GOFLAGS, GOTOOLCHAIN, ...) to the test process's own, so
// that a go build run by a script (make deb) uses the user's module and
// build caches offline instead of testscript's HOME=/no-home.
// Registered here, like waitsize, to keep additions apart.
func init() {
	scriptCmds["reporoot"] = cmdReporoot
	scriptCmds["hostgoenv"] = cmdHostgoenv
}

var testStartDir, _ = os.Getwd()

func cmdReporoot(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "reporoot")
	if len(args) != 1 {
		ts.Fatalf("usage: reporoot VAR")
	}
	if testStartDir == "" {
		ts.Fatalf("the test's working directory is unknown")
	}
	ts.Setenv(args[0], testStartDir)
}

func cmdHostgoenv(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "hostgoenv")
	if len(args) != 0 {
		ts.Fatalf("usage: hostgoenv")
	}
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOFLAGS", "GOTOOLCHAIN",
		"GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY", "GOINSECURE"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		ts.Fatalf("go env: %v", err)
	}
	values := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(values) != len(names) {
		ts.Fatalf("go env printed %d lines for %d variables", len(values), len(names))
	}
	for i, name := range names {
		ts.Setenv(name, values[i])
	}
	if home, err := os.UserHomeDir(); err == nil {
		ts.Setenv("HOME", home)
	}
}

// defer CMD [ARGS...]: run CMD when the script ends, whether it passed or
// failed (before its processes are killed), logging its output; for
// scripts that change the system, such as installing packages, to undo it.
func init() { scriptCmds["defer"] = cmdDefer }

func cmdDefer(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "defer")
	if len(args) == 0 {
		ts.Fatalf("usage: defer CMD [ARGS...]")
	}
	env := os.Environ()
	for _, kv := range []string{"PATH", "HOME", "WORK", "TMPDIR"} {
		env = append(env, kv+"="+ts.Getenv(kv))
	}
	dir := ts.MkAbs(".")
	ts.Defer(func() {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		ts.Logf("defer %s: %v\n%s", strings.Join(args, " "), err, out)
	})
}
