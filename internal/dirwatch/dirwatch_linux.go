package dirwatch

import (
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// fileEvents are the changes to a watched file that matter: it was
// removed or replaced (its link count changes, or it goes), renamed away,
// written, or had its mode or owner changed. The watch is on the file
// itself, not on its directory, so that other files there (other
// services' pidfiles in /run, say) never wake the watcher.
const fileEvents = unix.IN_ATTRIB | unix.IN_MODIFY | unix.IN_CLOSE_WRITE |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF

// dirEvents are the changes to the directory that matter: it goes. While
// a watched name is missing (a repair failed), its creation too.
const (
	dirEvents   = unix.IN_DELETE_SELF | unix.IN_MOVE_SELF
	dirCreation = unix.IN_CREATE | unix.IN_MOVED_TO
)

// inotify is a watch on the process's shared inotify instance.
type inotify struct {
	h     *hub
	w     *Watcher
	dir   string
	names []string

	mu     sync.Mutex
	wds    []int32 // what it subscribed to, with subs
	subs   []*sub
	ticked bool // the directory went: the watcher ticks
}

// Watch watches names in dir: through the process's one inotify instance
// or, where none is to be had (the user's limit is reached), through
// dnotify on the directory. If the directory itself goes away, or neither
// works, it falls back to ticking every Interval.
func Watch(dir string, names ...string) *Watcher {
	w := newWatcher()
	if h := shared(); h != nil {
		n := &inotify{h: h, w: w, dir: dir, names: names}
		if n.arm() {
			w.impl = n
			return w
		}
		n.close()
	}
	if d, err := watchDnotify(w, dir, names); err == nil {
		w.impl = d
		return w
	}
	go w.tick()
	return w
}

// Rearm watches the files now at the watched names: a file that was
// replaced is a new file. The owner calls it after it has put its files
// right.
func (w *Watcher) Rearm() {
	switch n := w.impl.(type) {
	case *inotify:
		n.arm()
	case *dnotify:
		n.arm()
	}
}

// arm subscribes afresh to the files at the names and to the directory;
// it reports false when the directory cannot be watched.
func (n *inotify) arm() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.unsubscribe()
	mask := uint32(dirEvents)
	for _, name := range n.names {
		s := &sub{mask: fileEvents, fn: func(uint32, string) { n.w.notify() }}
		if !n.subscribe(filepath.Join(n.dir, name), unix.IN_DONT_FOLLOW, s) {
			mask |= dirCreation // missing: notice when it comes back
		}
	}
	return n.subscribe(n.dir, unix.IN_ONLYDIR, &sub{mask: mask, fn: n.dirEvent})
}

// subscribe adds s on path, and reports whether it could.
func (n *inotify) subscribe(path string, flags uint32, s *sub) bool {
	wd, err := n.h.add(path, flags, s)
	if err != nil {
		return false
	}
	n.wds, n.subs = append(n.wds, wd), append(n.subs, s)
	return true
}

// dirEvent notifies; when the directory is gone, nothing more will come
// from it, and the watcher ticks instead.
func (n *inotify) dirEvent(mask uint32, _ string) {
	n.w.notify()
	if mask&(unix.IN_IGNORED|unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) == 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.ticked {
		n.ticked = true
		go n.w.tick()
	}
}

func (n *inotify) unsubscribe() {
	for i, wd := range n.wds {
		n.h.remove(wd, n.subs[i])
	}
	n.wds, n.subs = nil, nil
}

func (n *inotify) mechanism() string { return ByInotify }

func (n *inotify) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.unsubscribe()
}
