package scripttest

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

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
		ts.Getenv("WORK"), ts.Getenv("GORACE"), BinDir+"/lsbinit", conf)
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
		pid, err := ReadPidFile(ts.MkAbs(args[0]))
		if err != nil {
			last = err.Error()
			return false
		}
		last = "pid " + strconv.Itoa(pid)
		return pid != old
	}, &last)
}
