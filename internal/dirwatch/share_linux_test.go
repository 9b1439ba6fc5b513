package dirwatch

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestShareWhenNoInstance runs, as nobody, a process that has used up the
// user's inotify instances beside one of the user's that serves (Share),
// and checks that its watches go through the server, see only their own
// files, and carry on when the server is killed.
func TestShareWhenNoInstance(t *testing.T) {
	asNobody(t, "TestShareChild", "DIRWATCH_SHARE_DIR="+shareDir(t, "share"))
}

// TestShareChild is TestShareWhenNoInstance's child.
func TestShareChild(t *testing.T) {
	dir, name := os.Getenv("DIRWATCH_CHILD_DIR"), os.Getenv("DIRWATCH_SHARE_DIR")
	if dir == "" || name == "" {
		t.Skip("run by TestShareWhenNoInstance")
	}
	server := startServer(t, name)
	w := watchWithoutInstance(t, name, dir)
	defer w.Close()
	if m := w.Mechanism(); m != ByShared {
		t.Fatalf("the watch is through %s, want %s", m, ByShared)
	}
	log := filepath.Join(dir, "s.log")
	os.WriteFile(log, nil, 0o644)
	opened := make(chan bool, 8)
	stop, ok := Opens(log, func() {
		// As the log's copy watch does: a watch added from a callback.
		stopNames, ok := Names(dir, func(string) {})
		if ok {
			stopNames()
		}
		opened <- ok
	})
	if !ok {
		t.Fatal("Opens through the server: not ok")
	}
	defer stop()

	os.WriteFile(filepath.Join(dir, "other.pid"), []byte("2\n"), 0o644)
	if !quiet(w) {
		t.Error("another file of the directory woke the watch")
	}
	os.Remove(filepath.Join(dir, "s.pid"))
	if err := changed(w); err != nil {
		t.Fatalf("removing s.pid: %v", err)
	}
	if f, err := os.Open(log); err == nil {
		f.Close()
	}
	select {
	case ok := <-opened:
		if !ok || current().gone() {
			t.Error("a watch added from a callback of the server's events failed, or ended the connection")
		}
	case <-time.After(10 * time.Second):
		t.Error("Opens heard no open of the log through the server")
	}

	os.WriteFile(filepath.Join(dir, "s.pid"), []byte("1\n"), 0o644)
	w.Rearm()
	for !quiet(w) {
	}
	server.Process.Kill()
	server.Wait()
	if err := changed(w); err != nil {
		t.Fatalf("the server killed: %v", err)
	}
	w.Rearm() // the server's instance is free now: the process takes it
	if m := w.Mechanism(); m != ByInotify {
		t.Errorf("after the server went, the watch is through %s, want %s", m, ByInotify)
	}
	os.Remove(filepath.Join(dir, "s.pid"))
	if err := changed(w); err != nil {
		t.Errorf("removing s.pid after the server went: %v", err)
	}
}

// startServer starts TestShareServer, as this process's user, and waits
// until it serves on name.
func startServer(t *testing.T, name string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestShareServer$")
	cmd.Env = append(os.Environ(), "DIRWATCH_SERVER=1", "DIRWATCH_SHARE_DIR="+name)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "serving\n" {
		t.Fatalf("server: %q, %v", line, err)
	}
	return cmd
}

// shareDir names a directory, not made yet, for a test's server's socket
// (Share makes it), and removes it when the test ends.
func shareDir(t *testing.T, what string) string {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("lsbinit-test-%s-%d", what, os.Getpid()))
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// watchWithoutInstance uses up the user's inotify instances, lets the
// process share through the socket in name, and watches s.pid in dir.
func watchWithoutInstance(t *testing.T, name, dir string) *Watcher {
	t.Helper()
	useUp(t)
	Share(name)
	return Watch(dir, "s.pid")
}

// TestShareServer serves on $DIRWATCH_SHARE_DIR until killed.
func TestShareServer(t *testing.T) {
	if os.Getenv("DIRWATCH_SERVER") == "" {
		t.Skip("run by startServer")
	}
	Share(os.Getenv("DIRWATCH_SHARE_DIR"))
	if _, ok := current().(*hub); !ok {
		t.Fatal("the server has no inotify instance")
	}
	for {
		if c, err := net.Dial("unix", socketPath()); err == nil {
			c.Close()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("serving")
	select {}
}

// TestShareRefusesStrangers checks that a process without an instance
// does not use a server of another user: nobody's watch, beside root's
// server, goes through dnotify.
func TestShareRefusesStrangers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root, to serve as one user and ask as another")
	}
	name := shareDir(t, "stranger")
	startServer(t, name)
	asNobody(t, "TestStrangerChild", "DIRWATCH_SHARE_DIR="+name)
}

