package dirwatch

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// changed waits for a change on w, failing after a bound far beyond any
// event's delivery (a missed change, not a slow one).
func changed(w *Watcher) error {
	select {
	case <-w.C:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("no change seen")
	}
}

// quiet reports whether w stays quiet for a while, after draining what
// came before.
func quiet(w *Watcher) bool {
	select {
	case <-w.C:
		return false
	case <-time.After(300 * time.Millisecond):
		return true
	}
}

// inotifyFDs counts the process's inotify instances.
func inotifyFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && l == "anon_inode:inotify" {
			n++
		}
	}
	return n
}

// TestOneInstance checks that every watch of the process, on files and on
// new names, shares one inotify instance, and that a watch wakes for its
// own files only.
func TestOneInstance(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.pid", "b.pid", "other"} {
		os.WriteFile(filepath.Join(dir, f), []byte("1\n"), 0o644)
	}
	a, b := Watch(dir, "a.pid"), Watch(dir, "b.pid")
	defer a.Close()
	defer b.Close()
	names := make(chan string, 8)
	stop, ok := Names(dir, func(name string) { names <- name })
	if !ok {
		t.Fatal("Names: no inotify")
	}
	defer stop()
	if n := inotifyFDs(t); n != 1 {
		t.Errorf("%d inotify instances, want 1", n)
	}
	os.WriteFile(filepath.Join(dir, "other"), []byte("2\n"), 0o644)
	if !quiet(a) || !quiet(b) {
		t.Error("a change to another file woke a watch")
	}
	os.Remove(filepath.Join(dir, "a.pid"))
	if err := changed(a); err != nil {
		t.Errorf("removing a.pid: %v", err)
	}
	if !quiet(b) {
		t.Error("removing a.pid woke b's watch")
	}
	os.WriteFile(filepath.Join(dir, "a.pid.1"), nil, 0o644)
	select {
	case name := <-names:
		if name != "a.pid.1" {
			t.Errorf("Names saw %q, want a.pid.1", name)
		}
	case <-time.After(10 * time.Second):
		t.Error("Names saw no new file")
	}
}

// TestRearmFollowsLookalike checks that a file removed and made again at
// once is watched again after Rearm. As timestamps are taken at the
// clock's coarse tick, the new file often gets the freed inode number
// and the same birth time (195 of 200 in a loop on ext4, unless the old
// file's times were just read), so nothing short of the
// kernel's watch descriptor tells the two apart: Rearm subscribes afresh
// even to what looks like the same file, and a watch kept on the old one
// would miss the new one's writes.
func TestRearmFollowsLookalike(t *testing.T) {
	dir := t.TempDir()
	pid := filepath.Join(dir, "s.pid")
	os.WriteFile(pid, []byte("1\n"), 0o644)
	w := Watch(dir, "s.pid")
	defer w.Close()
	n := w.impl.(*inotify)
	alike := 0
	for i := range 5 {
		os.Remove(pid)
		os.WriteFile(pid, []byte("1\n"), 0o644)
		w.Rearm() // watching a file made this very tick
		before, was := identity(pid), n.files[0].s
		os.Remove(pid)
		os.WriteFile(pid, []byte("2\n"), 0o644)
		if identity(pid) == before {
			alike++
		}
		w.Rearm()
		if n.files[0].s == was {
			t.Fatalf("round %d: Rearm kept the subscription of a file removed since", i)
		}
		for !quiet(w) {
		}
		os.WriteFile(pid, []byte("3\n"), 0o644)
		if err := changed(w); err != nil {
			t.Fatalf("round %d: writing the new s.pid after Rearm: %v", i, err)
		}
	}
	t.Logf("%d of 5 new files had the old one's inode number and birth time", alike)
	// Where this kernel told them apart, the proof is that Rearm never
	// trusts a file's looks: it subscribes afresh even to the same file.
	was := n.files[0].s
	w.Rearm()
	if n.files[0].s == was {
		t.Error("Rearm kept a subscription because the file looked the same")
	}
}

