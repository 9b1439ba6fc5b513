package dirwatch

import (
	"os"
	"os/signal"
	"slices"
	"sync"
	"time"
	"unsafe"

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
	plain []string // the names watched
	names []*byte  // NUL-terminated, relative to fd; "." last
	done  chan struct{}

	mu     sync.Mutex
	seen   []stamp // at names, and the directory last
	now    []stamp // look's, kept so that a look allocates nothing
	window time.Time
	others int  // signals in window for other files
	paused bool // a storm: the watch looks instead (sitOut)
	closed bool
}

// The dnotify events, from linux/fcntl.h (x/sys/unix does not name them).
const (
	fNotify     = 1026 // F_NOTIFY: F_LINUX_SPECIFIC_BASE + 2
	dnDelete    = 0x8
	dnRename    = 0x10
	dnMultishot = 0x80000000
)

// dnEvents are what a dnotify watch asks for: removals and renames only.
// A file created or written in the directory (every start of another
// service there does both) would wake every such watch; a watched file
// edited in place is so seen at the next removal or rename there.
const dnEvents = dnDelete | dnRename | dnMultishot

// A storm is more than stormMax signals in a second for other files of
// the directory: hundreds of services starting or stopping at once there.
// Each signal wakes every dnotify watch of the directory, so a watch that
// sees a storm stops listening for stormPause and looks at its own files
// instead: every stormLook for the first second (a file of its own removed
// in the same burst is back at once), then once a second. Its cost is so
// bounded whatever the storm: a few statx calls a look.
const (
	stormMax   = 10
	stormPause = 10 * time.Second
	stormLook  = 100 * time.Millisecond
)

// A stamp is what a change to a file changes.
type stamp struct {
	ok                   bool
	dev, ino, size       uint64
	mode, uid, gid, link uint32
	mtime, ctime         unix.StatxTimestamp
}

// stampAt stamps the file at name in the directory fd, without
// allocating (statx(2) directly): a check may run thousands of times.
func stampAt(fd int, name *byte) stamp {
	var st unix.Statx_t
	_, _, e := unix.Syscall6(unix.SYS_STATX, uintptr(fd), uintptr(unsafe.Pointer(name)),
		unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS, uintptr(unsafe.Pointer(&st)), 0)
	if e != 0 {
		return stamp{}
	}
	return stamp{ok: true, dev: uint64(st.Dev_major)<<32 | uint64(st.Dev_minor), ino: st.Ino, size: st.Size,
		mode: uint32(st.Mode), uid: st.Uid, gid: st.Gid, link: st.Nlink, mtime: st.Mtime, ctime: st.Ctime}
}

// stamp fills into the stamps of the names, and the directory's identity
// (its times change with every file in it).
func (d *dnotify) stamp(into []stamp) {
	for i, name := range d.names {
		into[i] = stampAt(d.fd, name)
	}
	dir := &into[len(into)-1]
	*dir = stamp{ok: dir.ok, dev: dir.dev, ino: dir.ino}
}

// arm takes the stamps a later change is told by.
func (d *dnotify) arm() {
	d.mu.Lock()
	d.stamp(d.seen)
	d.mu.Unlock()
}

// check looks after a signal, and counts it towards a storm when nothing
// of the watch's changed.
func (d *dnotify) check() {
	if d.look() {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if now := time.Now(); now.Sub(d.window) > time.Second {
		d.window, d.others = now, 0
	}
	if d.others++; d.others > stormMax && !d.paused && !d.closed {
		d.paused = true
		unix.FcntlInt(uintptr(d.fd), fNotify, 0) // no more signals
		go d.sitOut()
	}
}

// look tells the owner, and reports, when the names or the directory
// changed since the watch was last armed.
func (d *dnotify) look() bool {
	d.mu.Lock()
	d.stamp(d.now)
	changed := !slices.Equal(d.now, d.seen)
	d.mu.Unlock()
	if changed {
		d.w.notify()
	}
	return changed
}

// sitOut looks every stormLook for a second, then every second until
// stormPause is over, then listens again.
func (d *dnotify) sitOut() {
	t := time.NewTicker(stormLook)
	defer t.Stop()
	end := time.NewTimer(stormPause)
	defer end.Stop()
	slower := time.Now().Add(time.Second)
	for {
		select {
		case now := <-t.C:
			d.look()
			if !slower.IsZero() && now.After(slower) {
				t.Reset(time.Second)
				slower = time.Time{}
			}
		case <-end.C:
			d.mu.Lock()
			if !d.closed {
				unix.FcntlInt(uintptr(d.fd), fNotify, dnEvents)
				d.paused = false
			}
			d.mu.Unlock()
			d.look() // what changed since the last look
			return
		case <-d.done:
			return
		}
	}
}

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
	d := &dnotify{fd: fd, w: w, dir: dir, plain: names, done: make(chan struct{})}
	for _, name := range append(names, ".") {
		p, err := unix.BytePtrFromString(name)
		if err != nil {
			unix.Close(fd)
			return nil, err
		}
		d.names = append(d.names, p)
	}
	d.seen, d.now = make([]stamp, len(d.names)), make([]stamp, len(d.names))
	d.arm()
	sigio.mu.Lock()
	sigio.watches[d] = true
	sigio.mu.Unlock()
	if _, err := unix.FcntlInt(uintptr(fd), fNotify, dnEvents); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

func (d *dnotify) mechanism() string { return ByDnotify }

// close ends the notification with the descriptor.
func (d *dnotify) close() {
	sigio.mu.Lock()
	delete(sigio.watches, d)
	sigio.mu.Unlock()
	d.mu.Lock()
	d.closed = true
	close(d.done)
	unix.Close(d.fd)
	d.mu.Unlock()
}
