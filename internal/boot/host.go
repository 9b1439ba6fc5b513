package boot

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/daemon"
)

// errHalted is a spawn's error once boot is stopping every service.
var errHalted = errors.New("lsbinit boot is stopping every service")

// spawn starts a supervisor for the service named name as boot's child,
// with a pipe on which it echoes the daemon's output (daemon.EchoEnv) for
// boot's stdout. It runs under initd's spawn gate: no other supervisor
// can inherit the pipe.
func (b *boot) spawn(name string, args, env []string) (*daemon.Child, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	unix.FcntlInt(w.Fd(), unix.F_SETFD, 0) // inherited across exec
	growPipe(w)
	env = append(env, daemon.EchoEnv+"="+strconv.Itoa(int(w.Fd())))
	b.kids.mu.Lock()
	if b.kids.halted {
		b.kids.mu.Unlock()
		w.Close()
		r.Close()
		return nil, errHalted
	}
	b.stderrMu.Lock()
	child, err := daemon.Spawn(args, env)
	b.stderrMu.Unlock()
	if err == nil {
		b.kids.spawned(child.Process.Pid, b.byName[name])
	}
	b.kids.mu.Unlock()
	w.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	copied := make(chan struct{})
	b.mu.Lock()
	b.copies = append(slices.DeleteFunc(b.copies, isClosed), copied)
	b.mu.Unlock()
	go func() {
		defer close(copied)
		b.out.copyLines(name, r)
	}()
	return child, nil
}

// drain waits, within at most, until every supervisor's output is all on
// stdout (a copy ends once its supervisor has exited): a daemon's last
// lines, written as it stopped, may come after its stop was reported.
func (b *boot) drain(within time.Duration) {
	b.mu.Lock()
	copies := slices.Clone(b.copies)
	b.mu.Unlock()
	deadline := time.After(within)
	for _, c := range copies {
		select {
		case <-c:
		case <-deadline:
			return
		}
	}
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// started is told that a supervisor runs its service now.
func (b *boot) started(name string, pid int) { b.kids.started(pid) }

// runCommand runs cmd (an action's CHECK_CMD) to its end; the reaper
// leaves it to cmd.Wait.
func (b *boot) runCommand(cmd *exec.Cmd) error {
	b.kids.mu.Lock()
	err := cmd.Start()
	if err == nil {
		b.kids.exempt[cmd.Process.Pid] = true
	}
	b.kids.mu.Unlock()
	if err != nil {
		return err
	}
	err = cmd.Wait()
	b.kids.mu.Lock()
	delete(b.kids.exempt, cmd.Process.Pid)
	b.kids.mu.Unlock()
	return err
}
