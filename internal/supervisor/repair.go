package supervisor

import (
	"os"
	"path/filepath"

	"github.com/lsbinit/lsbinit/internal/dirwatch"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/pidfile"
)

// watchFiles starts watching the files the running service is known by:
// the pidfile (or, for a daemon that writes its own, the lock file) and
// the sidecar. People and tools remove and edit files under /run; the
// supervisor owns these, so it puts them back (repairFiles) and status,
// stop and start keep telling the truth.
func (sv *Supervisor) watchFiles() {
	c := sv.c
	dir := filepath.Dir(c.PidFile)
	sv.watchedDir, _ = os.Stat(dir)
	sv.watch = dirwatch.Watch(dir, filepath.Base(c.LockPath()), filepath.Base(c.StateFile()))
}

// unwatchFiles stops the watch before the supervisor removes its files.
func (sv *Supervisor) unwatchFiles() {
	sv.watch.Close()
	sv.watch = nil
}

// watched is the channel of changes to the files, nil when not watching.
func (sv *Supervisor) watched() <-chan struct{} {
	if sv.watch == nil {
		return nil
	}
	return sv.watch.C
}

// repairFiles restores the pidfile and the sidecar when they were removed,
// replaced or changed: the directory too, when it went away.
func (sv *Supervisor) repairFiles() {
	c := sv.c
	dir := filepath.Dir(c.PidFile)
	if err := pidfile.EnsureDir(dir); err != nil {
		sv.logf("lsbinit: cannot restore %s: %v\n", dir, err)
		return
	}
	// Watch what is there now, then look: a change after the look is
	// seen. What the repair itself writes is one more change, which the
	// next look finds in order.
	sv.watchAgain()
	pf, err := sv.pf.Repair(sv.state.Daemon)
	sv.pf = pf
	if err != nil {
		sv.logf("lsbinit: cannot restore %s: %v\n", c.LockPath(), err)
	}
	if st, err := runstate.Read(c.StateFile()); err != nil || *st != sv.state {
		if err := runstate.Write(c.StateFile(), &sv.state); err != nil {
			sv.logf("lsbinit: cannot restore %s: %v\n", c.StateFile(), err)
		}
	}
}

// watchAgain watches the files now at the watched names, and renews the
// whole watch after the directory was replaced.
func (sv *Supervisor) watchAgain() {
	cur, err := os.Stat(filepath.Dir(sv.c.PidFile))
	if err == nil && sv.watchedDir != nil && os.SameFile(cur, sv.watchedDir) {
		sv.watch.Rearm()
		return
	}
	sv.unwatchFiles()
	sv.watchFiles()
}
