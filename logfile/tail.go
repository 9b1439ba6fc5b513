package logfile

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
)

// Tail remembers the last lines written to it (at most Lines lines of at
// most 1024 bytes each).
type Tail struct {
	Lines int
	// Sticky, if set, picks lines worth keeping after they scroll out:
	// the last one it picked leads String's result, followed by "...",
	// when it is no longer among the last Lines lines (the "panic:" line
	// of a Go crash, before its long goroutine trace).
	Sticky func(line string) bool

	stopped  atomic.Bool // Stop was called: Write records nothing more
	mu       sync.Mutex
	lines    []string
	partial  []byte
	sticky   string
	scrolled bool // sticky has left lines
}

// Stop ends the recording: what is remembered stays, and Write costs
// nothing from now on (a supervisor needs the last lines only while a
// start may still fail, not for the gigabytes a daemon logs later).
func (t *Tail) Stop() { t.stopped.Store(true) }

// Write records p. It never fails.
func (t *Tail) Write(p []byte) (int, error) {
	if t.stopped.Load() {
		return len(p), nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			t.partial = appendCapped(t.partial, p)
			break
		}
		t.partial = appendCapped(t.partial, p[:i])
		t.push(string(t.partial))
		t.partial = t.partial[:0]
		p = p[i+1:]
	}
	return n, nil
}

func appendCapped(dst, p []byte) []byte {
	const limit = 1024
	if room := limit - len(dst); len(p) > room {
		p = p[:max(room, 0)]
	}
	return append(dst, p...)
}

func (t *Tail) push(line string) {
	n := t.Lines
	if n <= 0 {
		n = 10
	}
	if t.Sticky != nil && t.Sticky(line) {
		t.sticky, t.scrolled = line, false
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > n {
		if t.sticky != "" && !t.scrolled && t.lines[0] == t.sticky {
			t.scrolled = true
		}
		t.lines = t.lines[len(t.lines)-n:]
	}
}

// String returns the remembered lines, the unfinished last line included.
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := t.lines
	if len(t.partial) > 0 {
		lines = append(lines[:len(lines):len(lines)], string(t.partial))
	}
	if t.scrolled {
		lines = append([]string{t.sticky, "..."}, lines...)
	}
	return strings.Join(lines, "\n")
}
