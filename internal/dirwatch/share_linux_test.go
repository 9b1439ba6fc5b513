package dirwatch

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestShareWhenNoInstance runs, as nobody, a process that has used up the
// user's inotify instances beside one of the user's that serves (Share),
// and checks that its watches go through the server, see only their own
// files, and carry on when the server is killed.
func TestShareWhenNoInstance(t *testing.T) {
	asNobody(t, "TestShareChild", fmt.Sprintf("DIRWATCH_SHARE_NAME=lsbinit-test-share-%d", os.Getpid()))
}

// TestShareChild is TestShareWhenNoInstance's child.
func TestShareChild(t *testing.T) {
	dir, name := os.Getenv("DIRWATCH_CHILD_DIR"), os.Getenv("DIRWATCH_SHARE_NAME")
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
	stop, ok := Opens(log, func() { opened <- true })
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
	case <-opened:
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
	cmd.Env = append(os.Environ(), "DIRWATCH_SERVER=1", "DIRWATCH_SHARE_NAME="+name)
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

// watchWithoutInstance uses up the user's inotify instances, lets the
// process share on name, and watches s.pid in dir.
func watchWithoutInstance(t *testing.T, name, dir string) *Watcher {
	t.Helper()
	useUp(t)
	sharing.name = name
	Share()
	return Watch(dir, "s.pid")
}

// TestShareServer serves on $DIRWATCH_SHARE_NAME until killed.
func TestShareServer(t *testing.T) {
	if os.Getenv("DIRWATCH_SERVER") == "" {
		t.Skip("run by startServer")
	}
	sharing.name = os.Getenv("DIRWATCH_SHARE_NAME")
	Share()
	if _, ok := current().(*hub); !ok {
		t.Fatal("the server has no inotify instance")
	}
	for {
		if c, err := net.Dial("unix", "@"+sharing.name); err == nil {
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
	name := fmt.Sprintf("lsbinit-test-stranger-%d", os.Getpid())
	startServer(t, name)
	asNobody(t, "TestStrangerChild", "DIRWATCH_SHARE_NAME="+name)
}

// TestStrangerChild is TestShareRefusesStrangers's child.
func TestStrangerChild(t *testing.T) {
	dir, name := os.Getenv("DIRWATCH_CHILD_DIR"), os.Getenv("DIRWATCH_SHARE_NAME")
	if dir == "" || name == "" || os.Getenv("DIRWATCH_SERVER") != "" {
		t.Skip("run by TestShareRefusesStrangers")
	}
	w := watchWithoutInstance(t, name, dir)
	defer w.Close()
	if m := w.Mechanism(); m != ByDnotify {
		t.Fatalf("beside another user's server, the watch is through %s, want %s", m, ByDnotify)
	}
}
