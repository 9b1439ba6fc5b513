package main

// The harness of the container tests (container_test.go and the files
// beside it): `lsbinit boot` run as PID 1 of new PID, mount and network
// namespaces, laid out as the image of examples/container/ is: the
// binary under test at /usr/local/bin/lsbinit, a config directory on
// /etc/lsbinit, examples/container/srv on /srv, tmpfs on /run and /tmp,
// loopback up and nothing else on the network. Commands run inside with
// nsenter, as `docker exec` would.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/scripttest"
)

// containerWait bounds every wait of the container tests: far above what
// a healthy boot needs on two loaded cores, there to end a hang.
const containerWait = 60 * time.Second

// exampleDaemons are the programs the example's configs run.
var exampleDaemons = []string{"/usr/sbin/nginx", "/usr/bin/redis-server", "/usr/bin/python3"}

// needContainer skips the test unless it can make namespaces (root,
// unshare, nsenter, ip, setpriv) and the programs named exist; under CI
// a missing program fails it instead (.ci/run installs them all).
func needContainer(t *testing.T, programs ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: boot runs in new namespaces")
	}
	if scripttest.BinDir == "" {
		t.Skip("the binaries were not built")
	}
	for _, p := range append([]string{"unshare", "nsenter", "ip", "setpriv", "mount"}, programs...) {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed, and CI must run every test (.ci/run installs it)", p)
			}
			t.Skipf("%s is not installed", p)
		}
	}
}

// bootOpts are one container's.
type bootOpts struct {
	conf     string   // the host directory bound on /etc/lsbinit; "" for the example's configs
	nobody   bool     // run boot as uid and gid 65534, HOME unset
	readOnly bool     // remount / read-only (/run, /tmp stay tmpfs)
	args     []string // boot's options
}

// container is one running `lsbinit boot` in its namespaces.
type container struct {
	t      *testing.T
	pid    int         // boot's pid on the host, 0 when it ended at once
	proc   *os.Process // boot, held by pidfd: no signal reaches a reused pid
	ns     string      // its PID namespace (/proc/PID/ns/pid)
	nobody bool
	out    *syncBuffer // boot's stdout and stderr
	done   chan struct{}
	err    error // unshare's end, which is boot's, once done is closed
}

// exampleDir is examples/container, absolute.
func exampleDir(t *testing.T) string {
	d, err := filepath.Abs(filepath.Join("examples", "container"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// exampleConfigs copies examples/container/etc/lsbinit to a new
// directory: as root, lsbinit refuses configs that others can write, and
// the checkout's modes are the umask's.
func exampleConfigs(t *testing.T) string {
	files, err := filepath.Glob(filepath.Join(exampleDir(t), "etc", "lsbinit", "*.conf"))
	if err != nil || len(files) != 3 {
		t.Fatalf("the example's configs: %v %v", files, err)
	}
	m := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(f)] = string(b)
	}
	return configDir(t, m)
}

// mountpoint makes dir on the host when it is missing, and removes it
// when the test ends.
func mountpoint(t *testing.T, dir string) {
	if _, err := os.Stat(dir); err == nil {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(dir) })
}

// setup is the shell script that makes the container, then execs boot
// with its arguments ("$@").
func (o bootOpts) setup(t *testing.T) string {
	conf := o.conf
	if conf == "" {
		conf = exampleConfigs(t)
	}
	lines := []string{
		"set -e",
		"mount --make-rprivate /",
		"ip link set lo up",
		"mount --bind " + shq(scripttest.BinDir) + " /usr/local/bin",
		"mount --bind " + shq(conf) + " /etc/lsbinit",
		"mount --bind " + shq(filepath.Join(exampleDir(t), "srv")) + " /srv",
		"mount -t tmpfs -o mode=755 tmpfs /run",
		"mount -t tmpfs -o mode=1777 tmpfs /tmp",
	}
	if o.readOnly {
		lines = append(lines, "mount -o remount,bind,ro /")
	}
	run := `exec /usr/local/bin/lsbinit boot "$@"`
	if o.nobody {
		run = `unset HOME; exec setpriv --reuid 65534 --regid 65534 --clear-groups /usr/local/bin/lsbinit boot "$@"`
	}
	return strings.Join(append(lines, run), "\n")
}

