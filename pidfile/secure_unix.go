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
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file (%s)", path, info.Mode().Type())
	}
	return checkOwner(path, info)
}

func checkOwner(path string, info fs.FileInfo) error {
	euid := os.Geteuid()
	if euid != 0 {
		return nil
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if st.Uid != 0 {
		return fmt.Errorf("%s: %w (owned by uid %d, not root)", path, ErrInsecure, st.Uid)
	}
	if info.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s: %w (mode %04o)", path, ErrInsecure, info.Mode().Perm())
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
	return checkOwner(dir, info)
}

// ensureDir creates dir when missing, then checks it.
func ensureDir(dir string) error {
	perm := fs.FileMode(0o700)
	if os.Geteuid() == 0 {
		perm = 0o755
	}
	if err := os.Mkdir(dir, perm); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating the pidfile directory: %w", err)
	}
	return CheckDir(dir)
}
