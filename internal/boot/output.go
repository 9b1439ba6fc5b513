package boot

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"
)

// output is boot's stdout, shared by every service: each line is written
// whole, in one write, so that no two services' lines mix mid-line.
type output struct {
	mu sync.Mutex
	w  io.Writer
}

// maxLine is the longest line written whole; a longer one is cut into
// lines of this length.
const maxLine = 64 << 10

// line writes one line, prefix first.
func (o *output) line(prefix string, text []byte) {
	buf := make([]byte, 0, len(prefix)+len(text)+1)
	buf = append(append(append(buf, prefix...), text...), '\n')
	o.mu.Lock()
	o.w.Write(buf)
	o.mu.Unlock()
}

// printf writes one line of boot's own.
func (o *output) printf(format string, args ...any) {
	o.line("", []byte(fmt.Sprintf("lsbinit boot: "+format, args...)))
}

// copyLines puts what r carries on the output, line by line, each line
// prefixed with "NAME | ", until r ends.
func (o *output) copyLines(name string, r io.ReadCloser) {
	defer r.Close()
	prefix := name + " | "
	br := bufio.NewReaderSize(r, maxLine)
	for {
		text, err := br.ReadSlice('\n')
		if len(text) > 0 {
			o.line(prefix, bytes.TrimSuffix(text, []byte("\n")))
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// lines is a writer that hands o each complete line written to it, as
// is: an action's messages. Flush writes what is left.
type lines struct {
	o   *output
	buf []byte
}

func (l *lines) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.o.line("", l.buf[:i])
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// Flush writes a last line that has no newline.
func (l *lines) Flush() {
	if len(l.buf) > 0 {
		l.o.line("", l.buf)
		l.buf = nil
	}
}
