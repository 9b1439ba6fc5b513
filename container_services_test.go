package main

// The container tests with services of their own (shell scripts in a
// config directory bound on /etc/lsbinit): whole lines, orphans, the
// stop timeout, a service that ends, respawn, refusals.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestContainerLinesWhole: three services each write 2000 lines of 5000
// times their letter at once; on boot's stdout every line is one
// service's, whole, after its name.
func TestContainerLinesWhole(t *testing.T) {
	needContainer(t)
	const lines, width = 2000, 5000
	files := map[string]string{}
	for _, n := range []string{"a", "b", "c"} {
		files[n+".conf"] = shService(n, "")
		files[n+".sh"] = fmt.Sprintf("l=$(printf '%%%ds' '' | tr ' ' %s)\ni=0\n"+
			"while [ $i -lt %d ]; do echo \"$l\"; i=$((i+1)); done\necho done\nexec sleep infinity\n", width, n, lines)
	}
	c := startContainer(t, bootOpts{conf: configDir(t, files)})
	c.running(3)
	c.waitFor("the end of the three services' lines", func() bool { return c.out.count(" | done\n") == 3 })

	counts, bad := map[string]int{}, 0
	for _, l := range strings.Split(c.out.String(), "\n") {
		name, text, ok := strings.Cut(l, " | ")
		switch {
		case !ok || text == "done" || strings.HasPrefix(text, "lsbinit: "):
			if !ok && l != "" && !regexp.MustCompile(`^(lsbinit boot: |Starting [abc]: )`).MatchString(l) {
				t.Errorf("a line of no one: %.100q", l)
			}
		case text == strings.Repeat(name, width):
			counts[name]++
		default:
			if bad++; bad <= 5 {
				t.Errorf("a mixed or cut line: %d bytes, %.60q ... %.60q", len(l), l, l[max(0, len(l)-60):])
			}
		}
	}
	for _, n := range []string{"a", "b", "c"} {
		if counts[n] != lines {
			t.Errorf("%d whole lines of %s, want %d", counts[n], n, lines)
		}
	}
}

// TestContainerReapsOrphans: the orphans of a daemon (its supervisor's
// to reap) and those of commands run inside the container, which the
// kernel hands to boot as PID 1: none is left a zombie.
func TestContainerReapsOrphans(t *testing.T) {
	needContainer(t)
	c := startContainer(t, bootOpts{conf: configDir(t, map[string]string{
		"forker.conf": shService("forker", ""),
		"forker.sh":   "i=0\nwhile [ $i -lt 50 ]; do (sleep 0.1 &); i=$((i+1)); done\necho forked 50\nexec sleep infinity\n",
	})})
	c.running(1)
	c.waitLine(`^forker \| forked 50$`)
	for range 50 {
		if err := c.command("/bin/sh", "-c", "(sleep 2 &)").Run(); err != nil {
			t.Fatalf("sh inside: %v", err)
		}
	}
	boots := 0
	c.waitFor("every orphan to end and be reaped", func() bool {
		sleeps := 0
		for _, p := range c.procs() {
			if p.comm == "sleep" {
				sleeps++
				if p.ppid == c.pid && p.state != 'Z' {
					boots++
				}
			}
		}
		return sleeps == 1 && len(c.zombies()) == 0 // the daemon's sleep infinity
	})
	if boots == 0 {
		t.Errorf("no orphan was ever boot's child: the test proved nothing")
	}
	if c.ended() {
		t.Errorf("boot ended: %v", c.err)
	}
}

