package logfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenRefusesSymlinkAndCreates0640(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("precious\n"), 0o644)
	link := filepath.Join(dir, "svc.log")
	os.Symlink(target, link)
	if _, err := Open(link); !errors.Is(err, ErrSymlink) {
		t.Fatalf("Open(symlink) = %v, want ErrSymlink", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious\n" {
		t.Fatalf("target changed: %q", b)
	}
	path := filepath.Join(dir, "new.log")
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if info, _ := os.Stat(path); info.Mode().Perm()&^0o640 != 0 {
		t.Fatalf("new log mode %v, want at most 0640", info.Mode().Perm())
	}
}

func TestRootRefusesHardLinkedLog(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the hard-link rule applies to root")
	}
	dir := t.TempDir()
	other := filepath.Join(dir, "shadow")
	os.WriteFile(other, []byte("x\n"), 0o600)
	path := filepath.Join(dir, "svc.log")
	if err := os.Link(other, path); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrInsecure) {
		t.Fatalf("Open(hard link) = %v, want ErrInsecure", err)
	}
}

func TestWriterNeverFails(t *testing.T) {
	w, err := NewWriter(filepath.Join(t.TempDir(), "svc.log"))
	if err != nil {
		t.Fatal(err)
	}
	w.f.Close() // every write now fails
	if n, err := w.Write([]byte("lost\n")); n != 5 || err != nil {
		t.Fatalf("Write = %d, %v; want 5, nil", n, err)
	}
	if n, err := w.Dropped(); n != 5 || err == nil {
		t.Fatalf("Dropped = %d, %v; want 5 and the error", n, err)
	}
}

func TestTail(t *testing.T) {
	tl := Tail{Lines: 2}
	tl.Write([]byte("a\nb\nc"))
	tl.Write([]byte("d\ne\n"))
	if got := tl.String(); got != "cd\ne" {
		t.Fatalf("Tail = %q, want %q", got, "cd\ne")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}

// TestFollowsRename: logrotate's create mode renames the log and makes a
// new one; the writer moves to it by itself, losing nothing.
func TestFollowsRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "svc.log")
	w, err := NewWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Write([]byte("1\n"))
	os.Rename(path, path+".1")
	os.WriteFile(path, nil, 0o640)
	w.Write([]byte("2\n")) // may still go to the renamed file
	time.Sleep(renameCheck + 10*time.Millisecond)
	w.Write([]byte("3\n"))
	old, _ := os.ReadFile(path + ".1")
	cur, _ := os.ReadFile(path)
	if string(old)+string(cur) != "1\n2\n3\n" || !strings.HasSuffix(string(cur), "3\n") {
		t.Fatalf("renamed %q + new %q: want every line once, in order, the last in the new file", old, cur)
	}
}

// A Go crash's "panic:" line leads the tail after its goroutine trace has
// pushed it out of the last lines.
func TestTailKeepsStickyLine(t *testing.T) {
	tail := Tail{Lines: 3, Sticky: func(l string) bool { return strings.HasPrefix(l, "panic: ") }}
	io.WriteString(&tail, "starting\npanic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/x.go:3\n")
	want := "panic: boom\n...\ngoroutine 1 [running]:\nmain.main()\n\t/x.go:3"
	if got := tail.String(); got != want {
		t.Fatalf("tail:\n%s\nwant:\n%s", got, want)
	}
	short := Tail{Lines: 3, Sticky: tail.Sticky}
	io.WriteString(&short, "panic: boom\nline\n")
	if got := short.String(); got != "panic: boom\nline" {
		t.Fatalf("tail with the panic line still in it: %q", got)
	}
}
