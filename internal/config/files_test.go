package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// chmod sets the mode of path, failing the test on error.
func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func TestInsecureModes(t *testing.T) {
	tests := []struct {
		mode    os.FileMode
		uid     int
		refused bool
	}{
		{0o644, 0, false},
		{0o600, 0, false},
		{0o444, 0, false},
		{0o664, 0, true},
		{0o646, 0, true},
		{0o666, 0, true},
		{0o620, 0, true},
		{0o664, 1000, false},
		{0o660, 1000, false},
		{0o646, 1000, true},
		{0o666, 1000, true},
	}
	for _, tt := range tests {
		etc := etcFiles(t, map[string]string{"default/svc": "DAEMON=/x\n"})
		path := filepath.Join(etc, "default/svc")
		chmod(t, path, tt.mode)
		o := opts(etc)
		o.UID = tt.uid
		_, err := Load(o)
		if !tt.refused {
			if err != nil {
				t.Errorf("mode %04o uid %d: %v", tt.mode, tt.uid, err)
			}
			continue
		}
		if !errors.Is(err, ErrInsecure) {
			t.Errorf("mode %04o uid %d: got %v, want ErrInsecure", tt.mode, tt.uid, err)
			continue
		}
		wantErr(t, err, path+": refusing a config writable by other users (mode 0"+octal(tt.mode)+")")
	}
}

// octal formats the permission bits of mode as three octal digits.
func octal(mode os.FileMode) string {
	const digits = "01234567"
	p := mode.Perm()
	return string([]byte{digits[p>>6&7], digits[p>>3&7], digits[p&7]})
}

func TestInsecureOwner(t *testing.T) {
	etc := etcFiles(t, map[string]string{"lsbinit/svc.conf": "DAEMON=/x\n"})
	path := filepath.Join(etc, "lsbinit/svc.conf")
	o := opts(etc)
	o.UID = 0
	if os.Geteuid() == 0 {
		// Running as root: give the file away, and expect root's rule.
		if err := os.Chown(path, 1234, 1234); err != nil {
			t.Fatal(err)
		}
		o.rootOwner = 0
	} else {
		// Not root: the file is ours; pretend root is someone else.
		o.rootOwner = os.Geteuid() + 1
	}
	_, err := Load(o)
	if !errors.Is(err, ErrInsecure) {
		t.Fatalf("got %v, want ErrInsecure", err)
	}
	wantErr(t, err, path+": refusing a config owned by uid ")
	o.UID = 1000
	if _, err := Load(o); err != nil {
		t.Errorf("as an ordinary user, the owner is not checked: %v", err)
	}
}

func TestNotRegular(t *testing.T) {
	etc := etcFiles(t, map[string]string{"x": ""})
	dir := filepath.Join(etc, "lsbinit", "svc.conf")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Load(opts(etc))
	wantErr(t, err, dir+": not a regular file")

	fifo := filepath.Join(etc, "fifo.conf")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	o := opts(etc)
	o.File = fifo
	_, err = Load(o)
	wantErr(t, err, fifo+": not a regular file")
}

func TestTooLarge(t *testing.T) {
	big := "DAEMON=/x\n" + strings.Repeat("# padding\n", maxFileSize/10+1)
	_, err := loadConf(t, big)
	wantErr(t, err, "larger than 1 MiB")
}

func TestUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	etc := etcFiles(t, map[string]string{"default/svc": "DAEMON=/x\n"})
	chmod(t, filepath.Join(etc, "default/svc"), 0)
	_, err := Load(opts(etc))
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("got %v, want fs.ErrPermission", err)
	}
	var perr *fs.PathError
	if !errors.As(err, &perr) {
		t.Errorf("%v does not wrap an *fs.PathError", err)
	}
	wantErr(t, err, "cannot open: permission denied")
}

func TestNotDirectoryIsAbsent(t *testing.T) {
	etc := etcFiles(t, map[string]string{"lsbinit/svc.conf": "DAEMON=/x\n", "sysconfig": "a file"})
	if _, err := Load(opts(etc)); err != nil {
		t.Errorf("a file where a directory is expected should count as absent: %v", err)
	}
}

func TestSymlinkFollowed(t *testing.T) {
	etc := etcFiles(t, map[string]string{"real.conf": "DAEMON=/x\n"})
	if err := os.MkdirAll(filepath.Join(etc, "lsbinit"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../real.conf", filepath.Join(etc, "lsbinit/svc.conf")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(opts(etc)); err != nil {
		t.Fatal(err)
	}
	chmod(t, filepath.Join(etc, "real.conf"), 0o666)
	if _, err := Load(opts(etc)); !errors.Is(err, ErrInsecure) {
		t.Errorf("the target of a symlink is checked: got %v", err)
	}
}
