package boot

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/proc"
)

// reap reaps every child that has ended, except the commands an action
// waits for itself: the kernel lists each thread's children, zombies
// included.
func (k *kids) reap() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if pids, ok := proc.ChildPIDs(); ok {
		k.reapEach(pids)
		return
	}
	k.reapAny()
}

// becomeReaper makes boot the reaper of orphans when it is not PID 1
// (`docker run --init`, say): a child subreaper.
func becomeReaper() error {
	if os.Getpid() == 1 {
		return nil
	}
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}
