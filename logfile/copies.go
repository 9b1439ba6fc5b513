package logfile

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// recentMax is how many recent copies the rescue weighs: logrotate renames
// every older copy on each rotation, and two rotations may follow each
// other before the supervisor writes again.
const recentMax = 8

// missingFromCopy returns what the journal holds beyond the end of the
// copy logrotate made, when a copy is found that ends as the journal says
// it should. A copy whose end could be compared wins over one that ends
// where the journal starts (which matches anything): after two quick
// rotations the newest copy may be an empty file's, while the one before
// holds everything the journal does.
// The copies the watch holds are weighed first; the directory is read only
// when none of them ends as the journal says.
func (w *Writer) missingFromCopy() ([]byte, bool) {
	var fallback []byte
	found := false
	weigh := func(copies []*os.File) bool {
		for _, cp := range copies {
			fix, ok, sure := w.j.missing(cp)
			switch {
			case ok && sure:
				fallback, found = fix, true
				return true
			case ok && !found:
				fallback, found = fix, true
			}
		}
		return false
	}
	if weigh(w.watch.recent()) {
		return fallback, true
	}
	scanned := recentCopies(w.path)
	defer func() {
		for _, f := range scanned {
			f.Close()
		}
	}()
	weigh(scanned)
	return fallback, found
}

// isCopy reports whether name, beside the log named base, may be a copy
// logrotate made of it (svc.log.1, svc.log-20261121), not a compressed one.
func isCopy(base, name string) bool {
	return name != base && strings.HasPrefix(name, base) && !strings.HasSuffix(name, ".gz")
}

// recentCopies opens the files beside path whose names start with path's
// (rotated copies, not compressed ones) changed in the last minute, the
// most recently changed first, at most recentMax of them.
func recentCopies(path string) []*os.File {
	dir, base := filepath.Dir(path), filepath.Base(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	type cand struct {
		name string
		mod  time.Time
	}
	var cands []cand
	for _, e := range ents {
		name := e.Name()
		if !isCopy(base, name) {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || time.Since(info.ModTime()) > time.Minute {
			continue
		}
		cands = append(cands, cand{name, info.ModTime()})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].mod.After(cands[j].mod) })
	var out []*os.File
	for _, c := range cands[:min(len(cands), recentMax)] {
		f, err := os.OpenFile(filepath.Join(dir, c.name), os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
		if err == nil {
			out = append(out, f)
		}
	}
	return out
}
