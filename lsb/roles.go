package lsb

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/lsbinit/lsbinit/internal/actionlock"
	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/proc"
	"golang.org/x/sys/unix"
)

// superviseChild is the background process spawned by start: it becomes
// the supervisor, tells the waiting start its verdict, and then owns the
// daemon for as long as it lives.
func superviseChild(s Service) int {
	if err := daemon.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		daemon.Verdict(ExitFailed)
		return ExitFailed
	}
	lock := adoptActionLock()
	// Only what the daemon is given explicitly crosses the exec.
	proc.CloseOnExecFrom(3)
	c, err := s.resolve()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		lock.Close()
		daemon.Verdict(ExitCodeOf(err))
		return ExitCodeOf(err)
	}
	// Do not pin the caller's directory (and its file system) for the
	// daemon's whole life.
	os.Chdir("/")
	sv := newSupervisor(c)
	code := sv.start()
	lock.Close() // before the verdict: the caller lets go of it then
	daemon.Verdict(code)
	if code != ExitOK {
		return code
	}
	return sv.loop()
}

// lockEnv passes the action lock's descriptor from start to the
// supervisor it spawns.
const lockEnv = "_LSBINIT_ACTIONLOCK"

// adoptActionLock takes the action lock the start that spawned us passed
// on, if any: held until the verdict, it keeps every other action out
// while this start is under way, even when its caller was killed.
func adoptActionLock() *actionlock.Adopted {
	f, _ := inheritedFile(lockEnv, "action lock")
	return actionlock.Adopt(f)
}

// runDaemonRole runs Service.Run in the re-executed Go program: SIGTERM
// and SIGINT cancel its context, the reload signal calls Reload.
func runDaemonRole(s Service) int {
	os.Unsetenv(roleEnv)
	if !passGate() {
		return ExitFailed
	}
	// As for any daemon lsbinit starts, a write to a log pipe nobody
	// reads (its supervisor was killed) fails with EPIPE rather than
	// killing the program; Go would otherwise die of SIGPIPE on fd 1 and 2.
	signal.Ignore(unix.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), unix.SIGTERM, unix.SIGINT)
	defer stop()
	sig := s.ReloadSignal
	if sig == 0 {
		sig = unix.SIGHUP
	}
	reload := make(chan os.Signal, 1)
	signal.Notify(reload, sig) // caught even without Reload: never die of it
	report := openReport()
	go func() {
		for range reload {
			if s.Reload == nil {
				continue
			}
			err := s.Reload()
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: reload: %v\n", s.Name, err)
			}
			reportReload(report, err)
		}
	}()
	if s.Run == nil {
		fmt.Fprintf(os.Stderr, "%s: no Run function\n", s.Name)
		return ExitNotConfigured
	}
	if err := s.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", s.Name, err)
		return ExitFailed
	}
	return ExitOK
}
