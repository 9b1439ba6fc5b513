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
	f    *os.File
	fd   int
	mu   sync.Mutex
	subs map[int32][]*sub // by watch descriptor
}

// A sub is one watch's interest in one watch descriptor.
type sub struct {
	mask uint32                         // the events it wants
	fn   func(mask uint32, name string) // called on the hub's reader
}

// gone are the events after which a watch descriptor is no more.
const gone = unix.IN_IGNORED | unix.IN_Q_OVERFLOW

var shared = sync.OnceValue(func() *hub {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil // the user's limit is reached, or no inotify
	}
	h := &hub{f: os.NewFile(uintptr(fd), "inotify"), fd: fd, subs: map[int32][]*sub{}}
	go h.read()
	return h
})

// add subscribes s to path's events, adding them to what others of the
// process watch there.
func (h *hub) add(path string, flags uint32, s *sub) (int32, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	wd, err := unix.InotifyAddWatch(h.fd, path, s.mask|flags|unix.IN_MASK_ADD)
	if err != nil {
		return 0, err
	}
	h.subs[int32(wd)] = append(h.subs[int32(wd)], s)
	return int32(wd), nil
}

// remove ends s's subscription to wd, and the watch with the last one.
func (h *hub) remove(wd int32, s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	list, ok := h.subs[wd]
	if !ok {
		return // already gone
	}
	list = slices.DeleteFunc(list, func(x *sub) bool { return x == s })
	if len(list) > 0 {
		h.subs[wd] = list
		return
	}
	delete(h.subs, wd)
	unix.InotifyRmWatch(h.fd, uint32(wd))
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
		for _, list := range h.subs {
			to = append(to, list...)
		}
	} else {
		to = slices.Clone(h.subs[wd])
	}
	if mask&unix.IN_IGNORED != 0 {
		delete(h.subs, wd)
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
	h := shared()
	if h == nil {
		return nil, false
	}
	s := &sub{mask: unix.IN_CREATE | unix.IN_MOVED_TO, fn: func(mask uint32, name string) {
		if mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0 && name != "" {
			fn(name)
		}
	}}
	wd, err := h.add(dir, unix.IN_ONLYDIR, s)
	if err != nil {
		return nil, false
	}
	return func() { h.remove(wd, s) }, true
}
