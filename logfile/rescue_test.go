package logfile

import (
	"os"
	"path/filepath"
	"testing"
)

// The truncate may land between the Writer's look at the file and its
// write: the write then goes to the start of the cut file. The lines the
// copy missed must still come back, and before that write's.
func TestTruncatedUnderTheWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.log")
	w, err := NewWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Write([]byte("1\n2\n"))
	copied, _ := os.ReadFile(path)
	if err := os.WriteFile(path+".1", copied, 0o640); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("3\n")) // after the copy's last read
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.writeThrough([]byte("4\n")) // as if the look came just before the cut
	w.mu.Unlock()
	w.Write([]byte("5\n"))
	rotated, _ := os.ReadFile(path + ".1")
	current, _ := os.ReadFile(path)
	if got := string(rotated) + string(current); got != "1\n2\n3\n4\n5\n" {
		t.Fatalf("rotated %q + current %q: lines lost or out of order", rotated, current)
	}
}

// Two rotations before the next write: the first copy holds every line,
// the second is a copy of the then empty log. The empty copy "matches"
// any journal; the rescue must go by the copy whose end it can compare,
// and write nothing again.
func TestRescueAfterTwoRotations(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "svc.log")
	w, err := NewWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Write([]byte("1\n2\n3\n"))
	copied, _ := os.ReadFile(path)
	if err := os.WriteFile(path+".1", copied, 0o640); err != nil {
		t.Fatal(err)
	}
	os.Truncate(path, 0)
	// The second rotation: .1 moves to .2, an empty .1 is the new copy.
	if err := os.Rename(path+".1", path+".2"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".1", nil, 0o640); err != nil {
		t.Fatal(err)
	}
	os.Truncate(path, 0)
	w.Write([]byte("4\n"))
	older, _ := os.ReadFile(path + ".2")
	empty, _ := os.ReadFile(path + ".1")
	current, _ := os.ReadFile(path)
	if got := string(older) + string(empty) + string(current); got != "1\n2\n3\n4\n" {
		t.Fatalf("copies %q, %q + current %q: lines lost or written twice", older, empty, current)
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
