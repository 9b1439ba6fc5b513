//go:build unix

package pidfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkFile refuses what the pidfile at path must never be: anything but a
// regular file, and, as root, a file other users own or can write.
func checkFile(path string, info fs.FileInfo) error {
	switch {
	case info.IsDir():
		return fmt.Errorf("%s: is a directory, not a pidfile", path)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s: is not a regular file (%s)", path, typeName(info.Mode()))
	}
	return checkOwner(path, "", info)
}

func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return m.Type().String()
}

// checkOwner refuses, as root, what a user other than root owns or can
// write. what names the thing ("directory") when it is not the pidfile.
func checkOwner(path, what string, info fs.FileInfo) error {
	if os.Geteuid() != 0 {
		return nil
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if what != "" {
		what = " (the pidfile's " + what + ")"
	}
	if st.Uid != 0 {
		return fmt.Errorf("%s%s: %w: it is owned by uid %d, not root", path, what, ErrInsecure, st.Uid)
	}
	if info.Mode().Perm()&0o022 != 0 {
		mode := info.Mode().Perm()
		if info.Mode()&fs.ModeSticky != 0 {
			mode |= 0o1000
		}
		return fmt.Errorf("%s%s: %w: mode %04o lets group or others write", path, what, ErrInsecure, uint32(mode))
	}
	return nil
}

// CheckDir refuses, as root, a pidfile directory that is not owned by root
// or is writable by group or others (a sticky /tmp included): anyone who can
// write there could plant the file root reads or writes.
func CheckDir(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	return checkOwner(dir, "directory", info)
}

// EnsureDir creates the pidfile directory dir when missing (0755 for root,
// 0700 otherwise), then checks it as CheckDir does.
func EnsureDir(dir string) error {
	perm := fs.FileMode(0o700)
	if os.Geteuid() == 0 {
		perm = 0o755
	}
	switch err := os.Mkdir(dir, perm); {
	case err == nil:
		// Its documented mode, whatever the caller's umask.
		if err := os.Chmod(dir, perm); err != nil {
			return fmt.Errorf("creating the pidfile directory: %w", err)
		}
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("creating the pidfile directory: %w", err)
	}
	return CheckDir(dir)
}
