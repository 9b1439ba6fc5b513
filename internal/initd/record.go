package initd

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lsbinit/lsbinit/internal/notation"
	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/pidfile"
)

// The instance record keeps, for a Service read from a file (Source),
// what finds and stops the instance that was started from it: the
// pidfile, the program, the stop schedule. It lives in a directory of
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

// recordKeys are the keys of a record, in the config file's names.
func (c *service) recordKeys() [][2]string {
	byDaemon := "no"
	if c.PidFileByDaemon {
		byDaemon = "yes"
	}
	reload := "none"
	if !c.NoReload {
		reload = notation.SignalName(c.ReloadSignal)
	}
	return [][2]string{{"SOURCE", c.Source}, {"NAME", c.Name}, {"DESC", c.Desc}, {"PIDFILE", c.PidFile},
		{"PIDFILE_BY_DAEMON", byDaemon}, {"LOCKFILE", c.LockFile}, {"DAEMON", c.Path},
		{"STOP_SCHEDULE", c.Schedule.String()}, {"RELOAD_SIGNAL", reload}}
}

// writeRecord records the instance about to be started. Errors are
// reported but do not stop the start: the record is a safety net.
func (c *service) writeRecord() {
	if c.Source == "" {
		return
	}
	var b strings.Builder
	for _, kv := range c.recordKeys() {
		if strings.ContainsAny(kv[1], "\n\x00") {
			return
		}
		fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
	}
	path := recordPath(c.Source)
	if old, ok := readRecord(path); ok && sameRecord(old, c.recordKeys()) {
		return
	}
	dir := filepath.Dir(path)
	err := pidfile.EnsureDir(filepath.Dir(dir))
	if err == nil {
		err = pidfile.EnsureDir(dir)
	}
	if err == nil {
		err = runstate.WriteAtomic(path, []byte(b.String()))
	}
	if err != nil {
		fmt.Fprintf(c.Stderr, "%s: warning: recording the instance: %v\n", c.Name, err)
	}
}

func sameRecord(rec map[string]string, keys [][2]string) bool {
	if len(rec) != len(keys) {
		return false
	}
	for _, kv := range keys {
		if v, ok := rec[kv[0]]; !ok || v != kv[1] {
			return false
		}
	}
	return true
}

// removeRecord forgets the instance once nothing runs from the pidfile it
// names; a record of another pidfile (the source was changed since) stays.
func (c *service) removeRecord() {
	if c.Source == "" {
		return
	}
	path := recordPath(c.Source)
	if rec, ok := readRecord(path); ok && rec["PIDFILE"] == c.PidFile {
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

// Recorded returns the service of the instance started from source, as
// far as stop, status and reload need it, when there is a record of one.
// It says nothing of whether that instance still runs. The service is
// complete, with its messages going to stdout and stderr.
func Recorded(source string, stdout, stderr io.Writer) (*spec.Spec, bool) {
	rec, ok := readRecord(recordPath(source))
	if !ok || rec["NAME"] == "" || !filepath.IsAbs(rec["PIDFILE"]) || !filepath.IsAbs(rec["DAEMON"]) {
		return nil, false
	}
	c := &spec.Spec{Name: rec["NAME"], Desc: rec["DESC"], PidFile: rec["PIDFILE"], LockFile: rec["LOCKFILE"],
		Path: rec["DAEMON"], PidFileByDaemon: rec["PIDFILE_BY_DAEMON"] == "yes",
		LogFile: "none", Source: source, Stdout: stdout, Stderr: stderr}
	var err error
	if c.Schedule, err = schedule.Parse(rec["STOP_SCHEDULE"]); err != nil {
		return nil, false
	}
	if sig, err := notation.ParseSignal(rec["RELOAD_SIGNAL"]); err == nil {
		c.ReloadSignal = sig
	} else {
		c.NoReload = true
	}
	if c.Complete() != nil {
		return nil, false
	}
	return c, true
}

// readRecord reads a record, trusting only a regular file of ours that
// others cannot write.
func readRecord(path string) (map[string]string, bool) {
	f, err := runstate.OpenTrusted(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	rec := map[string]string{}
	sc := bufio.NewScanner(io.LimitReader(f, 16<<10))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			rec[k] = v
		}
	}
	return rec, true
}
