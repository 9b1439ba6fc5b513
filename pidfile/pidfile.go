package pidfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/gofrs/flock"
	"github.com/lsbinit/lsbinit/internal/insecure"
	"golang.org/x/sys/unix"
)

// Sentinel errors callers branch on.
var (
	// ErrLocked means another live process holds the pidfile.
	ErrLocked = errors.New("pidfile is locked by another process")
	// ErrInvalid means the file's content is not a single PID and newline.
	ErrInvalid = errors.New("pidfile does not hold a PID")
	// ErrInsecure means the file or its directory could be changed by other
	// users, so its content cannot be trusted by root.
	ErrInsecure = insecure.Err
)

// maxSize bounds how much of a pidfile is read: a PID and a newline never
// take more than a few bytes, and a 10 MB file is simply garbage.
const maxSize = 32

// Perm is the mode of a new pidfile: readable by everyone, as monit and
// logrotate scripts running as other users need it.
const Perm = 0o644

// File is a pidfile held under an exclusive lock.
type File struct {
	path string
	lock *flock.Flock
	info fs.FileInfo
}

// ReaderWait is a good wait for Acquire: a status probe holds a shared
// lock for microseconds, an owner holds the exclusive lock for good.
const ReaderWait = 100 * time.Millisecond

// Acquire creates (mode 0644) or opens the pidfile at path without
// following a symlink and takes its exclusive lock. It retries for up to
// wait while the lock is busy (a reader holds a shared lock for an instant),
// then returns ErrLocked. The parent directory is created (0755 for root,
// 0700 otherwise) when it is missing.
func Acquire(path string, wait time.Duration) (*File, error) {
	if err := EnsureDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		f, err := tryAcquire(path)
		if !errors.Is(err, ErrLocked) || !time.Now().Before(deadline) {
			return f, err
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func tryAcquire(path string) (*File, error) {
	lk := flock.New(path, flock.SetFlag(os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW), flock.SetPermissions(Perm))
	ok, err := lk.TryLock()
	if err != nil {
		return nil, openError(path, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	info, err := lk.Stat()
	if err == nil {
		err = checkFile(path, info)
	}
	if err != nil {
		lk.Close()
		return nil, err
	}
	// The previous holder may have removed the file after we opened it and
	// before we locked it: then we hold a lock on an unlinked inode.
	if cur, err := os.Lstat(path); err != nil || !os.SameFile(cur, info) {
		lk.Close()
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	return &File{path: path, lock: lk, info: info}, nil
}

// Write replaces the file's content with pid and a newline. It writes
// before truncating, so a reader never sees an empty file between two PIDs.
func (f *File) Write(pid int) error {
	w, err := os.OpenFile(f.path, os.O_WRONLY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer w.Close()
	if info, err := w.Stat(); err != nil || !os.SameFile(info, f.info) {
		return fmt.Errorf("%s: replaced while locked", f.path)
	}
	b := []byte(strconv.Itoa(pid) + "\n")
	if _, err := w.WriteAt(b, 0); err != nil {
		return err
	}
	if err := w.Truncate(int64(len(b))); err != nil {
		return err
	}
	return w.Sync()
}

// Remove deletes the pidfile while still holding the lock, then releases
// the lock. It leaves alone a file that is no longer the one it locked.
func (f *File) Remove() error {
	var err error
	if cur, lerr := os.Lstat(f.path); lerr == nil && os.SameFile(cur, f.info) {
		err = os.Remove(f.path)
	}
	if cerr := f.lock.Close(); err == nil {
		err = cerr
	}
	return err
}

// Release unlocks the pidfile and leaves it in place: what a supervisor
// does when its daemon died, so that status reports "dead, pidfile exists".
func (f *File) Release() error { return f.lock.Close() }

func openError(path string, err error) error {
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EMLINK) {
		return fmt.Errorf("%s: %w: it is a symbolic link, never followed", path, ErrInsecure)
	}
	if errors.Is(err, unix.EISDIR) {
		return fmt.Errorf("%s: is a directory, not a pidfile", path)
	}
	return err
}

// Repair puts the pidfile right after someone else touched it, and
// returns the File to hold from now on. When the path still names the
// locked file, it restores the file's mode, owner and content (pid).
// When the file was removed or replaced, it takes the path again as
// Acquire does, writes pid there and releases the old file; if the path
// cannot be taken (another process holds it, or it is not safe), f stays
// held and the error says why.
func (f *File) Repair(pid int) (*File, error) {
	if r, err := os.OpenFile(f.path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0); err == nil {
		cur, err := r.Stat()
		if err == nil && os.SameFile(cur, f.info) {
			defer r.Close()
			if cur.Mode().Perm() != Perm {
				r.Chmod(Perm)
			}
			if st, ok := cur.Sys().(*syscall.Stat_t); ok && (int(st.Uid) != os.Geteuid() || int(st.Gid) != os.Getegid()) {
				r.Chown(os.Geteuid(), os.Getegid())
			}
			if got, err := parse(r); err != nil || got != pid {
				return f, f.Write(pid)
			}
			return f, nil
		}
		r.Close()
	}
	nf, err := Acquire(f.path, 100*time.Millisecond)
	if cur, lerr := os.Lstat(f.path); err != nil && lerr == nil && cur.Mode()&fs.ModeSymlink != 0 {
		// A symlink planted at our path: remove the link itself (never
		// what it points to) and take the path back.
		os.Remove(f.path)
		nf, err = Acquire(f.path, 100*time.Millisecond)
	}
	if err != nil {
		return f, err
	}
	if err := nf.Write(pid); err != nil {
		nf.Remove()
		return f, err
	}
	f.lock.Close()
	return nf, nil
}
