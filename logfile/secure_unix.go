//go:build unix

package logfile

import (
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
