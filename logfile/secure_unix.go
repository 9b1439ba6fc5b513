//go:build unix

package logfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// checkRoot refuses, as root, a log file with more than one name (a hard
// link planted to make root append to another file) and a log directory
// that anyone may write without the sticky bit.
func checkRoot(path string, info fs.FileInfo) error {
	if st, ok := info.Sys().(*syscall.Stat_t); ok && info.Mode().IsRegular() && st.Nlink > 1 {
		return &os.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w: it has %d hard links", ErrInsecure, st.Nlink)}
	}
	dir := filepath.Dir(path)
	d, err := os.Stat(dir)
	if err == nil && d.Mode().Perm()&0o002 != 0 && d.Mode()&fs.ModeSticky == 0 {
		return &os.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w: its directory %s is writable by anyone", ErrInsecure, dir)}
	}
	return nil
}

// Check finds, without creating anything, what opening the log at path
// as root would refuse: a symbolic link, a file with other names, a
// directory anyone may write without the sticky bit.
func Check(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		info = nil
	case err != nil:
		return err
	case info.Mode()&fs.ModeSymlink != 0:
		return &os.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w: it is a symbolic link", ErrInsecure)}
	}
	if info == nil {
		return checkRoot(path, dirOnly{})
	}
	return checkRoot(path, info)
}

// dirOnly stands for a log file not created yet: only its directory is
// checked.
type dirOnly struct{ fs.FileInfo }

func (dirOnly) Mode() fs.FileMode { return fs.ModeIrregular }
func (dirOnly) Sys() any          { return nil }
