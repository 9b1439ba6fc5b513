package dirwatch

import (
	"bytes"
	"os"
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"
)

// events are the changes to a name that matter: it was removed, renamed
// away, replaced, written or had its mode or owner changed.
const events = unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_CREATE |
	unix.IN_CLOSE_WRITE | unix.IN_ATTRIB | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF

type inotify struct{ f *os.File }

func (n inotify) close() { n.f.Close() }

// Watch watches names in dir. If the directory itself goes away, or
// inotify is not available, it falls back to ticking every Interval.
func Watch(dir string, names ...string) *Watcher {
	w := newWatcher()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err == nil {
		if _, err = unix.InotifyAddWatch(fd, dir, events); err != nil {
			unix.Close(fd)
		}
	}
	if err != nil {
		go w.tick()
		return w
	}
	f := os.NewFile(uintptr(fd), "inotify") // non-blocking: Close ends Read
	w.impl = inotify{f}
	go w.read(f, names)
	return w
}

func (w *Watcher) read(f *os.File, names []string) {
	buf := make([]byte, 16*1024)
	for {
		n, err := f.Read(buf)
		if err != nil {
			return // closed
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			off += unix.SizeofInotifyEvent + int(ev.Len)
			switch {
			case ev.Mask&(unix.IN_IGNORED|unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) != 0:
				// The directory is gone: nothing more will come from it.
				w.notify()
				go w.tick()
				return
			case slices.Contains(names, string(bytes.TrimRight(name, "\x00"))):
				w.notify()
			case ev.Mask&unix.IN_Q_OVERFLOW != 0:
				w.notify()
			}
		}
	}
}
