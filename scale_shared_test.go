package main

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// sharedUID is the user TestSharedWatches runs its services as: one of
// its own, whose inotify instances no other test uses up.
const sharedUID = 47213

// hogEnv makes the test binary a process that takes all of its user's
// inotify instances but the number the variable gives, says "ready", and
// holds them until its standard input closes.
const hogEnv = "LSBINIT_TEST_INOTIFY_HOG"

// TestSharedWatches runs 24 services as a user with only 8 inotify
// instances left (fs.inotify.max_user_instances), as on a host with
// hundreds of services, and checks that the supervisors without one of
// their own watch through another's, that none runs while idle, that each
// puts back a pidfile removed under it, and that they still do once every
// supervisor that had an instance has been stopped (README,
// "Performance").
func TestSharedWatches(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 24 services")
	}
	if os.Getuid() != 0 {
		t.Skip("needs root, to run the services as a user of their own")
	}
	as := &syscall.Credential{Uid: sharedUID, Gid: sharedUID}
	bin, dir := userDir(t), userDir(t)
	if out, err := exec.Command("go", "build", "-o", bin+"/", ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	lsbinit := filepath.Join(bin, "lsbinit")
	const n, free = 24, 8
	confs := make([]string, n)
	for i := range confs {
		confs[i] = filepath.Join(dir, fmt.Sprintf("s%03d.conf", i))
		conf := fmt.Sprintf("DAEMON=/bin/sleep\nDAEMON_ARGS=infinity\nPIDFILE=%s/s%03d.pid\nLOGFILE=%s/s%03d.log\n", dir, i, dir, i)
		if err := os.WriteFile(confs[i], []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hog(t, as, bin, free)
	// Where the supervisors' socket for sharing goes (README, "Performance").
	t.Cleanup(func() { os.RemoveAll(fmt.Sprintf("/tmp/lsbinit-%d", sharedUID)) })
	t.Cleanup(func() { eightAtATime(t, as, lsbinit, "stop", confs) })
	eightAtATime(t, as, lsbinit, "start", confs)

	sups := supervisorsOf(t, dir, n)
	settle(sups) // the last starts' watches are being added
	before := timeslices(sups)
	time.Sleep(3 * time.Second)
	for pid, k := range timeslices(sups) {
		if k != before[pid] {
			t.Errorf("supervisor %d ran %d times in 3 idle seconds", pid, k-before[pid])
		}
	}
	repaired(t, dir, n)

	// Read after the idle seconds: reading a log opens it, which wakes
	// its supervisor (it may be logrotate's copytruncate).
	own, shared := byWatch(t, dir, n)
	if len(shared) == 0 || len(own) == 0 || len(own) > free {
		t.Fatalf("%d supervisors watch through an instance of their own, %d through another's: want at most %d, and some of each", len(own), len(shared), free)
	}

	// Every supervisor that had an instance goes, the one serving the
	// others among them: the rest watch on, through instances now free.
	eightAtATime(t, as, lsbinit, "stop", own)
	repaired(t, dir, n)
}

// settle waits, at most 30 s, for a second in which none of pids ran.
func settle(pids []int) {
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); {
		before := timeslices(pids)
		time.Sleep(time.Second)
		if maps.Equal(before, timeslices(pids)) {
			return
		}
	}
}

// userDir is a scratch directory sharedUID owns, which it can reach.
func userDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "lsbinit-shared-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chown(dir, sharedUID, sharedUID); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	return dir
}

// byWatch sorts the n services' configs in dir by how their supervisors
// watch their files, as their logs say.
func byWatch(t *testing.T, dir string, n int) (own, shared []string) {
	t.Helper()
	for i := range n {
		log, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("s%03d.log", i)))
		conf := filepath.Join(dir, fmt.Sprintf("s%03d.conf", i))
		switch {
		case strings.Contains(string(log), "watched through another lsbinit process's"):
			shared = append(shared, conf)
		case strings.Contains(string(log), "no inotify instance"):
			t.Errorf("s%03d: %s", i, log)
		default:
			own = append(own, conf)
		}
	}
	return own, shared
}

// hog starts a process of as's user that leaves it free inotify
// instances, until the test ends: a copy of this test binary in bin.
func hog(t *testing.T, as *syscall.Credential, bin string, free int) {
	t.Helper()
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(bin, "hog.test")
	if err := os.WriteFile(exe, self, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), hogEnv+"="+strconv.Itoa(free))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: as}
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("the inotify hog: %q, %v", line, err)
	}
}

// hogInotify is the process hog starts.
func hogInotify() int {
	free, _ := strconv.Atoi(os.Getenv(hogEnv))
	var fds []int
	for len(fds) < 1<<16 {
		fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
		if err != nil {
			break
		}
		fds = append(fds, fd)
	}
	if len(fds) < free {
		fmt.Printf("only %d inotify instances to be had\n", len(fds))
		return 1
	}
	for _, fd := range fds[:free] {
		unix.Close(fd)
	}
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n')
	return 0
}
