package logfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newLog opens a Writer on svc.log in a fresh directory.
func newLog(t *testing.T) (*Writer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "svc.log")
	w, err := NewWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, path
}

// copyTo plays logrotate's copy: the log as it is now, into dst.
func copyTo(t *testing.T, path, dst string) {
	t.Helper()
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(dst, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

// joined returns the files' contents, one after the other.
func joined(paths ...string) string {
	var b strings.Builder
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		b.Write(data)
	}
	return b.String()
}

// TestCopytruncateRescue plays logrotate's copytruncate with the worst
// timing: lines are written after the copy was taken and before the
// truncate. The next write must first restore them, in order. (The copy
// is found by a look at the directory, with or without inotify.)
func TestCopytruncateRescue(t *testing.T) {
	w, path := newLog(t)
	for _, l := range []string{"1\n", "2\n", "3\n"} {
		w.Write([]byte(l))
	}
	copyTo(t, path, path+".1")
	w.Write([]byte("4\n")) // meanwhile the daemon writes on...
	w.Write([]byte("5\n"))
	os.Truncate(path, 0) // ...then logrotate truncates
	w.Write([]byte("6\n"))
	if got := joined(path+".1", path); got != "1\n2\n3\n4\n5\n6\n" {
		t.Fatalf("rotated + current = %q: lines lost or out of order", got)
	}
}

// With inotify, the Writer holds the copies it saw open: a copy that is
// compressed and removed before the next write (compress without
// delaycompress) still tells what it missed.
func TestRescueFromARemovedCopy(t *testing.T) {
	w, path := newLog(t)
	if w.watch == nil {
		t.Skip("no inotify here (or no instance left): the rescue looks at the directory only")
	}
	w.Write([]byte("1\n2\n"))
	copyTo(t, path, path+".1")
	waitFor(t, func() bool { return len(w.watch.recent()) > 0 })
	w.Write([]byte("3\n")) // after the copy's last read
	os.Truncate(path, 0)
	kept, _ := os.ReadFile(path + ".1")
	os.Remove(path + ".1") // compressed away
	w.Write([]byte("4\n"))
	if got := string(kept) + joined(path); got != "1\n2\n3\n4\n" {
		t.Fatalf("removed copy + current = %q: lines lost", got)
	}
}

// The truncate may land between the Writer's look at the file and its
// write: the write then goes to the start of the cut file. The lines the
// copy missed must still come back, and before that write's.
func TestTruncatedUnderTheWrite(t *testing.T) {
	w, path := newLog(t)
	w.Write([]byte("1\n2\n"))
	copyTo(t, path, path+".1")
	w.Write([]byte("3\n")) // after the copy's last read
	os.Truncate(path, 0)
	w.mu.Lock()
	w.writeThrough([]byte("4\n")) // as if the look came just before the cut
	w.mu.Unlock()
	w.Write([]byte("5\n"))
	if got := joined(path+".1", path); got != "1\n2\n3\n4\n5\n" {
		t.Fatalf("rotated + current = %q: lines lost or out of order", got)
	}
}

// Two rotations before the next write: the first copy holds every line,
// the second is a copy of the then empty log. The empty copy "matches"
// any journal; the rescue must go by the copy whose end it can compare,
// and write nothing again.
func TestRescueAfterTwoRotations(t *testing.T) {
	w, path := newLog(t)
	w.Write([]byte("1\n2\n3\n"))
	copyTo(t, path, path+".1")
	os.Truncate(path, 0)
	// The second rotation: .1 moves to .2, an empty .1 is the new copy.
	if err := os.Rename(path+".1", path+".2"); err != nil {
		t.Fatal(err)
	}
	copyTo(t, path, path+".1")
	os.Truncate(path, 0)
	w.Write([]byte("4\n"))
	if got := joined(path+".2", path+".1", path); got != "1\n2\n3\n4\n" {
		t.Fatalf("copies + current = %q: lines lost or written twice", got)
	}
}

// Without a copy to learn from, the truncation is noted, not guessed at.
func TestTruncationWithoutCopyIsNoted(t *testing.T) {
	w, path := newLog(t)
	w.Write([]byte("1\n2\n"))
	os.Truncate(path, 0)
	w.Write([]byte("3\n"))
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "lsbinit: the log was truncated") || !strings.HasSuffix(string(b), "\n3\n") {
		t.Fatalf("log after truncation: %q", b)
	}
}

// LOGFILE=none (/dev/null) has no offsets to keep a journal by: writes to
// it never look like a truncation to repair.
func TestWriterOnDevNull(t *testing.T) {
	w, err := NewWriter(None)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for range 3 {
		if n, err := w.Write([]byte("a line\n")); n != 7 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if n, err := w.Dropped(); n != 0 || err != nil {
		t.Fatalf("Dropped = %d, %v; want nothing dropped", n, err)
	}
}
