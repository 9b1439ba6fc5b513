package supervisor

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/lsbinit/lsbinit/internal/proc"
	"golang.org/x/sys/unix"
)

// reaper waits for every child of the supervisor, which is a child
// subreaper: the daemon, a double-forked daemon's first process, and any
// descendant orphaned on the way (workers that outlive their master).
// Those are all our children, so none of their PIDs can be reused before
// we reap them, and none lingers as a zombie.
type reaper struct {
	mu      sync.Mutex
	waiters map[int]chan error
	early   map[int]error // reaped before anyone asked
}

// becomeSubreaper makes orphaned descendants of the supervisor its own
// children, and starts reaping. Where the kernel refuses, the reaper
// still waits for our direct children.
func (sv *Supervisor) becomeSubreaper() error {
	err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	r := &reaper{waiters: map[int]chan error{}, early: map[int]error{}}
	sv.reaper = r
	sigchld := make(chan os.Signal, 1)
	signal.Notify(sigchld, unix.SIGCHLD)
	go r.loop(sigchld)
	return err
}

// loop reaps whatever has ended each time a child does (SIGCHLD), so that
// no thread sits blocked in wait4 and nothing polls.
func (r *reaper) loop(sigchld <-chan os.Signal) {
	for {
		r.reapAll()
		<-sigchld
	}
}

// reapAll reaps every child that has ended, without waiting.
func (r *reaper) reapAll() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || pid <= 0 { // none has ended, or none is left
			return
		}
		r.deliver(pid, proc.ExitError(syscall.WaitStatus(ws)))
	}
}

func (r *reaper) deliver(pid int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ch, ok := r.waiters[pid]; ok {
		delete(r.waiters, pid)
		ch <- err
		return
	}
	if len(r.early) > 256 {
		clear(r.early)
	}
	r.early[pid] = err
}

// exitOf returns a channel that receives pid's wait result.
func (r *reaper) exitOf(pid int) chan error {
	ch := make(chan error, 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err, ok := r.early[pid]; ok {
		delete(r.early, pid)
		ch <- err
		return ch
	}
	r.waiters[pid] = ch
	return ch
}

// track starts waiting for cmd's process.
func (sv *Supervisor) track(cmd *exec.Cmd) chan error { return sv.reaper.exitOf(cmd.Process.Pid) }

// watchMain reports the end of a daemon that is our child (adopted or not).
func (sv *Supervisor) watchMain(pid int) chan error { return sv.reaper.exitOf(pid) }

// children lists the supervisor's live children.
func children() []int { return proc.Children() }

// isOurDaemon proves that pid is the supervisor's child (adopted as a
// subreaper) running the program at path.
func isOurDaemon(pid int, path string) bool {
	if parent, err := proc.Parent(pid); err != nil || parent != os.Getpid() {
		return false
	}
	exe, err := proc.Exe(pid)
	if err != nil {
		return false
	}
	want, err := filepath.EvalSymlinks(path)
	if err != nil {
		want = path
	}
	return exe == want || exe == path
}