// TestContainerStopTimeout: a daemon that ignores TERM, with a schedule
// longer than --stop-timeout 2s: boot kills it and exits 1.
func TestContainerStopTimeout(t *testing.T) {
	needContainer(t)
	c := startContainer(t, bootOpts{args: []string{"--stop-timeout", "2s"}, conf: configDir(t, map[string]string{
		"stubborn.conf": shService("stubborn", "STOP_SCHEDULE=TERM/60/KILL/5\n"),
		"stubborn.sh":   "trap '' TERM\necho ignoring TERM\nwhile :; do sleep 1; done\n",
	})})
	c.running(1)
	c.waitLine(`^stubborn \| ignoring TERM$`)
	c.proc.Signal(syscall.SIGTERM)
	if code := c.exit(); code != 1 {
		t.Errorf("boot exited %d, want 1", code)
	}
	inOrder(t, c.out.String(), `^lsbinit boot: stubborn did not stop within the stop timeout \(2s\): killing it$`,
		`^lsbinit boot: exiting with status 1$`)
}

// TestContainerServiceEnds: a service without RESPAWN whose daemon exits
// 3 once ready ends the container: boot names it, stops the other, and
// exits 3.
func TestContainerServiceEnds(t *testing.T) {
	needContainer(t)
	c := startContainer(t, bootOpts{conf: configDir(t, map[string]string{
		"crash.conf": shService("crash", "READY=delay:200ms\n"),
		"crash.sh":   "echo up\nsleep 3\necho crashing\nexit 3\n",
		"other.conf": shService("other", ""),
		"other.sh":   "exec sleep infinity\n",
	})})
	if code := c.exit(); code != 3 {
		t.Errorf("boot exited %d, want 3", code)
	}
	out := c.out.String()
	inOrder(t, out, `^Starting crash: crash\.$`,
		`^lsbinit boot: crash ended by itself: its daemon exited with status 3; stopping the others, then exiting 3$`,
		`^Stopping other: other\.$`, `^lsbinit boot: exiting with status 3$`)
	inOrder(t, out, `^crash \| up$`, `^crash \| crashing$`, `^lsbinit boot: exiting with status 3$`)
}

// TestContainerLastLines: what a daemon writes as it stops is all on
// boot's stdout before boot exits.
func TestContainerLastLines(t *testing.T) {
	needContainer(t)
	c := startContainer(t, bootOpts{conf: configDir(t, map[string]string{
		"talker.conf": shService("talker", ""),
		"talker.sh": "trap 'i=1; while [ $i -le 3000 ]; do echo \"last words $i\"; i=$((i+1)); done; exit 0' TERM\n" +
			"echo up\nwhile :; do sleep 0.1; done\n",
	})})
	c.running(1)
	c.waitLine(`^talker \| up$`)
	c.proc.Signal(syscall.SIGTERM)
	if code := c.exit(); code != 0 {
		t.Errorf("boot exited %d, want 0", code)
	}
	out := c.out.String()
	if n := strings.Count(out, "talker | last words "); n != 3000 {
		t.Errorf("%d of the daemon's 3000 last lines on boot's stdout", n)
	}
	inOrder(t, out, `^talker \| last words 3000$`, `^lsbinit boot: exiting with status 0$`)
}

// TestContainerRespawn: RESPAWN=on-failure with a daemon that exits 1
// after half a second: it is started again and again, boot runs on.
func TestContainerRespawn(t *testing.T) {
	needContainer(t)
	c := startContainer(t, bootOpts{conf: configDir(t, map[string]string{
		"flap.conf": shService("flap", "READY=delay:100ms\nRESPAWN=on-failure\n"),
		"flap.sh":   "echo up\nsleep 0.5\nexit 1\n",
	})})
	c.running(1)
	pids := map[int]bool{}
	c.waitFor("the daemon's pid to change twice", func() bool {
		if st := c.status("-c", "/etc/lsbinit/flap.conf"); st.Pid > 0 {
			pids[st.Pid] = true
		}
		return len(pids) >= 3
	})
	out, _ := c.lsbinit("-c", "/etc/lsbinit/flap.conf", "status", "-v")
	m := regexp.MustCompile(`Restarts: (\d+)`).FindStringSubmatch(out)
	n := -1
	if m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	if n < 2 {
		t.Errorf("status -v shows no count of 2 or more respawns:\n%s", out)
	}
	c.waitLine(`^flap \| lsbinit: .*exited with status 1`)
	if c.ended() || strings.Contains(c.out.String(), "ended by itself") {
		t.Errorf("boot took a respawning service for one that ended: %v", c.err)
	}
}

