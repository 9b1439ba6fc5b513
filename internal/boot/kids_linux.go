package boot

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// reap reaps every child that has ended, except the commands an action
// waits for itself: the kernel lists each thread's children, zombies
// included.
func (k *kids) reap() {
	k.mu.Lock()
	defer k.mu.Unlock()
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	if len(tasks) == 0 {
		k.reapAny()
		return
	}
	var pids []int
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	k.reapEach(pids)
}

// becomeReaper makes boot the reaper of orphans when it is not PID 1
// (`docker run --init`, say): a child subreaper.
func becomeReaper() error {
	if os.Getpid() == 1 {
		return nil
	}
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}
