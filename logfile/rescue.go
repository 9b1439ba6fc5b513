package logfile

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// The copytruncate rescue. logrotate's copytruncate copies the log, then
// truncates it; what the daemon writes between the copy's last read and the
// truncate is in neither file. The Writer is the log's only writer, so it
// can repair that: it keeps the bytes it wrote last (journal), notices
// before each write that the file shrank below what it wrote, learns from
// the copy logrotate has just created (its directory is watched) how far
// the copy got, checks that the copy ends with the journal's bytes at that
// offset, and writes the missing bytes first, so the lines keep their order.

// journalMax bounds the journal: more than a rotation's window ever needs.
const journalMax = 1 << 20

// journal is what we wrote at the end of the file: the bytes from offset
// start up to start+n, which is where the file should end. It is a ring of
// journalMax bytes, allocated on the first add, so that each byte written
// is copied into it once and nothing is ever moved within it.
type journal struct {
	start int64
	n     int    // bytes kept
	head  int    // where the oldest of them is in buf
	buf   []byte // the ring
}

func (j *journal) end() int64 { return j.start + int64(j.n) }

// reset empties the journal, which now ends at offset start.
func (j *journal) reset(start int64) { j.start, j.n, j.head = start, 0, 0 }

// add appends p, forgetting the oldest bytes beyond journalMax.
func (j *journal) add(p []byte) {
	if j.buf == nil {
		j.buf = make([]byte, journalMax)
	}
	size := len(j.buf)
	if len(p) >= size {
		j.start += int64(j.n + len(p) - size)
		j.head, j.n = 0, size
		copy(j.buf, p[len(p)-size:])
		return
	}
	tail := (j.head + j.n) % size
	k := copy(j.buf[tail:], p)
	copy(j.buf, p[k:])
	j.n += len(p)
	if over := j.n - size; over > 0 {
		j.head = (j.head + over) % size
		j.n -= over
		j.start += int64(over)
	}
}

// from returns a copy of the journal's bytes from offset off (at least
// start, at most end) to its end.
func (j *journal) from(off int64) []byte {
	skip := int(off - j.start)
	out := make([]byte, j.n-skip)
	if len(out) == 0 {
		return out
	}
	i := (j.head + skip) % len(j.buf)
	k := copy(out, j.buf[i:])
	copy(out[k:], j.buf)
	return out
}

// missing returns the journal's bytes past offset c, when the copy (of
// size c) ends with exactly the journal's bytes before c.
func (j *journal) missing(copyFile *os.File) ([]byte, bool) {
	info, err := copyFile.Stat()
	if err != nil {
		return nil, false
	}
	c := info.Size()
	if c < j.start || c > j.end() {
		return nil, false
	}
	k := min(int64(256), c-j.start)
	tail := make([]byte, k)
	if _, err := copyFile.ReadAt(tail, c-k); err != nil && err != io.EOF {
		return nil, false
	}
	kept := j.from(c - k)
	if !bytes.Equal(tail, kept[:k]) {
		return nil, false
	}
	return kept[k:], true
}

// rescue is called, with the Writer locked, before a write: it repairs a
// truncation that happened since the last one.
func (w *Writer) rescue() {
	if w.j.end() == 0 {
		return
	}
	info, err := w.f.Stat()
	if err != nil || info.Size() >= w.j.end() {
		return
	}
	lost := w.j.end() - info.Size()
	var fix []byte
	ok := false
	if cp := w.watch.latest(); cp != nil {
		fix, ok = w.j.missing(cp)
	}
	if !ok {
		// The news of the copy may not have arrived yet: look for it.
		if cp := newestCopy(w.path); cp != nil {
			fix, ok = w.j.missing(cp)
			cp.Close()
		}
	}
	w.j.reset(info.Size())
	if !ok {
		w.note("lsbinit: the log was truncated (copytruncate?); the last %d bytes written before may be missing from its copy", lost)
		return
	}
	if len(fix) > 0 {
		w.writeThrough(fix)
	}
}

// newestCopy opens the most recently changed file beside path whose name
// starts with path's (a rotated copy), changed in the last minute.
func newestCopy(path string) *os.File {
	dir, base := filepath.Dir(path), filepath.Base(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var best string
	var bestTime time.Time
	for _, e := range ents {
		name := e.Name()
		if name == base || !strings.HasPrefix(name, base) || strings.HasSuffix(name, ".gz") {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || time.Since(info.ModTime()) > time.Minute {
			continue
		}
		if info.ModTime().After(bestTime) {
			best, bestTime = name, info.ModTime()
		}
	}
	if best == "" {
		return nil
	}
	f, err := os.OpenFile(filepath.Join(dir, best), os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	return f
}
