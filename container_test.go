package main

// `lsbinit boot` as a container's entrypoint (README, "Containers"), run
// as PID 1 of new namespaces with the image of examples/container/: real
// redis, the Python app that needs it, nginx in front. The harness is in
// container_helpers_test.go; the tests with services of their own are in
// container_services_test.go.

import (
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// exampleLine is every line boot's output may hold with the example:
// boot's own, or a service's, prefixed with its name.
var exampleLine = regexp.MustCompile(`^(lsbinit boot: |(Starting|Stopping|Restarting) (redis|app|nginx): |(redis|app|nginx) \| )`)

// TestContainerStartOrder: redis, then the app (which exits at once
// without redis), then nginx, each once the one before is ready; every
// line of their output on boot's stdout, prefixed with its name; the
// app's counter answers through nginx.
func TestContainerStartOrder(t *testing.T) {
	needContainer(t, exampleDaemons...)
	c := startContainer(t, bootOpts{})
	c.running(3)
	for _, name := range []string{"redis", "app", "nginx"} {
		// nginx's CHECK_CMD, nginx -t, reads /srv/app/nginx.conf.
		c.must(0, "-c", "/etc/lsbinit/"+name+".conf", "check")
	}
	for _, want := range []string{"hits 1\n", "hits 2\n"} {
		if got, code := c.fetch("http://127.0.0.1:8080/"); code != 0 || got != want {
			t.Fatalf("GET / through nginx: %q (exit %d), want %q", got, code, want)
		}
	}
	c.waitLine(`^nginx \| 127\.0\.0\.1 - - .*"GET / HTTP/1\.1" 200 7 `)
	c.waitLine(`^app \| 127\.0\.0\.1 "GET / HTTP/1\.0" 200 -$`)
	c.must(0, "health")

	out := c.out.String()
	inOrder(t, out, `^Starting redis: redis\.$`, `^Starting app: app\.$`, `^Starting nginx: nginx\.$`,
		`^lsbinit boot: 3 services running$`)
	for _, re := range []string{`^redis \| .*Ready to accept connections`, `^app \| serving on http://127\.0\.0\.1:8000/`,
		`^nginx \| .*start worker process`} {
		if lineIndex(out, re) < 0 {
			t.Errorf("no line matching %q", re)
		}
	}
	if n := strings.Count(out, "app | serving on"); n != 1 || strings.Contains(out, "is not there") {
		t.Errorf("the app started %d times, or without redis", n)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !exampleLine.MatchString(l) {
			t.Errorf("a line that is neither boot's nor a service's: %q", l)
		}
	}
}

// stopsInOrder checks boot's output for a clean stop in reverse order:
// nginx, the app, redis, each by its own shutdown, whose last lines all
// come before boot exits 0.
func stopsInOrder(t *testing.T, c *container) {
	t.Helper()
	if code := c.exit(); code != 0 {
		t.Errorf("boot exited %d after SIGTERM, want 0", code)
	}
	out := c.out.String()
	inOrder(t, out, `^lsbinit boot: terminated: stopping every service$`,
		`^Stopping nginx: nginx\.$`, `^Stopping app: app\.$`, `^Stopping redis: redis\.$`,
		`^lsbinit boot: exiting with status 0$`)
	// A daemon's own lines and boot's come through different pipes: in
	// order each, not with each other.
	for _, last := range []string{`^nginx \| .*: exit$`, `^app \| stopping \(signal 15\)$`,
		`^redis \| .*Redis is now ready to exit, bye bye`} {
		inOrder(t, out, `^lsbinit boot: terminated: `, last, `^lsbinit boot: exiting with status 0$`)
	}
	if strings.Contains(out, "failed") || strings.Contains(out, "killing it") {
		t.Errorf("a stop failed or was cut short")
	}
	c.waitFor("the namespace to be empty", func() bool { return len(c.procs()) == 0 })
}

// TestContainerSIGTERM: docker stop's SIGTERM stops nginx, then the app,
// then redis, and boot exits 0 with nothing left in the namespace.
func TestContainerSIGTERM(t *testing.T) {
	needContainer(t, exampleDaemons...)
	c := startContainer(t, bootOpts{})
	c.running(3)
	if len(c.procs()) < 7 { // boot, 3 supervisors, redis, the app, nginx's master and worker
		t.Errorf("only %d processes in the container: %v", len(c.procs()), c.procs())
	}
	c.proc.Signal(syscall.SIGTERM)
	stopsInOrder(t, c)
}

// TestContainerActions: `docker exec … lsbinit app restart` and the
// other actions, carried out by boot: the supervisors stay its children,
// a stop asked is no failure, health follows.
func TestContainerActions(t *testing.T) {
	needContainer(t, exampleDaemons...)
	c := startContainer(t, bootOpts{})
	c.running(3)
	restartApp(t, c)
	if out := c.must(0, "app", "status"); !regexp.MustCompile(`^app is running \(pid \d+\)\n$`).MatchString(out) {
		t.Errorf("app status: %q", out)
	}
	if st := c.status("app"); st.State != "running" || st.Pid == 0 {
		t.Errorf("app status --json: %+v", st)
	}
	list := c.must(0, "list")
	for _, name := range []string{"app", "nginx", "redis"} {
		if !regexp.MustCompile(`(?m)^` + name + ` +running +\d+ `).MatchString(list) {
			t.Errorf("list has no running %s:\n%s", name, list)
		}
	}

	c.must(0, "app", "stop")
	c.waitLine(`^lsbinit boot: app stopped \(by request\)$`)
	if out := c.must(1, "health"); !regexp.MustCompile(`^app: not running[^\n]*\n$`).MatchString(out) {
		t.Errorf("health with the app stopped: %q, want one line naming app", out)
	}
	c.must(0, "app", "start")
	c.must(0, "health")
	concurrentRestarts(t, c)

	if c.ended() {
		t.Fatalf("boot ended: %v", c.err)
	}
	if out := c.out.String(); strings.Contains(out, "ended by itself") || strings.Contains(out, "lost its supervisor") {
		t.Errorf("boot took an action for a crash")
	}
	supervisedByBoot(t, c, 3)
}

// restartApp restarts the app from inside: a new daemon, which answers.
func restartApp(t *testing.T, c *container) {
	t.Helper()
	before := c.status("app").Pid
	if out := c.must(0, "app", "restart"); out != "Restarting app: app.\n" {
		t.Errorf("app restart: %q", out)
	}
	if after := c.status("app").Pid; after == before || after == 0 {
		t.Errorf("the app's pid was %d, is %d after restart", before, after)
	}
	if got, code := c.fetch("http://127.0.0.1:8080/"); code != 0 || !strings.HasPrefix(got, "hits ") {
		t.Errorf("GET / after restart: %q (exit %d)", got, code)
	}
}

// concurrentRestarts asks two restarts at once: the second comes while
// the first stops or starts the app; both succeed, and the app answers.
func concurrentRestarts(t *testing.T, c *container) {
	t.Helper()
	before := c.status("app").Pid
	var wg sync.WaitGroup
	outs, codes := make([]string, 2), make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], codes[i] = c.lsbinit("app", "restart")
		}()
	}
	wg.Wait()
	for i := range 2 {
		if codes[i] != 0 {
			t.Errorf("concurrent restart %d: exit %d\n%s", i, codes[i], outs[i])
		}
	}
	if after := c.status("app"); after.State != "running" || after.Pid == before {
		t.Errorf("after two restarts the app is %+v (pid before %d)", after, before)
	}
	if got, code := c.fetch("http://127.0.0.1:8080/health"); code != 0 || got != "ok\n" {
		t.Errorf("GET /health after the restarts: %q (exit %d)", got, code)
	}
}

