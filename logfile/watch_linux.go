package logfile

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// copyWatch notices files created or moved beside the log whose names
// start with the log's (svc.log.1, svc.log-20261121, ...) and keeps the
// recentMax newest open, so their sizes can be read even after they are
// compressed and removed.
type copyWatch struct {
	fd   int
	base string
	dir  string

	mu   sync.Mutex
	seen []*os.File // oldest first
}

func newCopyWatch(path string) *copyWatch {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		return nil
	}
	dir := filepath.Dir(path)
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE|unix.IN_MOVED_TO); err != nil {
		unix.Close(fd)
		return nil
	}
	cw := &copyWatch{fd: fd, base: filepath.Base(path), dir: dir}
	go cw.run()
	return cw
}

func (cw *copyWatch) run() {
	buf := make([]byte, 64*1024)
	for {
		n, err := unix.Read(cw.fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+int(ev.Len)]), "\x00")
			off += unix.SizeofInotifyEvent + int(ev.Len)
			if isCopy(cw.base, name) {
				cw.opened(filepath.Join(cw.dir, name))
			}
		}
	}
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
	unix.Close(cw.fd)
	cw.mu.Lock()
	for _, f := range cw.seen {
		f.Close()
	}
	cw.seen = nil
	cw.mu.Unlock()
}
