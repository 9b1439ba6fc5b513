package supervisor

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/lsbinit/lsbinit/internal/dirwatch"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/pidfile"
)

// People and tools remove and edit files under /run. The supervisor owns
// the files the running service is known by, the pidfile (or, for a
// daemon that writes its own, the lock file) and the sidecar, so it
// watches them and puts them back (repairFiles): status, stop and start
// keep telling the truth.

// guard watches some names in one directory, and follows the directory
// when it is replaced.
type guard struct {
	dir   string
	names []string
	w     *dirwatch.Watcher
	seen  fs.FileInfo // the directory w watches

	// A repair that failed (the path held by another process for a
	// while, the disk full) is tried again, as no change may come to
	// wake the watch: after retryFirst, twice as long each time after,
	// up to retryMax.
	retry *time.Timer
	pause time.Duration
}

const (
	retryFirst = 100 * time.Millisecond
	retryMax   = 10 * time.Second
)

// watchNames starts watching names in dir.
func watchNames(dir string, names ...string) *guard {
	g := &guard{dir: dir, names: names}
	g.start()
	return g
}

func (g *guard) start() {
	g.seen, _ = os.Stat(g.dir)
	g.w = dirwatch.Watch(g.dir, g.names...)
}

// changed is the channel of changes to the names: nil when g is nil, and
// while a failed repair waits to be tried again, as the failed try's own
// doings (a file made, then removed) would wake it at once, again and
// again, and the try to come looks at everything anyway.
func (g *guard) changed() <-chan struct{} {
	if g == nil || g.retry != nil {
		return nil
	}
	return g.w.C
}

// rearm watches the files now at the names, and renews the whole watch
// after the directory was replaced. Call it before looking at them: a
// change after the look is seen.
func (g *guard) rearm() {
	cur, err := os.Stat(g.dir)
	if err == nil && g.seen != nil && os.SameFile(cur, g.seen) {
		g.w.Rearm()
		return
	}
	g.w.Close()
	g.start()
}

// again is the channel of the next try of a failed repair, nil when
// none is due.
func (g *guard) again() <-chan time.Time {
	if g == nil || g.retry == nil {
		return nil
	}
	return g.retry.C
}

// repaired records how the last repair went: a failure is tried again.
func (g *guard) repaired(ok bool) {
	if g.retry != nil {
		g.retry.Stop()
		g.retry = nil
	}
	if ok {
		g.pause = 0
		return
	}
	g.pause = min(max(2*g.pause, retryFirst), retryMax)
	g.retry = time.NewTimer(g.pause)
}

// close stops the watch.
func (g *guard) close() {
	g.w.Close()
	if g.retry != nil {
		g.retry.Stop()
	}
}

// watchFiles starts guarding the service's files, and says in the log
// when it cannot do so through inotify (README, "Performance").
func (sv *Supervisor) watchFiles() {
	c := sv.c
	dir := filepath.Dir(c.PidFile)
	sv.guard = watchNames(dir, filepath.Base(c.LockPath()), filepath.Base(c.StateFile()))
	switch sv.guard.w.Mechanism() {
	case dirwatch.ByShared:
		sv.logf("lsbinit: no inotify instance left for this user (fs.inotify.max_user_instances): %s is watched through another lsbinit process's\n", dir)
	case dirwatch.ByDnotify:
		sv.logf("lsbinit: no inotify instance left for this user (fs.inotify.max_user_instances): %s is watched through dnotify\n", dir)
	case dirwatch.ByTicks:
		if runtime.GOOS != "linux" {
			return // where it is the only way
		}
		sv.logf("lsbinit: %s cannot be watched: its files are looked at every %v\n", dir, dirwatch.Interval)
	}
}

// unwatchFiles stops the watch before the supervisor removes its files.
func (sv *Supervisor) unwatchFiles() {
	sv.guard.close()
	sv.guard = nil
}

// repairFiles restores the pidfile and the sidecar when they were removed,
// replaced or changed: the directory too, when it went away. What it
// could not restore is tried again (guard.repaired), and said in the log
// when it first fails and when it is put right.
func (sv *Supervisor) repairFiles() {
	failing := sv.guard.pause > 0
	problems := sv.restoreFiles()
	switch {
	case len(problems) > 0 && !failing:
		for _, p := range problems {
			sv.logf("lsbinit: cannot restore %s; trying again\n", p)
		}
	case len(problems) == 0 && failing:
		sv.logf("lsbinit: restored %s and %s\n", sv.c.LockPath(), sv.c.StateFile())
	}
	sv.guard.repaired(len(problems) == 0)
}

// restoreFiles is one try of repairFiles; it returns what it could not
// put right, and why.
func (sv *Supervisor) restoreFiles() (problems []string) {
	c := sv.c
	dir := filepath.Dir(c.PidFile)
	if err := pidfile.EnsureDir(dir); err != nil {
		return []string{fmt.Sprintf("%s: %v", dir, err)}
	}
	// What the repair itself writes is one more change, which the next
	// look finds in order.
	sv.guard.rearm()
	pf, err := sv.pf.Repair(sv.state.Daemon)
	sv.pf = pf
	if err != nil {
		problems = append(problems, fmt.Sprintf("%s: %v", c.LockPath(), err))
	}
	if st, err := runstate.Read(c.StateFile()); err != nil || *st != sv.state {
		if err := runstate.Write(c.StateFile(), &sv.state); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", c.StateFile(), err))
		}
	}
	return problems
}
