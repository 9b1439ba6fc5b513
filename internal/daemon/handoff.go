package daemon

import (
	"os"
	"os/exec"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// The environment variables through which one lsbinit process hands
// something to the program it re-executes. Each is removed from the
// environment by the process that reads it.
const (
	// RoleEnv=daemon marks the Go program re-executed to run Service.Run.
	RoleEnv = "_LSBINIT_ROLE"
	// LockEnv names the descriptor of the action lock that start passes
	// to the supervisor it spawns.
	LockEnv = "_LSBINIT_ACTIONLOCK"
	// GateEnv names the read end of a Go daemon's start gate.
	GateEnv = "_LSBINIT_GATE"
	// ReportEnv names the write end of a Go daemon's reload report pipe.
	ReportEnv = "_LSBINIT_RELOAD_REPORT"
	// SpecEnv carries the resolved service from start to the supervisor
	// it spawns, so that the supervisor runs what start resolved, and
	// reads no config file again.
	SpecEnv = "_LSBINIT_SPEC"
)

// ReportCatching is the first line a Go daemon writes on its reload report
// pipe, once it catches the reload signal. Its supervisor holds reloads
// back until then: the signal's default action (SIGHUP's) would kill a
// daemon that a loaded machine has not yet run that far, although the
// start, ready at READY=exec's bound, has succeeded.
const ReportCatching = "catching"

// Busy is the verdict of a supervisor that found another instance holding
// the pidfile: the start that spawned it then joins that instance. It is
// outside the range of exit codes an action returns.
const Busy exitcode.Code = 200

// Incompatible is the verdict of a supervisor asked to restart in place
// (see runstate.State.Control) when the service changed in a way only a
// new supervisor can carry out (other sockets, another pidfile or log):
// restart then stops and starts.
const Incompatible exitcode.Code = 201

// PassFile gives cmd f as an extra descriptor and names its number in
// cmd's environment under key, for InheritedFile in the child.
func PassFile(cmd *exec.Cmd, key string, f *os.File) {
	cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	cmd.Env = append(cmd.Env, key+"="+strconv.Itoa(2+len(cmd.ExtraFiles)))
}

// InheritedFile takes, in a re-executed program, the descriptor its parent
// named under key (see PassFile), and removes key from the environment;
// the descriptor is closed on exec from then on. set is false when key
// is not set; f is nil when its value names no usable descriptor.
func InheritedFile(key, name string) (f *os.File, set bool) {
	v := os.Getenv(key)
	if v == "" {
		return nil, false
	}
	os.Unsetenv(key)
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil, true
	}
	unix.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), name), true
}
