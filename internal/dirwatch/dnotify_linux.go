package dirwatch

import (
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"

	"golang.org/x/sys/unix"
)

// dnotify (fcntl F_NOTIFY) watches a directory without an inotify
// instance: the kernel sends the process SIGIO on any change in it. It
// is the fallback for a process that cannot have an inotify instance,
// because its user's are used up. The signal comes for every file of the
// directory (other services' pidfiles in /run), so each watch compares
// what is at its names with what was there when it was last armed, and
// tells its owner only of a change there: a few lstat calls, where
// inotify would not wake it at all.
type dnotify struct {
	fd    int
	w     *Watcher
	dir   string
	names []string

	mu   sync.Mutex
	seen []stamp // at names, and the directory last
}

// A stamp is what a change to a file changes.
type stamp struct {
	ok                   bool
	dev, ino, size       uint64
	mode, uid, gid, link uint32
	mtime, ctime         unix.Timespec
}

func stampOf(path string) stamp {
	var st unix.Stat_t
	if unix.Lstat(path, &st) != nil {
		return stamp{}
	}
	return stamp{ok: true, dev: st.Dev, ino: st.Ino, size: uint64(st.Size), mode: st.Mode, uid: st.Uid,
		gid: st.Gid, link: uint32(st.Nlink), mtime: st.Mtim, ctime: st.Ctim}
}

// stamps are the stamps of the names, and the directory's identity (its
// times change with every file in it).
func (d *dnotify) stamps() []stamp {
	s := make([]stamp, 0, len(d.names)+1)
	for _, name := range d.names {
		s = append(s, stampOf(filepath.Join(d.dir, name)))
	}
	dir := stampOf(d.dir)
	return append(s, stamp{ok: dir.ok, dev: dir.dev, ino: dir.ino})
}

// arm takes the stamps a later change is told by.
func (d *dnotify) arm() {
	d.mu.Lock()
	d.seen = d.stamps()
	d.mu.Unlock()
}

// check tells the owner when the names or the directory changed.
func (d *dnotify) check() {
	now := d.stamps()
	d.mu.Lock()
	changed := !slices.Equal(now, d.seen)
	d.mu.Unlock()
	if changed {
		d.w.notify()
	}
}

// The dnotify events, from linux/fcntl.h (x/sys/unix does not name them).
const (
	fNotify     = 1026 // F_NOTIFY: F_LINUX_SPECIFIC_BASE + 2
	dnDelete    = 0x8
	dnRename    = 0x10
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
func watchDnotify(w *Watcher, dir string, names []string) (*dnotify, error) {
	sigio.once.Do(func() {
		sigio.watches = map[*dnotify]bool{}
		c := make(chan os.Signal, 1)
		signal.Notify(c, unix.SIGIO) // before the first F_NOTIFY: SIGIO kills by default
		go func() {
			for range c {
				sigio.mu.Lock()
				for d := range sigio.watches {
					d.check()
				}
				sigio.mu.Unlock()
			}
		}()
	})
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	d := &dnotify{fd: fd, w: w, dir: dir, names: names}
	d.arm()
	sigio.mu.Lock()
	sigio.watches[d] = true
	sigio.mu.Unlock()
	// Removals and renames only: a file created or written in the
	// directory (every start of another service there does both) would
	// wake every such watch. A watched file edited in place is so seen
	// at the next removal or rename there.
	events := dnDelete | dnRename | dnMultishot
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
