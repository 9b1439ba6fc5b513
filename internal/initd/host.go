package initd

import (
	"os"
	"os/exec"
	"sync"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// A Host is a long-lived process that carries out actions for services
// in itself and keeps the supervisors their starts spawn as its own
// children: `lsbinit boot` (README, "Containers"). The functions are
// called from the goroutine that runs the action.
type Host struct {
	// Args is the command line a supervisor of c is re-executed with
	// (before its role mark), in place of this process's own.
	Args func(c *spec.Spec) []string
	// Spawn starts a supervisor of the service named name, as
	// daemon.Spawn does; the host reaps it.
	Spawn func(name string, args, env []string) (*daemon.Child, error)
	// Started says that the supervisor pid now runs the service: it gave
	// a start its verdict of success.
	Started func(name string, pid int)
	// Run runs cmd (a CHECK_CMD) to its end, as cmd.Run does, keeping
	// the host's reaper off it.
	Run func(cmd *exec.Cmd) error
}

// InvokeHosted runs the action named in args for c as Invoke does, in
// host h: the action is carried out here, never handed to a manager.
func InvokeHosted(c *spec.Spec, resolveErr error, args []string, h *Host) exitcode.Code {
	return invoke(c, resolveErr, args, h)
}

// spawnGate serialises, within one process, the making of a supervisor's
// inheritable descriptors and its spawn: a host spawning two at once must
// not let one inherit the other's action lock.
var spawnGate sync.Mutex

// startSupervisor spawns the supervisor with env, which names the
// descriptors that inherit (made so, under spawnGate, by prepare; done
// undoes that once the child has them).
func (r *runner) startSupervisor(env []string, prepare func() (extra []string, done func(), err error)) (*daemon.Child, error) {
	spawnGate.Lock()
	defer spawnGate.Unlock()
	extra, done, err := prepare()
	if err != nil {
		return nil, err
	}
	defer done()
	env = append(env, extra...)
	if h := r.host; h != nil {
		return h.Spawn(r.c.Name, daemon.RoleArgs(h.Args(r.c.Spec), daemon.Supervisor), env)
	}
	return daemon.Spawn(daemon.RoleArgs(os.Args, daemon.Supervisor), env)
}

// reapChild waits for a spawned supervisor that failed, unless a host
// reaps its children itself.
func (r *runner) reapChild(child *daemon.Child) {
	if r.host == nil {
		child.Process.Wait()
	}
}

// runCommand runs cmd to its end, through the host when there is one.
func (r *runner) runCommand(cmd *exec.Cmd) error {
	if r.host != nil && r.host.Run != nil {
		return r.host.Run(cmd)
	}
	return cmd.Run()
}
