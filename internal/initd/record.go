package initd

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"

	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/pidfile"
)

// The instance record keeps, for a Service read from a file (Source),
// what finds and stops the instance that was started from it: the
// service's Locator (the pidfile, the program, the stop schedule), in the
// resolved service's own encoding. It lives in a directory of
// the user's own (/run/lsbinit as root), named after the source file, so
// a broken, removed or edited source cannot lose the running instance.

// recordPath is where the record of source lives.
func recordPath(source string) string {
	abs, err := filepath.Abs(source)
	if err != nil {
		abs = source
	}
	sum := sha256.Sum256([]byte(abs))
	dir := filepath.Join(filepath.Dir(paths.PidFile("x", os.Geteuid(), os.Getenv)), "lsbinit")
	return filepath.Join(dir, hex.EncodeToString(sum[:8])+".instance")
}

// writeRecord records the instance about to be started. Errors are
// reported but do not stop the start: the record is a safety net.
func (c *service) writeRecord() {
	if c.Source == "" {
		return
	}
	loc := c.Spec.Locator()
	text, err := json.Marshal(loc)
	if err != nil || len(text) > maxRecord {
		return
	}
	path := recordPath(c.Source)
	if old, ok := readRecord(path); ok && reflect.DeepEqual(old, loc) {
		return
	}
	dir := filepath.Dir(path)
	err = pidfile.EnsureDir(filepath.Dir(dir))
	if err == nil {
		err = pidfile.EnsureDir(dir)
	}
	if err == nil {
		err = runstate.WriteAtomic(path, text)
	}
	if err != nil {
		fmt.Fprintf(c.Stderr, "%s: warning: recording the instance: %v\n", c.Name, err)
	}
}

// removeRecord forgets the instance once nothing runs from the pidfile it
// names; a record of another pidfile (the source was changed since) stays.
func (c *service) removeRecord() {
	if c.Source == "" {
		return
	}
	path := recordPath(c.Source)
	if rec, ok := readRecord(path); ok && rec.PidFile == c.PidFile {
		os.Remove(path)
	}
}

// followRecord makes the record follow the truth at the end of an action:
// kept while an instance runs (or is dead with its pidfile, which stop
// must still find), gone once nothing is left.
func (r *runner) followRecord() {
	switch r.c.probe().kind {
	case kRunning, kStarting:
		r.c.writeRecord()
	case kStopped:
		r.c.removeRecord()
	}
}

// ForgetRecorded removes the record of the instance started from source,
// for a caller that has made sure nothing runs from it any more.
func ForgetRecorded(source string) { os.Remove(recordPath(source)) }

// RecordedLocator returns what the record of the instance started from
// source says, when there is one. It says nothing of whether that
// instance still runs.
func RecordedLocator(source string) (spec.Locator, bool) {
	loc, ok := readRecord(recordPath(source))
	if !ok || loc.Source != source || !filepath.IsAbs(loc.PidFile) || !filepath.IsAbs(loc.Path) {
		return spec.Locator{}, false
	}
	return loc, true
}

// Recorded returns the service of the instance started from source, as
// far as stop, status and reload need it, when there is a record of one.
// It says nothing of whether that instance still runs. The service is
// complete, with its messages going to stdout and stderr.
func Recorded(source string, stdout, stderr io.Writer) (*spec.Spec, bool) {
	loc, ok := RecordedLocator(source)
	if !ok {
		return nil, false
	}
	c := loc.Spec()
	c.Stdout, c.Stderr = stdout, stderr
	if c.Complete() != nil {
		return nil, false
	}
	return c, true
}

// maxRecord bounds a record, to bound what a reader takes in.
const maxRecord = 64 << 10

// readRecord reads a record, trusting only a regular file of ours that
// others cannot write.
func readRecord(path string) (spec.Locator, bool) {
	var loc spec.Locator
	f, err := runstate.OpenTrusted(path)
	if err != nil {
		return loc, false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRecord))
	return loc, err == nil && json.Unmarshal(b, &loc) == nil
}
