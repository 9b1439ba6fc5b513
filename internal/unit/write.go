package unit

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"golang.org/x/sys/unix"
)

// write puts a definition on stdout, the files that go beside it after
// it, each after a line "# ==> NAME <==" (a comment in every format that
// has files beside the definition); or it replaces the file output with
// the definition and writes those files beside it, first: the definition
// names them, and should not be in place before they are.
func write(output string, files []file, stdout io.Writer) error {
	if output == "" {
		var b bytes.Buffer
		b.Write(files[0].data)
		for _, f := range files[1:] {
			fmt.Fprintf(&b, "\n# ==> %s <==\n", f.name)
			b.Write(f.data)
		}
		if _, err := stdout.Write(b.Bytes()); err != nil {
			return exitcode.Fail(exitcode.Failed, "lsbinit unit: %w", err)
		}
		return nil
	}
	for _, f := range files[1:] {
		if filepath.Join(filepath.Dir(output), f.name) == filepath.Clean(output) {
			return exitcode.Fail(exitcode.Usage, "lsbinit unit: %s: the definition and %s would be the same file", output, f.name)
		}
	}
	for _, f := range files[1:] {
		if err := writeOne(filepath.Join(filepath.Dir(output), f.name), f); err != nil {
			return err
		}
	}
	return writeOne(output, files[0])
}

// writeOne replaces path with f; its error is NoPrivilege for a
// permission the system refused, else Failed.
func writeOne(path string, f file) error {
	mode := fs.FileMode(0o644)
	if f.exec {
		mode = 0o755
	}
	if err := WriteAtomic(path, f.data, mode); err != nil {
		code := exitcode.Failed
		if errors.Is(err, fs.ErrPermission) {
			code = exitcode.NoPrivilege
		}
		return exitcode.Fail(code, "lsbinit unit: %w", err)
	}
	return nil
}

// errSymlink refuses an output path that is a symbolic link: replacing
// it would silently undo whatever it stands for (a systemd unit linked to
// /dev/null is masked), and writing through it would write elsewhere.
var errSymlink = errors.New("is a symbolic link, refused (remove it first)")

// WriteAtomic replaces path with data, of mode perm: a new file in the same directory,
// written, synced and renamed over path, so that a reader sees the old
// contents or the new, never a part. path itself is never followed; a
// symbolic link or anything but a regular file there is refused.
func WriteAtomic(path string, data []byte, perm fs.FileMode) error {
	var st unix.Stat_t
	switch err := unix.Lstat(path, &st); {
	case err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK:
		return fmt.Errorf("%s: %w", path, errSymlink)
	case err == nil && st.Mode&unix.S_IFMT != unix.S_IFREG:
		return fmt.Errorf("%s: not a regular file, refused", path)
	case err != nil && !errors.Is(err, unix.ENOENT):
		return &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// A definition may be the first file of its directory (runit's
	// /etc/sv/NAME/run): make it, as mkdir -p would.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return err
	}
	tmp := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: errors.Unwrap(err)}
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// The mode must not depend on the caller's umask: supervisors read
	// these files as root, operators as anyone.
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
