package initd

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// tailChunk is how much of a log's end is read at a time for its last lines.
const tailChunk = 64 << 10

// lastLines returns the last n lines of the file at path (none when it
// cannot be read), reading back from its end at most 1 MiB.
func lastLines(path string, n int) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	lines, _ := lastLinesOf(f, n)
	return lines
}

// lastLinesOf returns the last n lines of f, and the offset they end at
// (where a reader that goes on is to go on from).
func lastLinesOf(f *os.File, n int) ([]string, int64) {
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, 0
	}
	var buf []byte
	for pos := end; pos > 0 && bytes.Count(buf, []byte("\n")) <= n && end-pos < 1<<20; {
		step := min(int64(tailChunk), pos)
		pos -= step
		chunk := make([]byte, step)
		if _, err := f.ReadAt(chunk, pos); err != nil && err != io.EOF {
			return nil, end
		}
		buf = append(chunk, buf...)
	}
	lines := bytes.Split(bytes.TrimSuffix(buf, []byte("\n")), []byte("\n"))
	if len(lines) == 1 && len(lines[0]) == 0 {
		return nil, end
	}
	lines = lines[max(0, len(lines)-n):]
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(l)
	}
	return out, end
}

// logs prints the log's last n lines and, with follow, what is written
// to it from then on, across rotations: a file renamed away (logrotate's
// create mode) is read to its end and the new one opened; a file
// truncated in place (copytruncate) is read again from its start.
func (r *runner) logs(n int, follow bool) exitcode.Code {
	c := r.c
	if c.LogFile == "none" {
		if f := gatherRedirectFacts(c.Name, "status", c.NoReload); routeFor(f) == routeSystemctl {
			// Under systemd the output went to the journal only.
			return r.journal(n, follow)
		}
		fmt.Fprintf(c.Stderr, "%s: LOGFILE is none: no file keeps the daemon's output (under lsbinit boot it is on boot's stdout: docker logs)\n", c.Name)
		return exitcode.NotConfigured
	}
	f, err := os.Open(c.LogFile)
	if err != nil && !(follow && os.IsNotExist(err)) {
		if os.IsNotExist(err) {
			fmt.Fprintf(c.Stderr, "%s: no log yet: %s does not exist (nothing has been written to it; logs -f waits for it)\n", c.Name, c.LogFile)
			return exitcode.Failed
		}
		fmt.Fprintf(c.Stderr, "%s: %v\n", c.Name, err)
		return exitcode.Privilege(err, exitcode.Failed)
	}
	if f == nil { // -f on a log not written yet
		return r.follow(nil)
	}
	lines, end := lastLinesOf(f, n)
	for _, l := range lines {
		fmt.Fprintln(c.Stdout, l)
	}
	if !follow {
		f.Close()
		return exitcode.OK
	}
	f.Seek(end, io.SeekStart) // on from where the lines shown end
	return r.follow(f)
}

// follow copies what is written to the log to stdout until writing
// fails (the reader went away) or the process is interrupted.
func (r *runner) follow(f *os.File) exitcode.Code {
	c := r.c
	var seen recent
	out := io.MultiWriter(c.Stdout, &seen)
	for {
		if f != nil {
			if _, err := seen.copyAfterTruncate(out, f); err != nil {
				return exitcode.OK
			}
		}
		time.Sleep(100 * time.Millisecond)
		var truncated bool
		f, truncated = reopenRotated(c.LogFile, f, out)
		seen.truncated = seen.truncated || truncated
	}
}

// recent keeps the last bytes follow printed, so that after a
// copytruncate it can skip what it printed already: the supervisor
// writes the lines logrotate's copy missed at the start of the emptied
// log (README, "Logs and rotation"), and the follower may have read them
// from the log before it was emptied.
type recent struct {
	buf       []byte
	truncated bool // the log was emptied since the last copy
}

const recentMax = 256 << 10

func (s *recent) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	if len(s.buf) > recentMax {
		s.buf = append(s.buf[:0], s.buf[len(s.buf)-recentMax:]...)
	}
	return len(p), nil
}

// copyAfterTruncate copies f to w; after a truncation it first skips the
// bytes at f's start that end what was printed last.
func (s *recent) copyAfterTruncate(w io.Writer, f *os.File) (int64, error) {
	if !s.truncated {
		return io.Copy(w, f)
	}
	head := make([]byte, len(s.buf))
	n, _ := io.ReadFull(f, head)
	if n == 0 {
		return 0, nil // nothing yet: look again at the next turn
	}
	s.truncated = false
	skip := overlap(s.buf, head[:n])
	if _, err := w.Write(head[skip:n]); err != nil {
		return 0, err
	}
	return io.Copy(w, f)
}

// overlap is the length of the longest end of printed that begins next.
func overlap(printed, next []byte) int {
	probe := next[:min(len(next), 64)]
	// An end at least as long as probe starts where probe occurs: the
	// earliest that matches all the way is the longest.
	for from := 0; ; {
		i := bytes.Index(printed[from:], probe)
		if i < 0 {
			break
		}
		i += from
		if k := len(printed) - i; k <= len(next) && bytes.Equal(printed[i:], next[:k]) {
			return k
		}
		from = i + 1
	}
	for k := min(len(printed), len(probe)-1); k > 0; k-- {
		if bytes.Equal(printed[len(printed)-k:], next[:k]) {
			return k
		}
	}
	return 0
}

// reopenRotated returns the file to read next: f itself, rewound when it
// was truncated (then truncated is true); or, when path names another
// file now, path opened (after the rest of f has been copied to w).
func reopenRotated(path string, f *os.File, w io.Writer) (next *os.File, truncated bool) {
	now, err := os.Stat(path)
	if f == nil {
		if err != nil {
			return nil, false
		}
		g, _ := os.Open(path)
		return g, false
	}
	if info, ferr := f.Stat(); ferr == nil {
		if err == nil && !os.SameFile(info, now) {
			io.Copy(w, f) // the rotated file's last lines
			f.Close()
			g, _ := os.Open(path)
			return g, false
		}
		if pos, _ := f.Seek(0, io.SeekCurrent); info.Size() < pos {
			f.Seek(0, io.SeekStart) // truncated
			return f, true
		}
	}
	return f, false
}

// journal shows the unit's journal: LOGFILE=none under systemd, where the
// daemon's output goes to the journal alone.
func (r *runner) journal(n int, follow bool) exitcode.Code {
	args := []string{"--no-pager", "-u", r.c.Name + ".service", "-n", strconv.Itoa(n)}
	if follow {
		args = append(args, "-f")
	}
	cmd := exec.Command("journalctl", args...)
	cmd.Stdout, cmd.Stderr = r.c.Stdout, r.c.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(r.c.Stderr, "%s: journalctl: %v\n", r.c.Name, err)
		return exitcode.Failed
	}
	return exitcode.OK
}
