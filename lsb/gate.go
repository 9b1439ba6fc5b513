package lsb

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"golang.org/x/sys/unix"
)

// The start gate closes the window between the fork of a Go daemon (the
// program itself, in the daemon role) and the moment its supervisor has
// recorded it: a supervisor killed in between would leave a daemon that
// nothing records. The daemon role first reads one byte from the gate
// pipe; the supervisor writes it once the sidecar names the daemon. If the
// supervisor dies first, the daemon reads end-of-file and exits before
// doing anything. A program given as Path runs at once: it cannot wait.
const gateEnv = "_LSBINIT_GATE"

// addGate gives a daemon-role command the gate pipe's read end, and
// returns it for the caller to close once the command has started.
func (sv *supervisor) addGate(cmd *exec.Cmd) (*os.File, error) {
	if sv.c.Path != "" || sv.c.PidFileByDaemon {
		return nil, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	passFile(cmd, gateEnv, r)
	sv.gate = w
	return r, nil
}

// openGate lets the daemon go on (ok) or tells it to exit.
func (sv *supervisor) openGate(ok bool) {
	if sv.gate == nil {
		return
	}
	if ok {
		sv.gate.Write([]byte{1})
	}
	sv.gate.Close()
	sv.gate = nil
}

// passGate waits, in the daemon role, until the supervisor has recorded
// this process. It reports false when the supervisor is gone.
func passGate() bool {
	f, set := inheritedFile(gateEnv, "gate")
	if !set {
		return true
	}
	if f == nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 1)
	n, err := f.Read(b)
	if n != 1 || err != nil {
		fmt.Fprintln(os.Stderr, "lsbinit: the supervisor died before it recorded this process; exiting")
		return false
	}
	return true
}

// passFile gives cmd f as an extra descriptor and names its number in
// cmd's environment under key, for inheritedFile in the child.
func passFile(cmd *exec.Cmd, key string, f *os.File) {
	cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	cmd.Env = append(cmd.Env, key+"="+strconv.Itoa(2+len(cmd.ExtraFiles)))
}

// inheritedFile takes, in a re-executed program, the descriptor its parent
// named under key (see passFile), and removes key from the environment;
// the descriptor is closed on exec from then on. set is false when key
// is not set; f is nil when its value names no usable descriptor.
func inheritedFile(key, name string) (f *os.File, set bool) {
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
