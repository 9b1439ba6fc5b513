package boot

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
)

func TestCopyLinesPrefixesWholeLines(t *testing.T) {
	var buf bytes.Buffer
	o := &output{w: &buf}
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b", "c"} {
		r, w := io.Pipe()
		wg.Add(2)
		go func() { defer wg.Done(); o.copyLines(name, r) }()
		go func() {
			defer wg.Done()
			line := strings.Repeat(name, 5000) + "\n"
			for i := 0; i < 200; i++ {
				// Written in uneven pieces, as a pipe delivers them.
				io.WriteString(w, line[:1234])
				io.WriteString(w, line[1234:])
			}
			io.WriteString(w, "no newline at the end")
			w.Close()
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 603 {
		t.Fatalf("%d lines, want 603", len(lines))
	}
	for _, l := range lines {
		name, text, ok := strings.Cut(l, " | ")
		if !ok || (text != strings.Repeat(name, 5000) && text != "no newline at the end") {
			t.Fatalf("mixed or unprefixed line: %.80q", l)
		}
	}
}

func TestCopyLinesCutsOverlongLines(t *testing.T) {
	var buf bytes.Buffer
	o := &output{w: &buf}
	o.copyLines("x", io.NopCloser(strings.NewReader(strings.Repeat("y", maxLine+10)+"\n")))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 || len(lines[0]) != len("x | ")+maxLine || lines[1] != "x | "+strings.Repeat("y", 10) {
		t.Errorf("got %d lines of %d and %d bytes", len(lines), len(lines[0]), len(lines[len(lines)-1]))
	}
}

func TestLinesWriterKeepsPartialLines(t *testing.T) {
	var buf bytes.Buffer
	l := &lines{o: &output{w: &buf}}
	io.WriteString(l, "Starting a")
	if buf.Len() != 0 {
		t.Fatalf("a partial line was written: %q", buf.String())
	}
	io.WriteString(l, ": a.\nStopp")
	l.Flush()
	if got := buf.String(); got != "Starting a: a.\nStopp\n" {
		t.Errorf("got %q", got)
	}
}
