package supervisor

import (
	"os"
	"os/exec"

	"github.com/lsbinit/lsbinit/internal/daemon"
)

// The start gate closes the window between the fork of a Go daemon (the
// program itself, in the daemon role) and the moment its supervisor has
// recorded it: a supervisor killed in between would leave a daemon that
// nothing records. The daemon role first reads one byte from the gate
// pipe; the supervisor writes it once the sidecar names the daemon. If the
// supervisor dies first, the daemon reads end-of-file and exits before
// doing anything (see daemon.GateEnv). A program given as Path runs at
// once: it cannot wait.

// addGate gives a daemon-role command the gate pipe's read end, and
// returns it for the caller to close once the command has started.
func (sv *Supervisor) addGate(cmd *exec.Cmd) (*os.File, error) {
	if sv.c.Path != "" || sv.c.PidFileByDaemon {
		return nil, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	daemon.PassFile(cmd, daemon.GateEnv, r)
	sv.gate = w
	return r, nil
}

// openGate lets the daemon go on (ok) or tells it to exit.
func (sv *Supervisor) openGate(ok bool) {
	if sv.gate == nil {
		return
	}
	if ok {
		sv.gate.Write([]byte{1})
	}
	sv.gate.Close()
	sv.gate = nil
}
