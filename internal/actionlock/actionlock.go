//go:build unix

// Package actionlock serialises the actions that change one service's
// state (start, stop, restart, reload, ...), so that any number of
// concurrent invocations behave as if they ran one after another.
//
// The lock is a flock(2) on a small file beside the pidfile. Its holder
// writes who it is into the file, so that a waiter can say what it waits
// for, notice progress, and give up only when one holder keeps the lock
// too long. The kernel drops the lock when its holder dies, so a killed
// invocation never wedges the service. The holder removes the file when
// it releases it; a waiter that then finds it holds a lock on a removed
// file opens the path again.
package actionlock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lsbinit/lsbinit/internal/insecure"
	"golang.org/x/sys/unix"
)

// Errors callers branch on.
var (
	// ErrBusy means one holder kept the lock for longer than the bound.
	ErrBusy = errors.New("another action on the service did not finish")
	// ErrInsecure means the file at the lock's path is not one to trust:
	// a symlink, a hard link, another user's or writable by others.
	ErrInsecure = insecure.Err
)

// Holder is what the process that holds the lock says about itself.
type Holder struct {
	PID    int
	Action string
	Since  time.Time
}

func (h Holder) String() string {
	if h.PID == 0 {
		return "another action"
	}
	return fmt.Sprintf("%q (pid %d, for %v)", h.Action, h.PID, time.Since(h.Since).Round(time.Millisecond))
}

// Lock is a held action lock.
type Lock struct {
	f    *os.File
	path string
}

// Waiting is called about every tick while Acquire waits, with the
// current holder and how long that holder has held the lock as far as
// this waiter saw.
type Waiting func(h Holder, held time.Duration)

// tick is how often a waiter looks at who holds the lock.
const tick = 50 * time.Millisecond

// Acquire takes the lock at path for action. While another process holds
// it, Acquire waits; it fails with ErrBusy when one holder keeps it for
// longer than bound (a negative bound waits forever). waiting, if not nil,
// is called on every tick while it waits.
func Acquire(path, action string, bound time.Duration, waiting Waiting) (*Lock, error) {
	var last Holder
	var lastSeen time.Time
	for {
		f, err := open(path)
		if err != nil {
			return nil, err
		}
		got := lockAsync(f)
		t := time.NewTicker(tick)
	wait:
		for {
			select {
			case err := <-got.done:
				t.Stop()
				if err != nil {
					f.Close()
					return nil, fmt.Errorf("%s: %w", path, err)
				}
				if !samePath(f, path) {
					f.Close() // the holder removed it: take the new one
					break wait
				}
				l := &Lock{f: f, path: path}
				l.record(action)
				return l, nil
			case <-t.C:
				h := readHolder(f)
				if h.PID != last.PID || !h.Since.Equal(last.Since) || lastSeen.IsZero() {
					last, lastSeen = h, time.Now()
				}
				held := time.Since(lastSeen)
				if !h.Since.IsZero() && h.Since.Before(lastSeen) {
					held = time.Since(h.Since) // it held the lock before we came
				}
				if waiting != nil {
					waiting(h, held)
				}
				if bound >= 0 && held > bound {
					t.Stop()
					got.abandon()
					return nil, fmt.Errorf("%s: %w: held by %s", path, ErrBusy, h)
				}
			}
		}
	}
}

// open opens or creates the lock file without following a symlink, and
// refuses one that is not a plain file of ours.
func open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0o600)
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			return nil, fmt.Errorf("%s: %w: it is a symbolic link, never followed", path, ErrInsecure)
		}
		return nil, err
	}
	info, err := f.Stat()
	if err == nil {
		err = trusted(path, info)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// trusted refuses anything but a regular file with one link, owned by us
// (or root) and not writable by others.
func trusted(path string, info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	switch {
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", path)
	case ok && st.Nlink > 1: // 0: removed meanwhile; samePath catches it
		return fmt.Errorf("%s: %w: it has %d hard links", path, ErrInsecure, st.Nlink)
	case ok && int(st.Uid) != os.Geteuid() && st.Uid != 0:
		return fmt.Errorf("%s: %w: owned by uid %d", path, ErrInsecure, st.Uid)
	case info.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s: %w: mode %04o lets others write", path, ErrInsecure, uint32(info.Mode().Perm()))
	}
	return nil
}

// samePath reports whether f is still the file at path.
func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	return err == nil && os.SameFile(a, b)
}

