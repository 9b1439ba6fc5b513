package logfile

import (
	"bytes"
	"io"
	"os"
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
const journalMax = 2 << 20

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
// size c) ends with exactly the journal's bytes before c. The match is
// sure when there were bytes to compare: a copy that ends where the
// journal starts (an empty file's copy, say) matches any journal.
func (j *journal) missing(copyFile *os.File) (fix []byte, ok, sure bool) {
	info, err := copyFile.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return nil, false, false
	}
	c := info.Size()
	if c < j.start || c > j.end() {
		return nil, false, false
	}
	k := min(int64(256), c-j.start)
	tail := make([]byte, k)
	if _, err := copyFile.ReadAt(tail, c-k); err != nil && err != io.EOF {
		return nil, false, false
	}
	kept := j.from(c - k)
	if !bytes.Equal(tail, kept[:k]) {
		return nil, false, false
	}
	return kept[k:], true, k > 0
}

// rescue is called, with the Writer locked, before a write: it repairs a
// truncation that happened since the last one.
func (w *Writer) rescue() {
	if !w.regular || w.j.end() == 0 {
		return
	}
	info, err := w.f.Stat()
	if err != nil || info.Size() >= w.j.end() {
		return
	}
	lost := w.j.end() - info.Size()
	fix, ok := w.missingFromCopy()
	w.j.reset(info.Size())
	if !ok {
		w.noteLoss(lost)
		return
	}
	if len(fix) > 0 {
		w.writeThrough(fix)
	}
}

// truncatedUnder repairs a truncation that came after rescue looked and
// before a write: p went to offset at, where the file had been cut. What
// the copy missed must come before p, so p is taken back, the missing
// bytes written, and p after them.
func (w *Writer) truncatedUnder(at int64, p []byte) {
	lost := w.j.end() - at
	if w.repairing {
		w.j.reset(at)
		w.j.add(p)
		return
	}
	w.repairing = true
	defer func() { w.repairing = false }()
	fix, ok := w.missingFromCopy()
	w.j.reset(at)
	switch {
	case !ok:
		w.j.add(p)
		w.noteLoss(lost)
	case len(fix) == 0:
		w.j.add(p)
	case w.f.Truncate(at) != nil:
		w.j.add(p)
		w.writeThrough(fix) // out of order rather than lost
	default:
		w.writeThrough(fix)
		w.writeThrough(p)
	}
}

func (w *Writer) noteLoss(lost int64) {
	w.note("lsbinit: the log was truncated (copytruncate?); the last %d bytes written before may be missing from its copy", lost)
}
