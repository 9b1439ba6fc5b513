package supervisor

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// TestBackoff checks the respawn back-off: 100 ms, doubling to 30 s, and
// afresh after a daemon ran respawnReset.
func TestBackoff(t *testing.T) {
	var b backoff
	var got []time.Duration
	for range 11 {
		b.ended(time.Second)
		got = append(got, b.next())
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond,
		800 * time.Millisecond, 1600 * time.Millisecond, 3200 * time.Millisecond, 6400 * time.Millisecond,
		12800 * time.Millisecond, 25600 * time.Millisecond, 30 * time.Second, 30 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}
	b.ended(respawnReset - time.Millisecond)
	if d := b.next(); d != respawnMax {
		t.Errorf("after a short run: %v, want %v", d, respawnMax)
	}
	b.ended(respawnReset)
	if d := b.next(); d != respawnMin {
		t.Errorf("after a run of respawnReset: %v, want %v", d, respawnMin)
	}
}

// awaitChange waits for g to report a change, failing after a long bound
// (a missed change, not a slow one).
func awaitChange(t *testing.T, g *guard, what string) {
	t.Helper()
	select {
	case <-g.changed():
	case <-time.After(10 * time.Second):
		t.Fatalf("no change seen after %s", what)
	}
}

// TestGuardSeesRemovalAndNewDirectory checks that the guard reports a
// watched file removed, and goes on watching after its directory was
// replaced.
func TestGuardSeesRemovalAndNewDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pid := filepath.Join(dir, "svc.pid")
	os.WriteFile(pid, []byte("1\n"), 0o644)
	g := watchNames(dir, "svc.pid")
	defer g.close()
	drain(g)
	os.Remove(pid)
	awaitChange(t, g, "removing the pidfile")

	// The directory is replaced: rearm follows it.
	os.RemoveAll(dir)
	os.Mkdir(dir, 0o755)
	os.WriteFile(pid, []byte("1\n"), 0o644)
	g.rearm()
	drain(g)
	os.WriteFile(pid, []byte("2\n"), 0o644)
	awaitChange(t, g, "writing the pidfile in the new directory")
	var none *guard
	if none.changed() != nil {
		t.Error("a nil guard's channel must be nil")
	}
}

// drain empties g's channel of what happened before.
func drain(g *guard) {
	for {
		select {
		case <-g.changed():
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

// TestListenersOpenAndClose checks that the LISTEN sockets are bound in
// order, and that close removes the unix socket's file but never a file
// that is no longer a socket.
func TestListenersOpenAndClose(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "svc.sock")
	var l listeners
	err := l.open([]spec.Socket{{Name: "web", Net: "tcp", Addr: "127.0.0.1:0"}, {Name: "ctl", Net: "unix", Addr: sock}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.files) != 2 || len(l.paths) != 1 {
		t.Fatalf("%d files, %d paths", len(l.files), len(l.paths))
	}
	if c, err := net.Dial("unix", sock); err != nil {
		t.Errorf("the unix socket does not accept: %v", err)
	} else {
		c.Close()
	}
	l.close()
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket's file is still there: %v", err)
	}
	if l.files != nil || l.paths != nil {
		t.Error("close left files behind")
	}

	// Someone put a regular file where the socket was: it stays.
	if err := l.open([]spec.Socket{{Name: "ctl", Net: "unix", Addr: sock}}); err != nil {
		t.Fatal(err)
	}
	os.Remove(sock)
	os.WriteFile(sock, []byte("data"), 0o644)
	l.close()
	if _, err := os.Stat(sock); err != nil {
		t.Errorf("close removed a regular file: %v", err)
	}
}

// TestListenersOpenFails checks that a socket that cannot be bound
// closes the ones opened before it and names itself.
func TestListenersOpenFails(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	sock := filepath.Join(t.TempDir(), "a.sock")
	var l listeners
	err = l.open([]spec.Socket{{Name: "a", Net: "unix", Addr: sock}, {Name: "b", Net: "tcp", Addr: taken.Addr().String()}})
	if err == nil {
		t.Fatal("binding a taken port succeeded")
	}
	if want := "LISTEN tcp:" + taken.Addr().String(); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %s", err, want)
	}
	if l.files != nil {
		t.Error("the sockets opened first were not closed")
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Error("the unix socket opened first was left behind")
	}
}

// TestSwapSpared checks that only the spared daemon, and processes of its
// session, are left alone by stopLeftovers.
func TestSwapSpared(t *testing.T) {
	var s swap
	if s.spared(os.Getpid()) {
		t.Error("nothing is spared without a spare")
	}
	s.spare = os.Getpid()
	if !s.spared(os.Getpid()) {
		t.Error("the spare itself is not spared")
	}
	if s.spared(1) {
		t.Error("init, of another session, is spared")
	}
}
