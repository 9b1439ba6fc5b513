package logfile

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// copyWatch notices files created beside the log whose names start with
// the log's (svc.log.1, svc.log-20261121, ...) and keeps the newest open,
// so its size can be read even after it is compressed and removed.
type copyWatch struct {
	fd   int
	base string
	dir  string

	mu  sync.Mutex
	cur *os.File
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
			if name != cw.base && strings.HasPrefix(name, cw.base) && !strings.HasSuffix(name, ".gz") {
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
	old := cw.cur
	cw.cur = f
	cw.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

// latest returns the newest copy seen, or nil.
func (cw *copyWatch) latest() *os.File {
	if cw == nil {
		return nil
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	return cw.cur
}

func (cw *copyWatch) close() {
	if cw == nil {
		return
	}
	unix.Close(cw.fd)
	cw.mu.Lock()
	if cw.cur != nil {
		cw.cur.Close()
	}
	cw.mu.Unlock()
}