// pending is a blocking flock running on its own thread.
type pending struct {
	done chan error
	mu   sync.Mutex
	gone bool // abandoned: release the lock as soon as it is had
	f    *os.File
}

func lockAsync(f *os.File) *pending {
	p := &pending{done: make(chan error, 1), f: f}
	fd := int(f.Fd())
	go func() {
		var err error
		for {
			err = unix.Flock(fd, unix.LOCK_EX)
			if !errors.Is(err, unix.EINTR) {
				break
			}
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.gone {
			f.Close() // closing drops the lock too
			return
		}
		p.done <- err
	}()
	return p
}

// abandon gives up a lock still being waited for. The waiting thread
// stays blocked until the lock is free, then closes the file at once.
func (p *pending) abandon() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gone = true
	select {
	case err := <-p.done:
		if err == nil {
			p.f.Close()
		}
	default:
	}
}

// record writes the holder's identity into the file.
func (l *Lock) record(action string) {
	b := fmt.Appendf(nil, "%d %d %s\n", os.Getpid(), time.Now().UnixNano(), action)
	l.f.Truncate(0)
	l.f.WriteAt(b, 0)
}

// readHolder reads what the current holder wrote; zero when nothing yet.
func readHolder(f *os.File) Holder {
	b := make([]byte, 128)
	n, _ := f.ReadAt(b, 0)
	fields := strings.Fields(string(b[:n]))
	if len(fields) != 3 {
		return Holder{}
	}
	pid, err1 := strconv.Atoi(fields[0])
	ns, err2 := strconv.ParseInt(fields[1], 10, 64)
	if err1 != nil || err2 != nil {
		return Holder{}
	}
	return Holder{PID: pid, Since: time.Unix(0, ns), Action: fields[2]}
}

// Release removes the file and drops the lock. Removing it while still
// holding the lock is safe: waiters check the path again once they hold it.
func (l *Lock) Release() {
	if samePath(l.f, l.path) {
		os.Remove(l.path)
	}
	l.f.Close()
}

// Holding reports who holds the lock at path, without taking it: ok is
// false when nobody does (or the file cannot be read).
func Holding(path string) (h Holder, ok bool) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return Holder{}, false
	}
	defer f.Close()
	switch err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB); {
	case err == nil:
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		return Holder{}, false
	case errors.Is(err, unix.EWOULDBLOCK):
		return readHolder(f), true
	}
	return Holder{}, false
}

// Inherit lets a child process started while cmd runs hold the lock too:
// the lock belongs to the open file, which the child then shares. It
// returns the descriptor the child finds the lock on and a function that
// makes the descriptor private again; call it once the child is started.
// The lock is free only when both have closed it (see Adopt).
func (l *Lock) Inherit() (fd int, done func()) {
	fd = int(l.f.Fd())
	unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0)
	return fd, func() { unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC) }
}

// Adopted is a lock inherited from the parent process (see Inherit).
type Adopted struct{ f *os.File }

// Adopt takes the lock inherited as f (see Inherit); nil when f is nil.
// The caller keeps f from being passed on to children of its own.
func Adopt(f *os.File) *Adopted {
	if f == nil {
		return nil
	}
	return &Adopted{f: f}
}

// Close lets go of the inherited lock; it is free once the parent has let
// go of it too. Close on a nil Adopted does nothing.
func (a *Adopted) Close() {
	if a != nil {
		a.f.Close()
	}
}
