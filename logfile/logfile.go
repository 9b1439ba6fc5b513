package logfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/lsbinit/lsbinit/internal/insecure"
	"golang.org/x/sys/unix"
)

// ErrSymlink means the log path is a symbolic link, which is never
// followed: whoever planted it could make root append to any file. It is
// one of the refusals of insecure.Err: errors.Is(err, insecure.Err) holds.
var ErrSymlink error = symlinkError{}

type symlinkError struct{}

func (symlinkError) Error() string { return "it is a symbolic link, never followed" }

// Is makes ErrSymlink an insecure.Err, without the refusal's words.
func (symlinkError) Is(target error) bool { return target == insecure.Err }

// ErrInsecure means root refused a log file others could have planted.
var ErrInsecure = insecure.Err

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
	if err == nil && os.Geteuid() == 0 {
		err = checkRoot(path, info)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func isCharDevice(m os.FileMode) bool { return m&os.ModeCharDevice != 0 }

// Writer appends to a log file that can be reopened by path at any time.
// Write never fails: what cannot be written is counted in Dropped. It also
// repairs what logrotate's copytruncate would lose (see rescue.go).
type Writer struct {
	path  string
	mu    sync.Mutex
	f     *os.File
	j     journal
	watch *copyWatch
	// regular is whether f is a regular file: only then is there a
	// journal to keep and a truncation to repair (not for /dev/null).
	regular bool
	// repairing is set while a truncation is repaired: one that comes
	// during the repair is only noted, never repaired in turn.
	repairing bool
	// checked is when followRename last looked at the path, and
	// missingSince when it first found no file there.
	checked, missingSince time.Time
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
	w := &Writer{path: path}
	w.use(f)
	if path != None && path != "" {
		w.watch = newCopyWatch(path)
	}
	return w, nil
}

// use makes f the file written to, its journal starting at its end.
func (w *Writer) use(f *os.File) {
	w.f = f
	info, err := f.Stat()
	w.regular = err == nil && info.Mode().IsRegular()
	var end int64
	if w.regular {
		end = info.Size()
	}
	w.j.reset(end)
	w.watch.follow(w.path) // a reopened log is a new file
}

// Write appends p. It reports success even when the file cannot take the
// data (disk full, file size limit): the daemon must not block or die on
// its log.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.followRename()
	w.rescue()
	w.writeThrough(p)
	return len(p), nil
}

// renameCheck is how often Write looks whether the path still names the
// file it writes to.
const renameCheck = 100 * time.Millisecond

// followRename reopens the path when the file was moved away (logrotate's
// create mode), so rotation needs no signal at all. Lines written before it
// notices go on at the end of the moved file: none is lost.
func (w *Writer) followRename() {
	if w.path == None || w.path == "" || time.Since(w.checked) < renameCheck {
		return
	}
	w.checked = time.Now()
	cur, err := w.f.Stat()
	if err != nil {
		return
	}
	named, err := os.Lstat(w.path)
	switch {
	case err == nil && os.SameFile(cur, named):
		w.missingSince = time.Time{}
		return
	case err != nil && w.missingSince.IsZero():
		// Moved away, and no new file yet: logrotate creates it a moment
		// after the rename, and would move ours aside if we made it first.
		w.missingSince = time.Now()
		return
	case err != nil && time.Since(w.missingSince) < time.Second:
		return
	}
	w.missingSince = time.Time{}
	if f, err := Open(w.path); err == nil {
		w.f.Close()
		w.use(f)
	}
}

// writeThrough appends p and keeps the journal in step with the file.
func (w *Writer) writeThrough(p []byte) {
	before := w.j.end()
	n, err := w.f.Write(p)
	if err != nil {
		w.dropped += int64(len(p) - n)
		w.lastErr = err
	}
	if !w.regular {
		return // /dev/null, a terminal: no offsets, nothing to repair
	}
	end, serr := w.f.Seek(0, io.SeekCurrent)
	at := end - int64(n) // where p went
	switch {
	case serr != nil:
		w.j.reset(0)
	case at == before:
		w.j.add(p[:n])
	case at < before && n > 0:
		// Truncated since rescue looked (logrotate's copytruncate).
		w.truncatedUnder(at, p[:n])
	default:
		// Someone else wrote to the file: start the journal afresh.
		w.j.reset(at)
		w.j.add(p[:n])
	}
}

// note writes a line of lsbinit's own into the log.
func (w *Writer) note(format string, args ...any) {
	w.writeThrough([]byte(fmt.Sprintf(format, args...) + "\n"))
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
	w.use(f)
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
	w.watch.close()
	return w.f.Close()
}

// Copy's buffer starts small and doubles, up to the size of the log pipe,
// each time a read fills it: a daemon that logs a line now and then costs
// the supervisor a page, and one that logs as fast as it can is copied a
// pipeful at a time (a tenth to a fifth more throughput than 256 KiB).
const minCopyBuf, maxCopyBuf = 64 << 10, 1 << 20

// Copy reads r until end-of-file and writes everything to w, keeping the
// last lines in t. It stops reading only at end-of-file or a read error.
func Copy(w io.Writer, r io.Reader, t *Tail) error {
	buf := make([]byte, minCopyBuf)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			w.Write(buf[:n])
			if t != nil {
				t.Write(buf[:n])
			}
		}
		if n == len(buf) && n < maxCopyBuf {
			buf = make([]byte, 2*n) // a fast writer: fewer, larger copies
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