// TestStrangerChild is TestShareRefusesStrangers's child.
func TestStrangerChild(t *testing.T) {
	dir, name := os.Getenv("DIRWATCH_CHILD_DIR"), os.Getenv("DIRWATCH_SHARE_DIR")
	if dir == "" || name == "" || os.Getenv("DIRWATCH_SERVER") != "" {
		t.Skip("run by TestShareRefusesStrangers")
	}
	w := watchWithoutInstance(t, name, dir)
	defer w.Close()
	if m := w.Mechanism(); m != ByDnotify {
		t.Fatalf("beside another user's server, the watch is through %s, want %s", m, ByDnotify)
	}
}

// TestShareStalledServer runs, as nobody, a process whose server stops
// (SIGSTOP) and checks that its watch, armed again, is not left without
// any: it leaves the server, and sees a removal.
func TestShareStalledServer(t *testing.T) {
	asNobody(t, "TestStalledChild", "DIRWATCH_SHARE_DIR="+shareDir(t, "stalled"))
}

// TestStalledChild is TestShareStalledServer's child.
func TestStalledChild(t *testing.T) {
	dir, name := os.Getenv("DIRWATCH_CHILD_DIR"), os.Getenv("DIRWATCH_SHARE_DIR")
	if dir == "" || name == "" || os.Getenv("DIRWATCH_SERVER") != "" {
		t.Skip("run by TestShareStalledServer")
	}
	server := startServer(t, name)
	startServer(t, name) // waits to take over
	w := watchWithoutInstance(t, name, dir)
	defer w.Close()
	if m := w.Mechanism(); m != ByShared {
		t.Fatalf("the watch is through %s, want %s", m, ByShared)
	}
	server.Process.Signal(syscall.SIGSTOP)
	defer server.Process.Signal(syscall.SIGCONT)
	waitStopped(t, server.Process.Pid)
	pid := filepath.Join(dir, "s.pid")
	os.Remove(pid)
	os.WriteFile(pid, []byte("2\n"), 0o644) // a new file: Rearm must add a watch on it
	w.Rearm()
	// dnotify, or an instance of its own when one was set free meanwhile
	// (another test's process going away): anything but the stopped server.
	if m := w.Mechanism(); m == ByShared {
		t.Fatalf("with the server stopped, the watch is still through it")
	}
	for !quiet(w) {
	}
	w.Rearm() // again: the stopped server is left alone for stalledPause
	sharing.mu.Lock()
	again := sharing.inst
	sharing.mu.Unlock()
	if _, ok := again.(*peer); ok {
		t.Error("a Rearm right after went back to the stopped server")
	}
	os.Remove(pid)
	if err := changed(w); err != nil {
		t.Errorf("removing s.pid with the server stopped: %v", err)
	}

	// The stopped server goes, and the other takes over: the watch is
	// shared again at once, not after stalledPause.
	server.Process.Kill()
	server.Wait()
	useUp(t) // the instance it freed
	for deadline := time.Now().Add(stalledPause / 2); w.Mechanism() != ByShared && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		w.Rearm()
	}
	if c, pid, err := dial(); true {
		t.Logf("DEBUG dial %v %d %v slowPID %d", c, pid, err, sharing.slowPID)
	}
	if m := w.Mechanism(); m != ByShared {
		t.Errorf("after another server took over, the watch is through %s, want %s", m, ByShared)
	}
}

// waitStopped waits until every thread of process pid has stopped: kill
// returns before they do, and one of them may meanwhile still answer.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if allStopped(pid) {
			return
		}
	}
	t.Fatalf("process %d did not stop", pid)
}

// allStopped reports whether every thread of process pid is stopped.
func allStopped(pid int) bool {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil || len(tasks) == 0 {
		return false
	}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, task.Name()))
		i := strings.LastIndexByte(string(b), ')')
		if err != nil || i < 0 || i+2 >= len(b) || b[i+2] != 'T' {
			return false
		}
	}
	return true
}
