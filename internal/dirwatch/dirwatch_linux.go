package dirwatch

import (
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fileEvents are the changes to a watched file that matter: it was
// removed or replaced (its link count changes, or it goes), renamed away,
// written, or had its mode or owner changed. The watch is on the file
// itself, not on its directory, so that other files there (other
// services' pidfiles in /run, say) never wake the watcher.
const fileEvents = unix.IN_ATTRIB | unix.IN_MODIFY | unix.IN_CLOSE_WRITE |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_DONT_FOLLOW

// dirEvents are the changes to the directory that matter: it goes. While
// a watched name is missing (a repair failed), its creation too.
const (
	dirEvents   = unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_ONLYDIR
	dirCreation = unix.IN_CREATE | unix.IN_MOVED_TO
)

type inotify struct {
	f     *os.File
	fd    int
	dir   string
	names []string

	mu    sync.Mutex
	dirWd int32
}

func (n *inotify) close() { n.f.Close() }

// Watch watches names in dir. If the directory itself goes away, or
// inotify is not available, it falls back to ticking every Interval.
func Watch(dir string, names ...string) *Watcher {
	w := newWatcher()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		go w.tick()
		return w
	}
	n := &inotify{f: os.NewFile(uintptr(fd), "inotify"), fd: fd, dir: dir, names: names}
	if !n.arm() {
		n.close()
		go w.tick()
		return w
	}
	w.impl = n
	go w.read(n)
	return w
}

// Rearm watches the files now at the watched names: a file that was
// replaced is a new file. The owner calls it after it has put its files
// right.
func (w *Watcher) Rearm() {
	if n, ok := w.impl.(*inotify); ok {
		n.arm()
	}
}

// arm adds the watches; it reports false when the directory cannot be
// watched.
func (n *inotify) arm() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	mask := uint32(dirEvents)
	for _, name := range n.names {
		if _, err := unix.InotifyAddWatch(n.fd, filepath.Join(n.dir, name), fileEvents); err != nil {
			mask |= dirCreation // missing: notice when it comes back
		}
	}
	wd, err := unix.InotifyAddWatch(n.fd, n.dir, mask)
	if err != nil {
		return false
	}
	n.dirWd = int32(wd)
	return true
}

func (w *Watcher) read(n *inotify) {
	buf := make([]byte, 16*1024)
	for {
		size, err := n.f.Read(buf)
		if err != nil {
			return // closed
		}
		n.mu.Lock()
		dirWd := n.dirWd
		n.mu.Unlock()
		for off := 0; off+unix.SizeofInotifyEvent <= size; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			off += unix.SizeofInotifyEvent + int(ev.Len)
			if ev.Wd == dirWd && ev.Mask&(unix.IN_IGNORED|unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) != 0 {
				// The directory is gone: nothing more will come from it.
				w.notify()
				go w.tick()
				return
			}
			w.notify()
		}
	}
}
