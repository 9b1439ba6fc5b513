package logfile

import (
	"errors"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// ErrSymlink means the log path is a symbolic link, which is never
// followed: whoever planted it could make root append to any file.
var ErrSymlink = errors.New("it is a symbolic link, never followed")

// None is the LOGFILE value that sends the daemon's output to /dev/null.
const None = "none"

// Perm is the mode of a new log file.
const Perm = 0o640

// Open opens path for appending, creating it with mode 0640, without
// following a symlink. The path None opens /dev/null.
func Open(path string) (*os.File, error) {
	if path == None || path == "" {
		return os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|unix.O_NOFOLLOW|unix.O_NONBLOCK, Perm)
	if errors.Is(err, unix.ELOOP) {
		return nil, &os.PathError{Op: "open", Path: path, Err: ErrSymlink}
	}
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() && !isCharDevice(info.Mode()) {
		err = &os.PathError{Op: "open", Path: path, Err: errors.New("not a regular file")}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func isCharDevice(m os.FileMode) bool { return m&os.ModeCharDevice != 0 }

// Writer appends to a log file that can be reopened by path at any time.
// Write never fails: what cannot be written is counted in Dropped.
type Writer struct {
	path string
	mu   sync.Mutex
	f    *os.File
	// dropped counts bytes that could not be written.
	dropped int64
	lastErr error
}

// NewWriter opens path (see Open) for a Writer.
func NewWriter(path string) (*Writer, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	return &Writer{path: path, f: f}, nil
}

// Write appends p. It reports success even when the file cannot take the
// data (disk full, file size limit): the daemon must not block or die on
// its log.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.f.Write(p); err != nil {
		w.dropped += int64(len(p))
		w.lastErr = err
	}
	return len(p), nil
}

// Reopen opens the path again and swaps the file in: after logrotate moved
// the old file away (its `create` mode), writing continues in the new one.
func (w *Writer) Reopen() error {
	f, err := Open(w.path)
	if err != nil {
		return err
	}
	w.mu.Lock()
	old := w.f
	w.f = f
	w.mu.Unlock()
	return old.Close()
}

// Dropped returns how many bytes could not be written and the last error.
func (w *Writer) Dropped() (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dropped, w.lastErr
}

// Close closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.f.Close()
}

// Copy reads r until end-of-file and writes everything to w, keeping the
// last lines in t. It stops reading only at end-of-file or a read error.
func Copy(w io.Writer, r io.Reader, t *Tail) error {
	buf := make([]byte, 64*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			w.Write(buf[:n])
			if t != nil {
				t.Write(buf[:n])
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
