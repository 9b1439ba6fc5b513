package logfile

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/dirwatch"
)

// copyWatch notices files created or moved beside the log whose names
// start with the log's (svc.log.1, svc.log-20261121, ...) and keeps the
// recentMax newest open, so their sizes can be read even after they are
// compressed and removed. logrotate's copytruncate opens the log, then
// creates the copy: so the watch is on the log's opens, and only for
// copyWindow after one is the directory watched for new names. A watch
// on the directory for good would wake the supervisor for every file
// created in it: in /var/log, or beside hundreds of other services' logs.
// Without inotify, the rescue looks for copies by name.
type copyWatch struct {
	base, dir string

	mu      sync.Mutex
	seen    []*os.File // oldest first
	logStop func()     // the watch on the log's opens
	dirStop func()     // the watch on the directory, while armed
	disarm  *time.Timer
	closed  bool
}

// copyWindow is how long after the log was opened a copy may appear.
const copyWindow = 5 * time.Second

func newCopyWatch(path string) *copyWatch {
	cw := &copyWatch{base: filepath.Base(path), dir: filepath.Dir(path)}
	if !cw.follow(path) {
		return nil
	}
	return cw
}

// follow watches the file now at path (the Writer's, after a reopen).
func (cw *copyWatch) follow(path string) bool {
	if cw == nil {
		return false
	}
	stop, ok := dirwatch.Opens(path, cw.logOpened)
	cw.mu.Lock()
	old := cw.logStop
	if ok {
		cw.logStop = stop
	}
	cw.mu.Unlock()
	if ok && old != nil {
		old()
	}
	return ok
}

// logOpened watches the directory for copyWindow from now. The copy may
// already be there (logrotate creates it right after it opened the log,
// before this runs): a new watch first takes the recent copies there are.
func (cw *copyWatch) logOpened() {
	cw.mu.Lock()
	armed := cw.arm()
	cw.mu.Unlock()
	if armed {
		copies := recentCopies(filepath.Join(cw.dir, cw.base)) // newest first
		for i := len(copies) - 1; i >= 0; i-- {
			cw.hold(copies[i])
		}
	}
}

// arm starts or extends the directory watch; it reports whether it
// started one.
func (cw *copyWatch) arm() (started bool) {
	if cw.closed {
		return false
	}
	if cw.dirStop == nil {
		stop, ok := dirwatch.Names(cw.dir, func(name string) {
			if isCopy(cw.base, name) {
				cw.keep(filepath.Join(cw.dir, name))
			}
		})
		if !ok {
			return false
		}
		cw.dirStop, started = stop, true
	}
	if cw.disarm == nil {
		cw.disarm = time.AfterFunc(copyWindow, cw.disarmDir)
	} else {
		cw.disarm.Reset(copyWindow)
	}
	return started
}

// disarmDir stops watching the directory.
func (cw *copyWatch) disarmDir() {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.dirStop != nil {
		cw.dirStop()
		cw.dirStop = nil
	}
}

// keep holds a copy open.
func (cw *copyWatch) keep(path string) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err == nil {
		cw.hold(f)
	}
}

// hold keeps f among the recent copies, unless it is one of them already.
func (cw *copyWatch) hold(f *os.File) {
	info, err := f.Stat()
	cw.mu.Lock()
	for _, s := range cw.seen {
		if si, serr := s.Stat(); err != nil || serr == nil && os.SameFile(info, si) {
			cw.mu.Unlock()
			f.Close()
			return
		}
	}
	cw.seen = append(cw.seen, f)
	var old *os.File
	if len(cw.seen) > recentMax {
		old = cw.seen[0]
		cw.seen = append(cw.seen[:0], cw.seen[1:]...)
	}
	cw.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

// recent returns the copies seen, newest first. They stay the watch's: the
// caller holds the Writer's lock, and the watch closes a file only when it
// is pushed out, under its own lock, or at close, under the Writer's.
func (cw *copyWatch) recent() []*os.File {
	if cw == nil {
		return nil
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	out := make([]*os.File, 0, len(cw.seen))
	for i := len(cw.seen) - 1; i >= 0; i-- {
		out = append(out, cw.seen[i])
	}
	return out
}

func (cw *copyWatch) close() {
	if cw == nil {
		return
	}
	cw.mu.Lock()
	cw.closed = true
	for _, stop := range []func(){cw.logStop, cw.dirStop} {
		if stop != nil {
			stop()
		}
	}
	if cw.disarm != nil {
		cw.disarm.Stop()
	}
	for _, f := range cw.seen {
		f.Close()
	}
	cw.seen = nil
	cw.mu.Unlock()
}