// shq quotes s for sh.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// containerEnv is the environment of boot and of the commands run
// inside: an image's, with race reports where the test run collects them.
func containerEnv(nobody bool) []string {
	env := []string{"PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}
	if nobody {
		// The binaries' directory is not nobody's to write: reports go
		// to stderr, which boot's output shows.
		return append(env, "GORACE="+strings.TrimSpace(userGORACE+" atexit_sleep_ms=0"))
	}
	return append(env, "HOME=/root", "GORACE="+goraceFor("/usr/local/bin/race-report"))
}

// startContainer runs boot in new namespaces; the test's end kills them.
func startContainer(t *testing.T, o bootOpts) *container {
	t.Helper()
	for _, d := range []string{"/etc/lsbinit", "/srv", "/usr/local/bin"} {
		mountpoint(t, d)
	}
	args := []string{"--pid", "--fork", "--mount-proc", "--mount", "--net", "--", "sh", "-c", o.setup(t), "sh"}
	cmd := exec.Command("unshare", append(args, o.args...)...)
	cmd.Env, cmd.Dir = containerEnv(o.nobody), "/"
	c := &container{t: t, nobody: o.nobody, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.err = cmd.Wait(); close(c.done) }()
	t.Cleanup(c.cleanup)
	c.pid = c.childOf(cmd.Process.Pid)
	if c.pid > 0 {
		c.proc, _ = os.FindProcess(c.pid) // a pidfd on Linux
		c.ns, _ = os.Readlink("/proc/" + strconv.Itoa(c.pid) + "/ns/pid")
	}
	return c
}

// childOf waits for the one child of pid (the namespace's PID 1); 0
// when unshare ended first.
func (c *container) childOf(pid int) int {
	var child int
	c.waitFor("unshare's child", func() bool {
		tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
		for _, f := range tasks {
			b, _ := os.ReadFile(f)
			if fs := strings.Fields(string(b)); len(fs) > 0 {
				child, _ = strconv.Atoi(fs[0])
				return true
			}
		}
		return c.ended()
	})
	return child
}

// cleanup kills the namespace (its PID 1 first: the kernel kills the
// rest) and shows boot's output when the test failed.
func (c *container) cleanup() {
	if c.proc != nil && !c.ended() {
		c.proc.Signal(syscall.SIGKILL)
	}
	select {
	case <-c.done:
	case <-time.After(containerWait):
		c.t.Errorf("the container did not end after SIGKILL to its PID 1")
	}
	out := c.out.String()
	if strings.Contains(out, "WARNING: DATA RACE") {
		c.t.Errorf("the race detector reported in boot's output")
	}
	if c.t.Failed() {
		if len(out) > 16<<10 {
			out = "...\n" + out[len(out)-16<<10:]
		}
		c.t.Logf("boot's output:\n%s", out)
	}
}

func (c *container) ended() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// waitFor polls cond until it holds; past containerWait the test fails.
func (c *container) waitFor(what string, cond func() bool) {
	c.t.Helper()
	for deadline := time.Now().Add(containerWait); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			c.t.Fatalf("waited %v for %s", containerWait, what)
		}
	}
}

// waitLine waits for a line of boot's output that matches re.
func (c *container) waitLine(re string) {
	c.t.Helper()
	rx := regexp.MustCompile("(?m)" + re)
	c.waitFor("a line matching "+re, func() bool { return c.out.match(rx) })
}

// running waits until boot says that its n services run.
func (c *container) running(n int) {
	c.t.Helper()
	c.waitLine("^lsbinit boot: " + strconv.Itoa(n) + " services running$")
}

// exit waits for boot to end and returns its exit status.
func (c *container) exit() int {
	c.t.Helper()
	c.waitFor("boot to exit", c.ended)
	return exitStatus(c.err)
}

// exitStatus is a command's exit status: 0, N, or -1 for a signal or an
// error of its own.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// command is args run inside the container (as boot's user).
func (c *container) command(args ...string) *exec.Cmd {
	ns := []string{"-t", strconv.Itoa(c.pid), "-p", "-m", "-n"}
	if c.nobody {
		ns = append(ns, "-S", "65534", "-G", "65534")
	}
	cmd := exec.Command("nsenter", append(append(ns, "--"), args...)...)
	cmd.Env, cmd.Dir = containerEnv(c.nobody), "/"
	return cmd
}

// run runs args inside and returns their output and exit status.
func (c *container) run(args ...string) (string, int) {
	out, err := c.command(args...).CombinedOutput()
	return string(out), exitStatus(err)
}

// lsbinit runs the binary under test inside.
func (c *container) lsbinit(args ...string) (string, int) {
	return c.run(append([]string{"/usr/local/bin/lsbinit"}, args...)...)
}

// must runs the binary inside and fails the test unless it exits want.
func (c *container) must(want int, args ...string) string {
	c.t.Helper()
	out, code := c.lsbinit(args...)
	if code != want {
		c.t.Fatalf("lsbinit %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	return out
}

// syncBuffer is boot's output as it comes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) match(rx *regexp.Regexp) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return rx.Match(s.b.Bytes())
}

// count counts the occurrences of sep in the output so far.
func (s *syncBuffer) count(sep string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Count(s.b.Bytes(), []byte(sep))
}
