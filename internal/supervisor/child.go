package supervisor

import (
	"errors"
	"fmt"
	"os"

	"github.com/lsbinit/lsbinit/internal/actionlock"
	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Child is the background process spawned by start: it becomes the
// supervisor of c (resolveErr is what resolving c failed with, if it
// did), tells the waiting start its verdict, and then owns the daemon for
// as long as it lives. It returns the supervisor's exit status.
func Child(c *spec.Spec, resolveErr error) int {
	if err := daemon.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		daemon.Verdict(exitcode.Failed)
		return int(exitcode.Failed)
	}
	lock := adoptActionLock()
	echo, _ := daemon.InheritedFile(daemon.EchoEnv, "echo")
	// Only what the daemon is given explicitly crosses the exec.
	proc.CloseOnExecFrom(3)
	if resolveErr != nil {
		fmt.Fprintln(os.Stderr, resolveErr)
		lock.Close()
		daemon.Verdict(exitcode.Of(resolveErr))
		return int(exitcode.Of(resolveErr))
	}
	// Do not pin the caller's directory (and its file system) for the
	// daemon's whole life.
	os.Chdir("/")
	sv := New(c)
	if echo != nil {
		sv.Echo(echo)
	}
	err := sv.Start()
	lock.Close() // before the verdict: the caller lets go of it then
	daemon.Verdict(verdict(err))
	if err != nil {
		return int(exitcode.Of(err))
	}
	return sv.Loop()
}

// verdict is what the supervisor tells the start that spawned it: an
// exit code, or daemon.Busy when another instance holds the pidfile.
func verdict(err error) exitcode.Code {
	switch {
	case errors.Is(err, ErrBusy):
		return daemon.Busy
	case errors.Is(err, errIncompatible):
		return daemon.Incompatible
	}
	return exitcode.Of(err)
}

// adoptActionLock takes the action lock the start that spawned us passed
// on, if any: held until the verdict, it keeps every other action out
// while this start is under way, even when its caller was killed.
func adoptActionLock() *actionlock.Adopted {
	f, _ := daemon.InheritedFile(daemon.LockEnv, "action lock")
	return actionlock.Adopt(f)
}
