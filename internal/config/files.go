package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// maxFileSize bounds a config file; anything larger is not one.
const maxFileSize = 1 << 20

// source is the contents of one config file.
type source struct {
	path string
	data []byte
}

// readSources reads the config files of service name in order, skipping
// the optional ones that do not exist.
func readSources(opts Options, name string) ([]source, error) {
	etc := opts.EtcDir
	if etc == "" {
		etc = "/etc"
	}
	main := opts.File
	if main == "" {
		main = filepath.Join(etc, "lsbinit", name+".conf")
	}
	paths := []string{main, filepath.Join(etc, "default", name), filepath.Join(etc, "sysconfig", name)}
	var srcs []source
	var errs []error
	for i, path := range paths {
		data, err := readConfig(path, opts)
		switch {
		case err == nil:
			srcs = append(srcs, source{path: path, data: data})
		case isNotExist(err) && (i > 0 || opts.File == ""):
			// optional and absent
		default:
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(srcs) == 0 {
		return nil, &Error{Err: fs.ErrNotExist, Msg: fmt.Sprintf(
			"no config for %s: none of %s, %s, %s exists", name, paths[0], paths[1], paths[2])}
	}
	return srcs, nil
}

// isNotExist reports whether err says the file is not there, also when a
// directory on its path is not a directory.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOTDIR)
}

// readConfig opens and reads one config file after checking, on the
// opened file (fstat, so the check and the read see the same file), that
// it is a regular file that other users cannot write to.
func readConfig(path string, opts Options) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO must not hang; it is refused below.
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, fileError(path, &fs.PathError{Op: "fstat", Path: path, Err: err})
	}
	if err := checkFile(path, &st, opts); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fileError(path, err)
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: path, Msg: "larger than 1 MiB: not a config file"}
	}
	return data, nil
}

// fileError wraps an error opening or reading path (an *fs.PathError).
func fileError(path string, err error) *Error {
	msg := err.Error()
	var perr *fs.PathError
	if errors.As(err, &perr) {
		msg = fmt.Sprintf("cannot %s: %v", perr.Op, perr.Err)
	}
	return &Error{File: path, Msg: msg, Err: err}
}

// checkFile refuses a config file that is not a regular file, or that a
// user other than the caller could change. As root that means any write
// permission for group or others, or an owner other than root: the
// daemon the file names runs as root. Otherwise only world-writable
// files are refused.
func checkFile(path string, st *unix.Stat_t, opts Options) error {
	mode := uint32(st.Mode)
	if mode&unix.S_IFMT != unix.S_IFREG {
		return &Error{File: path, Msg: "not a regular file"}
	}
	perm := mode & 0o7777
	switch {
	case opts.UID == 0 && perm&0o022 != 0, perm&0o002 != 0:
		return &Error{File: path, Err: ErrInsecure, Msg: fmt.Sprintf(
			"refusing a config writable by other users (mode %04o)", perm)}
	case opts.UID == 0 && int64(st.Uid) != int64(opts.rootOwner):
		return &Error{File: path, Err: ErrInsecure, Msg: fmt.Sprintf(
			"refusing a config owned by uid %d, not root", st.Uid)}
	}
	return nil
}
