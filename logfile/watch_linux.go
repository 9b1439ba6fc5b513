package logfile

import (
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/dirwatch"
)

// copyWatch notices files created or moved beside the log whose names
// start with the log's (svc.log.1, svc.log-20261121, ...) and keeps the
// recentMax newest open, so their sizes can be read even after they are
// compressed and removed. It is a subscription to the process's one
// inotify instance (dirwatch.Names); without one, the rescue looks for
// copies by name.
type copyWatch struct {
	stop func()
	base string
	dir  string

	mu   sync.Mutex
	seen []*os.File // oldest first
}

func newCopyWatch(path string) *copyWatch {
	cw := &copyWatch{base: filepath.Base(path), dir: filepath.Dir(path)}
	stop, ok := dirwatch.Names(cw.dir, func(name string) {
		if isCopy(cw.base, name) {
			cw.opened(filepath.Join(cw.dir, name))
		}
	})
	if !ok {
		return nil
	}
	cw.stop = stop
	return cw
}

func (cw *copyWatch) opened(path string) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return
	}
	cw.mu.Lock()
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
	cw.stop()
	cw.mu.Lock()
	for _, f := range cw.seen {
		f.Close()
	}
	cw.seen = nil
	cw.mu.Unlock()
}
