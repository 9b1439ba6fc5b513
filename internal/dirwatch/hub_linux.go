package dirwatch

import (
	"os"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// One inotify instance serves every watch of a process: Linux allows each
// user 128 instances (fs.inotify.max_user_instances), shared by all of
// that user's processes, and a host may run hundreds of supervisors. The
// hub holds the instance; each watch subscribes to the watch descriptors
// it needs, and the hub's one reader hands each event to the watches that
// asked for it.
type hub struct {
	f       *os.File
	fd      int
	mu      sync.Mutex
	watches map[int32]*watch // by watch descriptor
}

// A watch is one watch descriptor: what it was added on, and who wants
// its events.
type watch struct {
	path    string
	flags   uint32
	file    [3]uint64 // the identity of the file path named when added
	applied uint32    // the events the kernel reports
	subs    []*sub
}

// mask is the events the watch's subscribers want.
func (w *watch) mask() uint32 {
	var m uint32
	for _, s := range w.subs {
		m |= s.mask
	}
	return m
}

// A sub is one watch's interest in one watch descriptor.
type sub struct {
	mask uint32                         // the events it wants
	fn   func(mask uint32, name string) // called on the hub's reader
}

// gone are the events after which a watch descriptor is no more, or
// anything may have changed.
const gone = unix.IN_IGNORED | unix.IN_Q_OVERFLOW | lost

// newHub makes the process an inotify instance, or returns nil when the
// user's limit is reached or there is no inotify.
func newHub() *hub {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil
	}
	h := &hub{f: os.NewFile(uintptr(fd), "inotify"), fd: fd, watches: map[int32]*watch{}}
	go h.read()
	return h
}

// gone is never true of the process's own instance.
func (h *hub) gone() bool { return false }

// add subscribes s to path's events, adding them to what others of the
// process watch there.
func (h *hub) add(path string, flags uint32, s *sub) (int32, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	wd, err := unix.InotifyAddWatch(h.fd, path, s.mask|flags|unix.IN_MASK_ADD)
	if err != nil {
		return 0, err
	}
	w := h.watches[int32(wd)]
	if w == nil {
		w = &watch{path: path, flags: flags, file: identity(path)}
		h.watches[int32(wd)] = w
	}
	w.subs = append(w.subs, s)
	w.applied |= s.mask
	return int32(wd), nil
}

// remove ends s's subscription to wd: the watch then asks for what the
// others still want (so that no event wakes the process for nobody), and
// goes with the last of them.
func (h *hub) remove(wd int32, s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	w, ok := h.watches[wd]
	if !ok {
		return // already gone
	}
	w.subs = slices.DeleteFunc(w.subs, func(x *sub) bool { return x == s })
	if len(w.subs) > 0 {
		h.narrow(wd, w)
		return
	}
	delete(h.watches, wd)
	unix.InotifyRmWatch(h.fd, uint32(wd))
}

// narrow makes the kernel report only what w's subscribers want. The
// mask can only be set through the path, so only while the path still
// names the file watched; otherwise w keeps reporting more, which the
// subscribers' masks filter.
func (h *hub) narrow(wd int32, w *watch) {
	m := w.mask()
	if m == w.applied || w.file == [3]uint64{} || identity(w.path) != w.file {
		return
	}
	got, err := unix.InotifyAddWatch(h.fd, w.path, m|w.flags)
	switch {
	case err != nil:
	case int32(got) == wd:
		w.applied = m
	default:
		// The path names another file after all (an identity is a hint):
		// undo what was done to its watch.
		h.undo(int32(got), w.path)
	}
}

// undo puts back the watch descriptor wd that a narrowing reached by
// mistake at path: another watch's is given back its events, and one
// that nobody asked for is removed. The path may change once more in
// between, naming yet another file: a few tries, not a loop forever.
func (h *hub) undo(wd int32, path string) {
	for range 3 {
		o, ok := h.watches[wd]
		if !ok {
			unix.InotifyRmWatch(h.fd, uint32(wd))
			return
		}
		got, err := unix.InotifyAddWatch(h.fd, path, o.applied|o.flags)
		if err != nil || int32(got) == wd {
			return
		}
		wd = int32(got)
	}
}