// TestRearmFollowsReplacement checks that a file replaced by a rename is
// watched again after Rearm, and that a watch's Close leaves the others
// of the process watching.
func TestRearmFollowsReplacement(t *testing.T) {
	dir := t.TempDir()
	pid := filepath.Join(dir, "s.pid")
	os.WriteFile(pid, []byte("1\n"), 0o644)
	w, other := Watch(dir, "s.pid"), Watch(dir, "s.pid")
	defer w.Close()
	tmp := filepath.Join(dir, "tmp")
	os.WriteFile(tmp, []byte("2\n"), 0o644)
	os.Rename(tmp, pid)
	if err := changed(w); err != nil {
		t.Fatalf("replacing s.pid: %v", err)
	}
	w.Rearm()
	for !quiet(w) {
	}
	other.Close()
	os.WriteFile(pid, []byte("3\n"), 0o644)
	if err := changed(w); err != nil {
		t.Errorf("writing the new s.pid after Rearm and another watch's Close: %v", err)
	}
}

// TestDnotifyWhenNoInstance runs, as a user of its own, a process that
// has used up that user's inotify instances, and checks that its watch
// still sees a watched file removed (through dnotify), and is not woken
// by another file of the directory.
func TestDnotifyWhenNoInstance(t *testing.T) {
	asNobody(t, "TestDnotifyChild")
}

// asNobody runs the test named run of this package's test binary as
// nobody, in a directory nobody can write (DIRWATCH_CHILD_DIR) holding
// s.pid, and fails unless it passes.
func asNobody(t *testing.T, run string, env ...string) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root, to run as a user whose inotify instances it may use up")
	}
	// A directory the user can reach, holding a copy of this test.
	dir, err := os.MkdirTemp("", "dirwatch")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	os.WriteFile(filepath.Join(dir, "s.pid"), []byte("1\n"), 0o666)
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "dirwatch.test")
	os.WriteFile(exe, self, 0o755)
	cmd := exec.Command(exe, "-test.run=^"+run+"$", "-test.v")
	cmd.Env = append(append(os.Environ(), "DIRWATCH_CHILD_DIR="+dir), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+run) {
		t.Errorf("child: %v\n%s", err, out)
	}
}

// useUp takes every inotify instance the user has left, for the process's
// life.
func useUp(t *testing.T) {
	for i := 0; ; i++ {
		if _, err := unix.InotifyInit1(unix.IN_CLOEXEC); err != nil {
			t.Logf("inotify instances used up after %d: %v", i, err)
			return
		}
		if i > 100000 {
			t.Fatal("no limit on inotify instances")
		}
	}
}

// TestDnotifyChild is TestDnotifyWhenNoInstance's child.
func TestDnotifyChild(t *testing.T) {
	dir := os.Getenv("DIRWATCH_CHILD_DIR")
	if dir == "" {
		t.Skip("run by TestDnotifyWhenNoInstance")
	}
	useUp(t)
	w := Watch(dir, "s.pid")
	defer w.Close()
	if _, ok := w.impl.(*dnotify); !ok {
		t.Fatalf("the watch is %T, want *dnotify", w.impl)
	}
	os.WriteFile(filepath.Join(dir, "other.pid"), []byte("2\n"), 0o644)
	if !quiet(w) {
		t.Error("another file of the directory woke the watch")
	}
	os.Remove(filepath.Join(dir, "s.pid"))
	if err := changed(w); err != nil {
		t.Fatalf("removing s.pid: %v", err)
	}
}

func isPaused(d *dnotify) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused
}

// TestDnotifyStorm checks that a dnotify watch that gets more than
// stormMax signals a second for other files stops listening, still sees
// its own file go (by a look every stormLook), and listens again.
func TestDnotifyStorm(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "s.pid"), []byte("1\n"), 0o644)
	w := newWatcher()
	d, err := watchDnotify(w, dir, []string{"s.pid"})
	if err != nil {
		t.Skip("no dnotify here:", err)
	}
	w.impl = d
	defer w.Close()
	for range stormMax + 1 {
		d.check() // as the signals for other files would
	}
	if !isPaused(d) {
		t.Fatal("more than stormMax signals for other files did not pause the watch")
	}
	os.Remove(filepath.Join(dir, "s.pid"))
	if err := changed(w); err != nil {
		t.Fatalf("removing s.pid during the pause: %v", err)
	}
}