// supervisedByBoot checks that n supervisors run, each a child of boot.
func supervisedByBoot(t *testing.T, c *container, n int) {
	t.Helper()
	sups := 0
	for _, p := range c.procs() {
		if p.comm == "lsbinit" && p.pid != c.pid {
			sups++
			if p.ppid != c.pid {
				t.Errorf("supervisor %d is a child of %d, not of boot (%d)", p.pid, p.ppid, c.pid)
			}
		}
	}
	if sups != n {
		t.Errorf("%d supervisors run, want %d", sups, n)
	}
}

// TestContainerNonRoot: boot as nobody (docker run --user), only /tmp
// writable, HOME unset: the three start, nginx included; an action asked
// as the same user is carried out; SIGTERM stops them all.
func TestContainerNonRoot(t *testing.T) {
	needContainer(t, exampleDaemons...)
	c := startContainer(t, bootOpts{nobody: true})
	c.running(3)
	for _, p := range c.procs() {
		if p.uid != 65534 {
			t.Errorf("%s (pid %d) runs as uid %d, not nobody", p.comm, p.pid, p.uid)
		}
	}
	if got, code := c.fetch("http://127.0.0.1:8080/"); code != 0 || got != "hits 1\n" {
		t.Errorf("GET / through nginx: %q (exit %d)", got, code)
	}
	if out, _ := c.run("/usr/bin/stat", "-c", "%U %a", "/tmp/lsbinit-65534/lsbinit-boot.sock"); out != "nobody 600\n" {
		t.Errorf("boot's control socket: %q", out)
	}
	restartApp(t, c)
	supervisedByBoot(t, c, 3)
	c.proc.Signal(syscall.SIGTERM)
	stopsInOrder(t, c)
}

// TestContainerReadOnlyRoot: docker run --read-only --tmpfs /run --tmpfs
// /tmp: the three start and stop cleanly.
func TestContainerReadOnlyRoot(t *testing.T) {
	needContainer(t, exampleDaemons...)
	c := startContainer(t, bootOpts{readOnly: true})
	c.running(3)
	if out, code := c.run("/usr/bin/touch", "/x"); code == 0 || !strings.Contains(out, "Read-only file system") {
		t.Errorf("touch /x inside: exit %d, %q: the root is not read-only", code, out)
	}
	if got, code := c.fetch("http://127.0.0.1:8080/"); code != 0 || got != "hits 1\n" {
		t.Errorf("GET / through nginx: %q (exit %d)", got, code)
	}
	restartApp(t, c)
	c.proc.Signal(syscall.SIGTERM)
	stopsInOrder(t, c)
}
