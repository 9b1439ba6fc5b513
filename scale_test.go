package main

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// scaleServices is past the point where two inotify instances per
// supervisor used up a user's 128 (fs.inotify.max_user_instances): with
// them, the later supervisors looked at their files once a second.
const scaleServices = 100

// TestHundredServices starts 100 services as one user, 8 at a time, and
// checks that every supervisor watches its files through at most one
// inotify instance, that none runs at all while the host is idle (a
// supervisor that fell back to looking once a second would), and that
// each puts back a pidfile removed under it (README, "Performance").
func TestHundredServices(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 100 services")
	}
	bin, dir := t.TempDir(), t.TempDir()
	// A release build: a hundred race-detector runtimes would measure the
	// detector.
	if out, err := exec.Command("go", "build", "-o", bin+"/", ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	lsbinit := filepath.Join(bin, "lsbinit")
	confs := make([]string, scaleServices)
	for i := range confs {
		confs[i] = filepath.Join(dir, fmt.Sprintf("s%03d.conf", i))
		conf := fmt.Sprintf("DAEMON=/bin/sleep\nDAEMON_ARGS=infinity\nPIDFILE=%s/s%03d.pid\nLOGFILE=%s/s%03d.log\n", dir, i, dir, i)
		if err := os.WriteFile(confs[i], []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { eightAtATime(t, nil, lsbinit, "stop", confs) })
	eightAtATime(t, nil, lsbinit, "start", confs)

	sups := supervisorsOf(t, dir, scaleServices)
	for _, pid := range sups {
		if n := inotifyInstances(pid); n > 1 {
			t.Errorf("supervisor %d holds %d inotify instances", pid, n)
		}
	}
	before := timeslices(sups)
	time.Sleep(3 * time.Second)
	for pid, n := range timeslices(sups) {
		if n != before[pid] {
			t.Errorf("supervisor %d ran %d times in 3 idle seconds", pid, n-before[pid])
		}
	}
	repaired(t, dir, 20)
}

// eightAtATime runs lsbinit -c CONF action for each conf, 8 at a time,
// as the user of as (nil: this process's); each must exit 0.
func eightAtATime(t *testing.T, as *syscall.Credential, lsbinit, action string, confs []string) {
	t.Helper()
	var wg sync.WaitGroup
	slots := make(chan struct{}, 8)
	for _, c := range confs {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			cmd := exec.Command(lsbinit, "-q", "-c", c, action)
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: as}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s %s: %v\n%s", action, filepath.Base(c), err, out)
			}
		}()
	}
	wg.Wait()
}

// supervisorsOf returns the supervisors the sidecars in dir name, and
// fails unless there are want of them.
func supervisorsOf(t *testing.T, dir string, want int) []int {
	t.Helper()
	sidecars, _ := filepath.Glob(filepath.Join(dir, "*.pid.lsbinit"))
	var pids []int
	for _, f := range sidecars {
		data, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "supervisor="); ok {
				pid, _ := strconv.Atoi(v)
				pids = append(pids, pid)
			}
		}
	}
	if len(pids) != want {
		t.Fatalf("%d supervisors recorded, want %d", len(pids), want)
	}
	return pids
}

// inotifyInstances counts pid's inotify instances.
func inotifyInstances(pid int) int {
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	n := 0
	for _, fd := range fds {
		if l, _ := os.Readlink(fd); l == "anon_inode:inotify" {
			n++
		}
	}
	return n
}

// timeslices returns how many times each process's threads have run
// (the third field of /proc/PID/task/TID/schedstat).
func timeslices(pids []int) map[int]int {
	m := map[int]int{}
	for _, pid := range pids {
		stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
		for _, s := range stats {
			data, _ := os.ReadFile(s)
			if f := strings.Fields(string(data)); len(f) == 3 {
				n, _ := strconv.Atoi(f[2])
				m[pid] += n
			}
		}
	}
	return m
}

// repaired removes n random pidfiles (all, if fewer) and waits until
// each is back with its PID in it.
func repaired(t *testing.T, dir string, n int) {
	t.Helper()
	pidfiles, _ := filepath.Glob(filepath.Join(dir, "*.pid"))
	rand.Shuffle(len(pidfiles), func(i, j int) { pidfiles[i], pidfiles[j] = pidfiles[j], pidfiles[i] })
	victims := pidfiles[:min(n, len(pidfiles))]
	want := map[string]string{}
	for _, p := range victims {
		data, _ := os.ReadFile(p)
		want[p] = string(data)
		os.Remove(p)
	}
	// A bound far beyond an event's delivery: a missed repair, not a
	// slow one (bench/scale.sh measures how fast).
	for deadline := time.Now().Add(30 * time.Second); len(want) > 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for p, pid := range want {
			if data, err := os.ReadFile(p); err == nil && string(data) == pid {
				delete(want, p)
			}
		}
	}
	for p := range want {
		t.Errorf("%s was not put back", filepath.Base(p))
	}
}
