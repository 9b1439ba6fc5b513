package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// nsProc is a process of the container, as the host sees it.
type nsProc struct {
	pid, ppid, uid int
	state          byte // R, S, Z, ...
	comm           string
}

// procs lists the processes of the container's PID namespace.
func (c *container) procs() []nsProc {
	if c.ns == "" {
		return nil
	}
	entries, _ := os.ReadDir("/proc")
	var out []nsProc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		dir := "/proc/" + e.Name()
		if ns, _ := os.Readlink(dir + "/ns/pid"); ns != c.ns {
			continue
		}
		if p, ok := readProc(pid, dir); ok {
			out = append(out, p)
		}
	}
	return out
}

// readProc reads a process's state, parent and uid from /proc.
func readProc(pid int, dir string) (nsProc, bool) {
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return nsProc{}, false
	}
	s := string(stat)
	open, shut := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || shut < open || len(s) < shut+4 {
		return nsProc{}, false
	}
	f := strings.Fields(s[shut+2:])
	p := nsProc{pid: pid, state: f[0][0], comm: s[open+1 : shut], uid: -1}
	p.ppid, _ = strconv.Atoi(f[1])
	status, _ := os.ReadFile(dir + "/status")
	if m := regexp.MustCompile(`(?m)^Uid:\s+(\d+)`).FindSubmatch(status); m != nil {
		p.uid, _ = strconv.Atoi(string(m[1]))
	}
	return p, true
}

// zombies are the container's processes that have ended unreaped.
func (c *container) zombies() []nsProc {
	var z []nsProc
	for _, p := range c.procs() {
		if p.state == 'Z' {
			z = append(z, p)
		}
	}
	return z
}

// configDir writes files (name: contents) into a new directory, for
// /etc/lsbinit.
func configDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil { // boot may run as nobody
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil { // whatever the umask
			t.Fatal(err)
		}
	}
	return dir
}

// shService is the config of a service whose daemon is the shell script
// /etc/lsbinit/NAME.sh, with its output on boot's stdout only.
func shService(name, extra string) string {
	return "DAEMON=/bin/sh\nDAEMON_ARGS=/etc/lsbinit/" + name + ".sh\nLOGFILE=none\nRELOAD_SIGNAL=none\n" + extra
}

// svcStatus is what `status --json` says of a service.
type svcStatus struct {
	State    string `json:"state"`
	Status   int    `json:"status"`
	Pid      int    `json:"pid"`
	Restarts int    `json:"restarts"`
}

// status runs `lsbinit ARGS status --json` inside (ARGS: NAME, or -c
// FILE) and parses it.
func (c *container) status(args ...string) svcStatus {
	c.t.Helper()
	out, _ := c.lsbinit(append(args, "status", "--json")...)
	var st svcStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		c.t.Fatalf("lsbinit %s status --json: %v\n%s", strings.Join(args, " "), err, out)
	}
	return st
}

// fetch gets http://127.0.0.1:PORT/PATH inside, with python3 (the image
// has no curl), and returns the body, or the error's text and 1.
func (c *container) fetch(url string) (string, int) {
	return c.run("/usr/bin/python3", "-c",
		"import sys, urllib.request as u; sys.stdout.write(u.urlopen(sys.argv[1], timeout=20).read().decode())", url)
}

// inOrder fails the test unless out has a line matching each of res,
// each after the one matching the pattern before it.
func inOrder(t *testing.T, out string, res ...string) {
	t.Helper()
	at := 0
	for i, re := range res {
		loc := regexp.MustCompile("(?m)" + re).FindStringIndex(out[at:])
		switch {
		case loc == nil && i == 0:
			t.Errorf("no line matching %q", re)
			return
		case loc == nil:
			t.Errorf("no line matching %q after the one matching %q", re, res[i-1])
			return
		}
		at += loc[1]
	}
}

// lineIndex is the offset of the first line of out that matches re, or
// -1.
func lineIndex(out, re string) int {
	loc := regexp.MustCompile("(?m)" + re).FindStringIndex(out)
	if loc == nil {
		return -1
	}
	return loc[0]
}
