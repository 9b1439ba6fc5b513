package scripttest

import (
	"os"
	"os/exec"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// reporoot VAR: set $VAR to the repository root (the package directory,
// where go test runs), for the packaging scripts that build from the tree.
// hostgoenv: set HOME and the go command's settings (GOCACHE, GOMODCACHE,
// GOPATH, GOPROXY, GOFLAGS, GOTOOLCHAIN, ...) to the test process's own, so
// that a go build run by a script (make deb) uses the user's module and
// build caches offline instead of testscript's HOME=/no-home.

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
