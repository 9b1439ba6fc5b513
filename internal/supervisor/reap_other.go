//go:build !linux

package supervisor

import (
	"errors"
	"os/exec"

	"github.com/lsbinit/lsbinit/internal/proc"
)

// reaper is absent where there are no subreapers: each child is waited
// for by os/exec, and a daemon that forked away is watched by a handle.
type reaper struct{}

func (sv *Supervisor) becomeSubreaper() error { return nil }

// track waits for cmd's process.
func (sv *Supervisor) track(cmd *exec.Cmd) chan error {
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	return ch
}

// watchMain reports the end of a daemon through a handle (its exit status
// is then unknown).
func (sv *Supervisor) watchMain(pid int) chan error {
	exited := make(chan error, 1)
	go func() {
		h, err := proc.Open(pid)
		if err == nil {
			h.WaitExit(-1)
			h.Close()
		}
		exited <- errors.New("exited")
	}()
	return exited
}

// children lists the supervisor's live children, which cannot be listed
// without /proc; nothing is adopted anyway.
func children() []int { return proc.Children() }

// isOurDaemon can only check that pid is alive where /proc is missing.
func isOurDaemon(pid int, path string) bool { return proc.Running(pid) }
