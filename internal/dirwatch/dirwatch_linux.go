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

// inotify is a watch through an inotify instance: the process's own, or
// a server's (Share).
type inotify struct {
	w     *Watcher
	dir   string
	names []string

	mu     sync.Mutex
	inst   instance // what it subscribed on
	files  []held   // one for each name
	dirH   held
	ticked bool // the directory went: the watcher ticks
}

// held is one subscription of a watch.
type held struct {
	wd int32
	s  *sub
}

// Watch watches names in dir: through the process's one inotify instance
// or, where none is to be had (the user's limit is reached), through a
// server's (Share), or through dnotify on the directory. If the directory
// itself goes away, or none of these works, it falls back to ticking
// every Interval.
func Watch(dir string, names ...string) *Watcher {
	w := newWatcher()
	n := &inotify{w: w, dir: dir, names: names}
	if n.arm() {
		w.impl = n
		return w
	}
	n.close()
	w.without(dir, names)
	return w
}

// without watches through dnotify, or ticks.
func (w *Watcher) without(dir string, names []string) {
	if d, err := watchDnotify(w, dir, names); err == nil {
		w.impl = d
		return
	}
	w.impl = nil
	go w.tick()
}

// Rearm watches the files now at the watched names: a file that was
// replaced is a new file. The owner calls it after it has put its files
// right, and after a change that was the loss of the server of its
// watches: then they are added again wherever the process now can, and a
// watch that can no longer be had so watches through dnotify. A dnotify
// watch of a process that shares (Share) goes back to inotify when an
// instance is to be had again.
func (w *Watcher) Rearm() {
	switch n := w.impl.(type) {
	case *inotify:
		if n.arm() {
			return
		}
		n.close()
		if !n.isTicking() {
			w.without(n.dir, n.names)
		}
	case *dnotify:
		if sharingOn() {
			i := &inotify{w: w, dir: n.dir, names: n.plain}
			if i.arm() {
				n.close()
				w.impl = i
				return
			}
			i.close()
		}
		n.arm()
	}
}

// arm subscribes afresh to the files at the names and to the directory;
// it reports false when the directory cannot be watched.
func (n *inotify) arm() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for range 2 { // once more when the instance went meanwhile
		inst := current()
		if inst != n.inst {
			n.unsubscribe()
			n.inst = inst
		}
		if inst == nil {
			return false
		}
		if n.subscribeAll() {
			return true
		}
		if !inst.gone() {
			return false
		}
	}
	return false
}

// subscribeAll subscribes to the files at the names and to the directory
// on n.inst; it reports false when the directory cannot be watched.
func (n *inotify) subscribeAll() bool {
	if n.files == nil {
		n.files = make([]held, len(n.names))
	}
	mask := uint32(dirEvents)
	for i, name := range n.names {
		if !n.hold(&n.files[i], filepath.Join(n.dir, name), unix.IN_DONT_FOLLOW, fileEvents, nil) {
			mask |= dirCreation // missing: notice when it comes back
		}
	}
	if !n.hold(&n.dirH, n.dir, unix.IN_ONLYDIR, mask, n.dirEvent) {
		return false
	}
	if mask&dirCreation != 0 {
		// A file made after it was found missing but before the
		// directory's watch saw creations: watch it now, or a write to it
		// (someone's, after the owner's repair) would go unseen.
		for i, name := range n.names {
			if n.files[i].s == nil {
				n.hold(&n.files[i], filepath.Join(n.dir, name), unix.IN_DONT_FOLLOW, fileEvents, nil)
			}
		}
	}
	return true
}

// hold subscribes h to the file now at path, for mask, and reports
// false when there is none. It adds afresh each time, even on what looks
// like the same file: a file removed and another made at once often get
// the same inode number and birth time (the clock's tick is coarse), and
// only the kernel can tell them apart, by giving the same file the same
// watch descriptor. fn is what to call on an event; nil notifies the
// owner.
func (n *inotify) hold(h *held, path string, flags, mask uint32, fn func(uint32, string)) bool {
	if identity(path) == ([3]uint64{}) {
		n.drop(h)
		return false // missing: no need to ask (a server's costs a round trip)
	}
	// The new subscription is made before the old one ends, so that the
	// path is watched throughout (on one watch descriptor, when it is the
	// same file).
	old := *h
	defer n.drop(&old)
	s := &sub{mask: mask, fn: fn}
	if fn == nil {
		s.fn = func(uint32, string) { n.w.notify() }
	}
	wd, err := n.inst.add(path, flags, s)
	if err != nil {
		*h = held{}
		return false
	}
	*h = held{wd: wd, s: s}
	return true
}

// identity tells the file at path from others, or is zero when there is
// none: its device and inode, and its birth time (or, where the file
// system keeps none, its change time). It is a hint, not a proof: an
// inode number freed is given to the next file made, within the same
// tick of the clock.
func identity(path string) [3]uint64 {
	var st unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_INO|unix.STATX_BTIME|unix.STATX_CTIME, &st) != nil {
		return [3]uint64{}
	}
	t := st.Ctime
	if st.Mask&unix.STATX_BTIME != 0 {
		t = st.Btime
	}
	return [3]uint64{uint64(st.Dev_major)<<32 | uint64(st.Dev_minor), st.Ino, uint64(t.Sec)*1e9 + uint64(t.Nsec)}
}

// drop ends h's subscription.
func (n *inotify) drop(h *held) {
	if h.s != nil {
		n.inst.remove(h.wd, h.s)
	}
	*h = held{}
}

// dirEvent notifies; when the directory is gone, nothing more will come
// from it, and the watcher ticks instead.
func (n *inotify) dirEvent(mask uint32, _ string) {
	n.w.notify()
	if mask&lost != 0 || mask&(unix.IN_IGNORED|unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) == 0 {
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
	for i := range n.files {
		n.drop(&n.files[i])
	}
	n.drop(&n.dirH)
}

// isTicking reports whether the directory went, and the watcher ticks.
func (n *inotify) isTicking() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ticked
}

func (n *inotify) mechanism() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.inst.(*peer); ok {
		return ByShared
	}
	return ByInotify
}

func (n *inotify) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.unsubscribe()
}
