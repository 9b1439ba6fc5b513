package boot

import (
	"os"
	"os/signal"
	"sync"

	"golang.org/x/sys/unix"
)

// kids are boot's children: the supervisors it spawned, the commands an
// action runs (CHECK_CMD, reaped by their own Wait), and every orphan the
// kernel hands to PID 1 or to a subreaper. It reaps all but the commands.
type kids struct {
	mu     sync.Mutex
	sups   map[int]*unit           // supervisors spawned, not yet reaped
	live   map[int]bool            // supervisors that gave a start its success
	early  map[int]unix.WaitStatus // supervisors reaped before that was known
	exempt map[int]bool            // commands that an action waits for
	deaths chan death              // supervisors of running services that ended
	halted bool                    // no more supervisors may be spawned
}

// death is how a running service's supervisor ended.
type death struct {
	u      *unit
	pid    int
	status unix.WaitStatus
}

func newKids() *kids {
	return &kids{sups: map[int]*unit{}, live: map[int]bool{}, early: map[int]unix.WaitStatus{},
		exempt: map[int]bool{}, deaths: make(chan death, 64)}
}

// reapOnSignal reaps whatever has ended each time a child does.
func (k *kids) reapOnSignal() {
	sigchld := make(chan os.Signal, 1)
	signal.Notify(sigchld, unix.SIGCHLD)
	go func() {
		for {
			k.reap()
			<-sigchld
		}
	}()
}

// spawned records a supervisor of u; the caller holds k.mu.
func (k *kids) spawned(pid int, u *unit) { k.sups[pid] = u }

// started records that supervisor pid runs its service now.
func (k *kids) started(pid int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if ws, ok := k.early[pid]; ok {
		delete(k.early, pid)
		k.report(pid, k.sups[pid], ws)
		delete(k.sups, pid)
		return
	}
	if _, ok := k.sups[pid]; ok {
		k.live[pid] = true
	}
}

// ended takes the wait status of child pid; the caller holds k.mu.
func (k *kids) ended(pid int, ws unix.WaitStatus) {
	u, ok := k.sups[pid]
	switch {
	case !ok: // an orphan, reaped
	case k.live[pid]:
		delete(k.live, pid)
		delete(k.sups, pid)
		k.report(pid, u, ws)
	default:
		if len(k.early) > 256 {
			clear(k.early)
		}
		k.early[pid] = ws // a failed start, or one not yet told
	}
}

func (k *kids) report(pid int, u *unit, ws unix.WaitStatus) {
	if u == nil {
		return
	}
	go func() { k.deaths <- death{u: u, pid: pid, status: ws} }()
}

// halt stops the starts under way (a supervisor that is starting its
// daemon stops it at SIGTERM, and its start fails) and refuses new ones.
func (k *kids) halt() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.halted = true
	for pid := range k.sups {
		if !k.live[pid] {
			unix.Kill(pid, unix.SIGTERM) // our unreaped child: the PID is its
		}
	}
}

// reapEach reaps each of pids that has ended, except exempt ones; the
// caller holds k.mu.
func (k *kids) reapEach(pids []int) {
	for _, pid := range pids {
		if k.exempt[pid] {
			continue
		}
		var ws unix.WaitStatus
		if got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil); err == nil && got == pid {
			k.ended(pid, ws)
		}
	}
}

// reapAny reaps every child that has ended: for systems that cannot list
// a process's children.
func (k *kids) reapAny() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
		k.ended(pid, ws)
	}
}
