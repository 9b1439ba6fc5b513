package main

// The process-level test suite: the CLI contract of the README as testscript
// scripts (testdata/script/*.txtar, and testdata/tools/*.txtar for the
// scripts that drive whole packaging and configuration tools), run against
// real binaries.
//
// TestMain builds, once per run, into a temporary directory put first on
// PATH:
//
//	lsbinit     this package, with -race: the generic runtime
//	testdaemon  internal/testdaemon/cmd/testdaemon: the DAEMON of the configs
//	lsbdaemon   internal/testdaemon/cmd/lsbdaemon, with -race: library mode
//
// The binaries are built with `go build` rather than re-executing the test
// binary because lsbinit must be exercised as the exact program users run
// (argv[0], symlinks, re-exec into the background) and the daemons must be
// separate executables for the process counts to mean anything.
//
// Every script gets $BIN (that directory), $TESTDAEMON (the testdaemon
// path), $TESTSID (the session of the test, which no daemon may share),
// the condition [root] (running as uid 0), and a GORACE that drops the
// race runtime's one-second exit delay and writes any race report to
// $WORK/race-report.PID, which fails the script. Its files lose group and
// other write permission whatever the umask (as root, lsbinit rightly
// refuses configs that others can write). When a script ends, every
// process whose command line mentions its $WORK, or whose environment has
// WORK=$WORK, is killed with SIGKILL: no daemon outlives its test.
// The custom commands are documented in internal/scripttest/cmds.go.

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/scripttest"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

var (
	// userGORACE is GORACE as the test was started with.
	userGORACE = os.Getenv("GORACE")
)

// scriptLimit bounds one script. Past it the script's processes are
// killed, which also unblocks a command whose stdout or stderr a leaked
// background process still holds (testscript's exec would wait forever).
// The limit is far above what a healthy script needs on a loaded machine:
// it is there to end hangs, not to measure speed.
const scriptLimit = 5 * time.Minute

// toolLimit bounds one script of testdata/tools: whole package builds and
// Ansible runs, which run one at a time after the parallel scripts, so no
// healthy tool is ever killed for sharing two cores with seven others.
const toolLimit = 15 * time.Minute

// toolTurn lets one script of testdata/tools run at a time.
var toolTurn = make(chan struct{}, 1)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if os.Getenv(hogEnv) != "" {
		return hogInotify() // a helper process of TestSharedWatches
	}
	flag.Parse()
	// The scripts mostly wait on other processes; run more of them at
	// once than there are CPUs, unless -test.parallel says otherwise.
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}

	dir, err := os.MkdirTemp("", "lsbinit-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// MkdirTemp makes dir 0700; a daemon run as another USER must reach it.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := build(dir); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: building the binaries under test: %v\n", err)
		return 1
	}
	scripttest.BinDir = dir // first on PATH
	os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	os.Setenv("GORACE", goraceFor(filepath.Join(dir, "race-report")))

	code := m.Run()
	if reports := raceReports(filepath.Join(dir, "race-report")); reports != "" {
		fmt.Fprintf(os.Stderr, "FAIL: the race detector reported in a child process:\n%s", reports)
		code = 1
	}
	return code
}

// build compiles the binaries the scripts run into dir: lsbinit, the two
// test daemons and the library example hello.
func build(dir string) error {
	for _, args := range [][]string{
		{"build", "-race", "-o", dir + "/", ".", "./internal/testdaemon/cmd/lsbdaemon", "./examples/hello"},
		{"build", "-o", dir + "/", "./internal/testdaemon/cmd/testdaemon"},
	} {
		cmd := exec.Command("go", args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, name := range []string{"lsbinit", "lsbdaemon", "testdaemon", "hello"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// goraceFor returns GORACE for the children: the caller's settings, no
// one-second sleep at exit (which would make every lsbinit call take a
// second), reports written to files named prefix.PID.
func goraceFor(prefix string) string {
	return strings.TrimSpace(userGORACE + " atexit_sleep_ms=0 log_path=" + prefix)
}

// raceReports returns the contents of the files prefix.* written by the
// race detector, or "".
func raceReports(prefix string) string {
	files, _ := filepath.Glob(prefix + ".*")
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		fmt.Fprintf(&b, "--- %s\n%s\n", f, data)
	}
	return b.String()
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                filepath.Join("testdata", "script"),
		Setup:              func(env *testscript.Env) error { return setupScript(env, scriptLimit) },
		Cmds:               scripttest.Cmds(),
		Condition:          scriptCondition,
		RequireUniqueNames: true,
	})
}

// TestToolScripts runs the scripts that drive whole real tools
// (dpkg-buildpackage, rpmbuild, lintian, ansible), one at a time. Being a
// later top-level test, it starts when TestScripts has finished.
func TestToolScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "tools"),
		Setup: func(env *testscript.Env) error {
			toolTurn <- struct{}{}
			env.Defer(func() { <-toolTurn })
			return setupScript(env, toolLimit)
		},
		Cmds:               scripttest.Cmds(),
		Condition:          scriptCondition,
		RequireUniqueNames: true,
	})
}

func setupScript(env *testscript.Env, limit time.Duration) error {
	work := env.WorkDir
	env.Setenv("BIN", scripttest.BinDir)
	env.Setenv("TESTDAEMON", filepath.Join(scripttest.BinDir, "testdaemon"))
	env.Setenv("GORACE", goraceFor(filepath.Join(work, "race-report")))
	sid, err := unix.Getsid(0)
	if err != nil {
		return err
	}
	env.Setenv("TESTSID", strconv.Itoa(sid))
	// As root, lsbinit refuses a config, pidfile or pidfile directory that
	// others can write; do not let the caller's umask decide that.
	err = filepath.WalkDir(work, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if mode := info.Mode(); mode&0o022 != 0 && mode.Type()&fs.ModeSymlink == 0 {
			return os.Chmod(path, mode.Perm()&^0o022)
		}
		return nil
	})
	if err != nil {
		return err
	}

	var timedOut atomic.Bool
	watchdog := time.AfterFunc(limit, func() {
		timedOut.Store(true)
		scripttest.KillMentioning(work)
	})
	env.Defer(func() {
		watchdog.Stop()
		scripttest.KillMentioning(work)
		scripttest.ForgetRecords(work)
		t := env.T()
		if timedOut.Load() {
			t.Log("script ran longer than", limit, "and its processes were killed:",
				"a command probably waited on a background process holding its stdout or stderr")
			t.FailNow()
		}
		if reports := raceReports(filepath.Join(work, "race-report")); reports != "" {
			t.Log("the race detector reported in a child process:\n" + reports)
			t.FailNow()
		}
	})
	return nil
}

// scriptCondition adds [root]: the tests run as the superuser, for whom
// file permissions do not make a file unreadable; and [need:PROG]: PROG
// (a Debian tool such as nginx) is installed. Under CI, which installs
// every such tool, a missing one is an error rather than a reason to skip.
func scriptCondition(cond string) (bool, error) {
	if prog, ok := strings.CutPrefix(cond, "need:"); ok {
		if _, err := exec.LookPath(prog); err == nil {
			return true, nil
		}
		if os.Getenv("CI") != "" {
			return false, fmt.Errorf("%s is not installed, and CI must run every test (.ci/run installs it)", prog)
		}
		return false, nil
	}
	switch cond {
	case "root":
		return os.Geteuid() == 0, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}
