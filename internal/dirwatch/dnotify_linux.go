package dirwatch

import (
	"os"
	"os/signal"
	"sync"

	"golang.org/x/sys/unix"
)

// dnotify (fcntl F_NOTIFY) watches a directory without an inotify
// instance: the kernel sends the process SIGIO on any change in it. It
// is the fallback for a process that cannot have an inotify instance,
// because its user's are used up: it wakes for changes to other files of
// the directory too, where inotify wakes only for the watched names, but
// it never misses one of them.
type dnotify struct {
	fd int
	w  *Watcher
}

// The dnotify events, from linux/fcntl.h (x/sys/unix does not name them).
const (
	fNotify     = 1026 // F_NOTIFY: F_LINUX_SPECIFIC_BASE + 2
	dnModify    = 0x2
	dnCreate    = 0x4
	dnDelete    = 0x8
	dnRename    = 0x10
	dnAttrib    = 0x20
	dnMultishot = 0x80000000
)

// sigio is every dnotify watch of the process, which each SIGIO wakes:
// the signal does not say which directory changed.
var sigio struct {
	once    sync.Once
	mu      sync.Mutex
	watches map[*dnotify]bool
}

// watchDnotify watches dir for w through dnotify.
func watchDnotify(dir string, w *Watcher) (*dnotify, error) {
	sigio.once.Do(func() {
		sigio.watches = map[*dnotify]bool{}
		c := make(chan os.Signal, 1)
		signal.Notify(c, unix.SIGIO) // before the first F_NOTIFY: SIGIO kills by default
		go func() {
			for range c {
				sigio.mu.Lock()
				for d := range sigio.watches {
					d.w.notify()
				}
				sigio.mu.Unlock()
			}
		}()
	})
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	d := &dnotify{fd: fd, w: w}
	sigio.mu.Lock()
	sigio.watches[d] = true
	sigio.mu.Unlock()
	events := dnModify | dnCreate | dnDelete | dnRename | dnAttrib | dnMultishot
	if _, err := unix.FcntlInt(uintptr(fd), fNotify, events); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// close ends the notification with the descriptor.
func (d *dnotify) close() {
	sigio.mu.Lock()
	delete(sigio.watches, d)
	sigio.mu.Unlock()
	unix.Close(d.fd)
}
