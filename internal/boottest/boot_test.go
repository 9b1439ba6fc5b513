package boottest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// binDir holds the static builds copied into every machine.
var binDir string

// goEnv is the Go environment of the user running the tests, for the
// scripts that build packages (testscript gives them a HOME of their own).
var goEnv []string

// The programs put into every machine: lsbinit as a distribution installs
// it, the lsb library's example, and the helpers the scripts use inside.
var installed = map[string]string{
	"lsbinit":                      "/usr/sbin/lsbinit",
	"hello":                        "/usr/local/bin/hello",
	"examples/activated/server.py": "/usr/local/share/lsbinit/server.py",
}

// limits: how long one boot, one command and one script may take. They
// end hangs; they do not measure speed.
const (
	bootLimit    = 3 * time.Minute
	commandLimit = 3 * time.Minute
	scriptLimit  = 25 * time.Minute
)

// machines bounds how many machines run at once, on a two-core runner.
var machines = make(chan struct{}, 2)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if os.Getenv("LSBINIT_BOOT") == "" {
		return m.Run() // TestBoot skips
	}
	dir, err := os.MkdirTemp("", "lsbinit-boot-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	for _, pkg := range []string{".", "./examples/hello"} {
		cmd := exec.Command("go", "build", "-o", dir+"/", pkg)
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: go build %s: %v\n%s", pkg, err, out)
			return 1
		}
	}
	binDir = dir
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOFLAGS", "GOTOOLCHAIN"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: go env: %v\n", err)
		return 1
	}
	for i, v := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		goEnv = append(goEnv, names[i]+"="+v)
	}
	return m.Run()
}

// TestBoot runs testdata/boot/*.txtar, each in machines it boots.
func TestBoot(t *testing.T) {
	if os.Getenv("LSBINIT_BOOT") == "" {
		t.Skip("set LSBINIT_BOOT=1 (make boot) to boot init systems in containers")
	}
	if missing := prerequisites(); missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("cannot boot init systems: %s (.ci/run installs what is needed)", missing)
		}
		t.Skipf("cannot boot init systems: %s", missing)
	}
	testscript.Run(t, testscript.Params{
		Dir:                filepath.Join("..", "..", "testdata", "boot"),
		Setup:              setup,
		Cmds:               cmds,
		RequireUniqueNames: true,
	})
}

// prerequisites says what the host lacks to boot machines, or "".
func prerequisites() string {
	if os.Geteuid() != 0 {
		return "not root"
	}
	for _, p := range []string{"debootstrap", "systemd-nspawn", "nsenter", "timeout", "chroot"} {
		if _, err := exec.LookPath(p); err != nil {
			return p + " is not installed"
		}
	}
	return ""
}

// box holds a script's machine, once it has booted one.
type box struct{ m *Machine }

func setup(env *testscript.Env) error {
	machines <- struct{}{}
	env.Defer(func() { <-machines })
	b := &box{}
	env.Values["box"] = b
	// $REPO is the repository, for the scripts that build its packages,
	// with the Go environment that builds it.
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	env.Setenv("REPO", repo)
	for _, kv := range goEnv {
		k, v, _ := strings.Cut(kv, "=")
		env.Setenv(k, v)
	}
	if home, err := os.UserHomeDir(); err == nil {
		env.Setenv("HOME", home)
	}
	watchdog := time.AfterFunc(scriptLimit, func() {
		if b.m != nil {
			b.m.Kill()
		}
	})
	env.Defer(func() {
		watchdog.Stop()
		if b.m != nil {
			if err := b.m.Poweroff(time.Minute); err != nil {
				env.T().Log(err)
			}
		}
	})
	return nil
}

var cmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"boot":     cmdBoot,
	"in":       cmdIn,
	"reboot":   cmdReboot,
	"poweroff": cmdPoweroff,
}

// machine is the script's machine.
func machine(ts *testscript.TestScript) *Machine {
	m := ts.Value("box").(*box).m
	if m == nil {
		ts.Fatalf("no machine: boot one first")
	}
	return m
}

// boot ROOT: copy the cached root ROOT (built first if need be) to
// $WORK/root, put lsbinit and hello into it, boot it, and set $ROOT.
func cmdBoot(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: boot ROOT")
	}
	b := ts.Value("box").(*box)
	if b.m != nil {
		ts.Fatalf("one machine per script")
	}
	cached, err := Root(args[0], ts.Logf)
	ts.Check(err)
	root := ts.MkAbs("root")
	start := time.Now()
	out, err := exec.Command("cp", "-a", "--reflink=auto", cached, root).CombinedOutput()
	if err != nil {
		ts.Fatalf("copying %s: %v %s", cached, err, out)
	}
	for name, path := range installed {
		from := filepath.Join(binDir, name)
		if strings.Contains(name, "/") {
			from = filepath.Join("..", "..", name)
		}
		data, err := os.ReadFile(from)
		ts.Check(err)
		ts.Check(os.MkdirAll(filepath.Join(root, filepath.Dir(path)), 0o755))
		ts.Check(os.WriteFile(filepath.Join(root, path), data, 0o755))
	}
	m := &Machine{Root: root, Init: Recipes[args[0]].Init, Log: ts.MkAbs("console.log")}
	ts.Setenv("ROOT", root)
	b.m = m
	ts.Check(m.Boot(bootLimit))
	ts.Logf("booted %s in %s", args[0], time.Since(start).Round(100*time.Millisecond))
}

// in [-x CODES] [-t SECONDS] CMD [ARGS...]: run CMD in the machine, as
// root with a clean environment; its output is the script's stdout and
// stderr. It must exit with one of CODES (comma-separated; default 0).
func cmdIn(ts *testscript.TestScript, neg bool, args []string) {
	want := []int{0}
	limit := commandLimit
	for len(args) > 1 && (args[0] == "-x" || args[0] == "-t") {
		switch args[0] {
		case "-x":
			want = nil
			for _, w := range strings.Split(args[1], ",") {
				n, err := strconv.Atoi(w)
				ts.Check(err)
				want = append(want, n)
			}
		case "-t":
			n, err := strconv.Atoi(args[1])
			ts.Check(err)
			limit = time.Duration(n) * time.Second
		}
		args = args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: in [-x CODES] [-t SECONDS] CMD [ARGS...]")
	}
	m := machine(ts)
	err := ts.Exec("timeout", m.InArgs(limit, args...)...)
	got := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		got = ee.ExitCode()
	default:
		ts.Fatalf("%s: %v", args[0], err)
	}
	if got == 124 || got == 137 {
		ts.Fatalf("%s did not finish within %s", strings.Join(args, " "), limit)
	}
	if neg {
		if got == 0 {
			ts.Fatalf("%s exited 0, want a failure", args[0])
		}
		return
	}
	if !slices.Contains(want, got) {
		ts.Fatalf("%s exited with %d, want %v", strings.Join(args, " "), got, want)
	}
}

// reboot: reboot the machine the way its init does, and wait until it
// is up again.
func cmdReboot(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: reboot")
	}
	start := time.Now()
	ts.Check(machine(ts).Reboot(bootLimit))
	ts.Logf("rebooted in %s", time.Since(start).Round(100*time.Millisecond))
}

// poweroff: shut the machine down.
func cmdPoweroff(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: poweroff")
	}
	ts.Check(machine(ts).Poweroff(time.Minute))
}
