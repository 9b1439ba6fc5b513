package pidfile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestAcquireWriteInspect(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.pid")
	f, err := Acquire(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Inspect(path)
	if err != nil || p.State != Locked || p.BadContent == nil {
		t.Fatalf("locked before write: got %+v, %v; want Locked with empty content", p, err)
	}
	if err := f.Write(4242); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "4242\n" {
		t.Fatalf("content %q, want %q", b, "4242\n")
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != Perm&^umask() {
		t.Errorf("mode %v, want %v", info.Mode().Perm(), os.FileMode(Perm&^umask()))
	}
	// A shorter PID must not leave digits of the longer one behind.
	if err := f.Write(77); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "77\n" {
		t.Fatalf("content %q after rewrite, want %q", b, "77\n")
	}
	if p, err := Inspect(path); err != nil || p.State != Locked || p.PID != 77 {
		t.Fatalf("got %+v, %v; want Locked pid 77", p, err)
	}
	if _, err := Acquire(path, 0); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Acquire: %v, want ErrLocked", err)
	}
	if err := f.Release(); err != nil {
		t.Fatal(err)
	}
	if p, err := Inspect(path); err != nil || p.State != Unlocked || p.PID != 77 {
		t.Fatalf("after Release: %+v, %v; want Unlocked (stale) pid 77", p, err)
	}
	g, err := Acquire(path, 0)
	if err != nil {
		t.Fatalf("Acquire of a stale file: %v", err)
	}
	if err := g.Remove(); err != nil {
		t.Fatal(err)
	}
	if p, err := Inspect(path); err != nil || p.State != Absent {
		t.Fatalf("after Remove: %+v, %v; want Absent", p, err)
	}
}

func umask() os.FileMode {
	dir, _ := os.MkdirTemp("", "umask")
	defer os.RemoveAll(dir)
	f, _ := os.OpenFile(filepath.Join(dir, "x"), os.O_CREATE|os.O_WRONLY, 0o777)
	info, _ := f.Stat()
	f.Close()
	return 0o777 &^ info.Mode().Perm()
}

func TestInspectCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "svc.pid")
	if p, err := Inspect(path); err != nil || p.State != Absent {
		t.Fatalf("got %+v, %v; want Absent", p, err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatal("Inspect created the directory")
	}
}

func TestSymlinkNeverFollowed(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "svc.pid")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(path, 0); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("Acquire through a symlink: %v, want a refusal naming the symlink", err)
	}
	if _, err := Inspect(path); err == nil {
		t.Fatal("Inspect followed a symlink")
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Fatalf("symlink target changed to %q", b)
	}
}

func TestGarbage(t *testing.T) {
	cases := map[string]string{
		"empty":    "",
		"letters":  "abc\n",
		"negative": "-1\n",
		"zero":     "0\n",
		"init":     "1\n",
		"space":    " 123\n",
		"two":      "12\n34\n",
		"overflow": "99999999999\n",
		"huge":     strings.Repeat("7", 10<<20),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "svc.pid")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := Inspect(path)
			if err != nil || p.State != Unlocked || p.PID != 0 || !errors.Is(p.BadContent, ErrInvalid) {
				t.Fatalf("got %+v, %v; want Unlocked, no PID, ErrInvalid", p, err)
			}
			if _, err := Read(path); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Read: %v, want ErrInvalid", err)
			}
			// A stale file of garbage is taken over and rewritten.
			f, err := Acquire(path, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Remove()
			if err := f.Write(1234); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(path); string(b) != "1234\n" {
				t.Fatalf("after takeover: %q", b)
			}
		})
	}
}

func TestDirectoryIsNotAPidfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.pid")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Inspect(path); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("Inspect: %v, want 'is a directory'", err)
	}
	if _, err := Acquire(path, 0); err == nil {
		t.Fatal("Acquire accepted a directory")
	}
}

func TestRootRefusesWhatOthersCanWrite(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the insecure-file rules apply to root only")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "svc.pid")
	if err := os.WriteFile(path, []byte("123\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o666)
	if _, err := Inspect(path); !errors.Is(err, ErrInsecure) {
		t.Fatalf("world-writable pidfile: %v, want ErrInsecure", err)
	}
	os.Chmod(path, 0o644)
	os.Chown(path, 65534, 65534)
	if _, err := Inspect(path); !errors.Is(err, ErrInsecure) {
		t.Fatalf("pidfile owned by nobody: %v, want ErrInsecure", err)
	}
	open := filepath.Join(dir, "open")
	os.Mkdir(open, 0o755)
	os.Chmod(open, 0o1777)
	if _, err := Acquire(filepath.Join(open, "svc.pid"), 0); !errors.Is(err, ErrInsecure) {
		t.Fatalf("pidfile in a world-writable directory: %v, want ErrInsecure", err)
	}
	if _, err := os.Stat(filepath.Join(open, "svc.pid")); !os.IsNotExist(err) {
		t.Fatal("a refused Acquire left a file behind")
	}
}

func TestParsePID(t *testing.T) {
	good := map[string]int{"2\n": 2, "123": 123, "2147483647\n": 2147483647}
	for in, want := range good {
		if got, err := ParsePID([]byte(in)); err != nil || got != want {
			t.Errorf("ParsePID(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "\n", "1", "0", "-5", "+5", "5\n\n", "5 ", "0x10", "007", "2147483648", "٣"} {
		if _, err := ParsePID([]byte(in)); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParsePID(%q): %v, want ErrInvalid", in, err)
		}
	}
}

func FuzzParsePID(f *testing.F) {
	for _, s := range []string{"", "1", "2\n", "123\n", "abc", "-1", "99999999", "4294967298", "1\n2\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pid, err := ParsePID(b)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if pid < 2 {
			t.Fatalf("accepted pid %d", pid)
		}
		// Whatever is accepted is exactly what Write would have written.
		s := string(b)
		if s != itoa(pid) && s != itoa(pid)+"\n" {
			t.Fatalf("accepted %q as %d", b, pid)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