// TestContainerRefusals: a dependency cycle, or a REQUIRED_START that no
// service provides, refuses everything before anything starts: exit 6
// and one line that says why.
func TestContainerRefusals(t *testing.T) {
	needContainer(t)
	sleeper := "DAEMON=/bin/sleep\nDAEMON_ARGS=infinity\nLOGFILE=none\n"
	for _, tc := range []struct {
		name, a, b, why string
	}{
		{"cycle", "REQUIRED_START=b\n", "REQUIRED_START=a\n", `^lsbinit boot: dependency cycle: (a → b → a|b → a → b) `},
		{"missing", "REQUIRED_START=nosuch\n", "", `^lsbinit boot: a: REQUIRED_START nosuch: no service provides it$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startContainer(t, bootOpts{conf: configDir(t, map[string]string{
				"a.conf": sleeper + tc.a, "b.conf": sleeper + tc.b,
			})})
			if code := c.exit(); code != 6 {
				t.Errorf("boot exited %d, want 6", code)
			}
			out := c.out.String()
			if n := len(regexp.MustCompile("(?m)"+tc.why).FindAllString(out, -1)); n != 1 {
				t.Errorf("%d lines matching %q, want 1", n, tc.why)
			}
			if strings.Contains(out, "Starting") || strings.Contains(out, "services running") {
				t.Errorf("something was started")
			}
		})
	}
}

// TestContainerHealth: a HEALTH_CMD that fails once its marker file is
// removed. Without RESPAWN the service is left running and `lsbinit
// health` names it unhealthy until a check passes again; with
// RESPAWN=on-failure its daemon is replaced (and makes its marker again),
// and boot runs on.
func TestContainerHealth(t *testing.T) {
	needContainer(t)
	health := func(name string) string {
		return "HEALTH_CMD=\"/usr/bin/test -e /tmp/" + name + ".ok\"\nHEALTH_INTERVAL=200ms\nHEALTH_RETRIES=2\n"
	}
	marker := func(name string) string { return "touch /tmp/" + name + ".ok\necho up\nexec sleep infinity\n" }
	c := startContainer(t, bootOpts{conf: configDir(t, map[string]string{
		"sick.conf": shService("sick", health("sick")), "sick.sh": marker("sick"),
		"mend.conf": shService("mend", health("mend")+"RESPAWN=on-failure\n"), "mend.sh": marker("mend"),
	})})
	c.running(2)
	c.must(0, "health")
	sick, mend := c.status("sick").Pid, c.status("mend").Pid

	c.run("/bin/rm", "/tmp/sick.ok")
	c.waitFor("health to name sick unhealthy", func() bool {
		out, code := c.lsbinit("health")
		return code == 1 && regexp.MustCompile(`^sick: unhealthy[^\n]*\n$`).MatchString(out)
	})
	if st := c.status("sick"); st.State != "running" || st.Pid != sick {
		t.Errorf("sick without RESPAWN: %+v, want still running as pid %d", st, sick)
	}
	c.run("/usr/bin/touch", "/tmp/sick.ok")
	c.waitFor("health to pass again", func() bool { _, code := c.lsbinit("health"); return code == 0 })

	c.run("/bin/rm", "/tmp/mend.ok")
	c.waitFor("mend's daemon to be replaced", func() bool {
		st := c.status("mend")
		return st.State == "running" && st.Pid != mend && st.Pid > 0
	})
	c.waitLine(`^mend \| lsbinit: mend \(pid \d+\) failed 2 health checks in a row; restarting`)
	if st := c.status("mend"); st.Restarts < 1 {
		t.Errorf("mend's restarts: %d, want 1 or more", st.Restarts)
	}
	c.waitFor("health to pass with the new daemon", func() bool { _, code := c.lsbinit("health"); return code == 0 })
	if c.ended() || strings.Contains(c.out.String(), "ended by itself") {
		t.Errorf("boot took the restart for an end: %v", c.err)
	}
}