// read hands the events to their subscribers, for the process's life.
func (h *hub) read() {
	buf := make([]byte, 16*1024)
	for {
		size, err := h.f.Read(buf)
		if err != nil {
			return
		}
		for off := 0; off+unix.SizeofInotifyEvent <= size; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := string(buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)])
			off += unix.SizeofInotifyEvent + int(ev.Len)
			h.deliver(ev.Wd, ev.Mask, strings.TrimRight(name, "\x00"))
		}
	}
}

// deliver calls the subscribers of wd that want mask: every subscriber
// when the queue overflowed, as anything may have changed.
func (h *hub) deliver(wd int32, mask uint32, name string) {
	h.mu.Lock()
	var to []*sub
	if mask&unix.IN_Q_OVERFLOW != 0 {
		for _, w := range h.watches {
			to = append(to, w.subs...)
		}
	} else if w, ok := h.watches[wd]; ok {
		to = slices.Clone(w.subs)
	}
	if mask&unix.IN_IGNORED != 0 {
		delete(h.watches, wd)
	}
	h.mu.Unlock()
	for _, s := range to {
		if mask&(s.mask|gone) != 0 {
			s.fn(mask, name)
		}
	}
}

// Names calls fn, on a goroutine of the package's, with the name of each
// file created in dir or moved into it, until stop is called. It reports
// false when dir cannot be watched so (no inotify instance is to be had).
func Names(dir string, fn func(name string)) (stop func(), ok bool) {
	const created = unix.IN_CREATE | unix.IN_MOVED_TO
	return subscribe(dir, unix.IN_ONLYDIR, &sub{mask: created, fn: func(mask uint32, name string) {
		if mask&created != 0 && name != "" {
			fn(name)
		}
	}})
}

// Opens calls fn, on a goroutine of the package's, each time the file at
// path (the file, not whatever the path names later) is opened, until
// stop is called; and once when an open may have been missed (the server
// of the process's watches went). It reports false when the file cannot
// be watched so.
func Opens(path string, fn func()) (stop func(), ok bool) {
	return subscribe(path, unix.IN_DONT_FOLLOW, &sub{mask: unix.IN_OPEN, fn: func(mask uint32, _ string) {
		if mask&(unix.IN_OPEN|lost) != 0 {
			fn()
		}
	}})
}

// subscribe adds s on path to the process's instance, and returns what
// ends it. When that instance is a server's and it goes, s is added
// again wherever the process now can.
func subscribe(path string, flags uint32, s *sub) (stop func(), ok bool) {
	l := &lasting{path: path, flags: flags, s: s}
	if !l.add() {
		return nil, false
	}
	return l.stop, true
}

// A lasting subscription outlives the instance it was added to. If it
// cannot be added again, its owner is left with what it does without
// (the log's copies are then found by name).
type lasting struct {
	path  string
	flags uint32
	s     *sub

	adding  sync.Mutex // one add at a time: the last made is the one kept
	mu      sync.Mutex
	inst    instance
	wd      int32
	own     *sub // what inst calls
	stopped bool
}

func (l *lasting) add() bool {
	l.adding.Lock()
	defer l.adding.Unlock()
	inst := current()
	if inst == nil {
		return false
	}
	own := &sub{mask: l.s.mask, fn: l.event}
	wd, err := inst.add(l.path, l.flags, own)
	if err != nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		inst.remove(wd, own)
		return true
	}
	if l.inst != nil {
		l.inst.remove(l.wd, l.own)
	}
	l.inst, l.wd, l.own = inst, wd, own
	return true
}

func (l *lasting) event(mask uint32, name string) {
	if mask&lost != 0 {
		go l.add()
	}
	l.s.fn(mask, name)
}

func (l *lasting) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.inst != nil {
		l.inst.remove(l.wd, l.own)
	}
}
