package supervisor

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// command builds the daemon's exec.Cmd: the configured program, or this
// program again in the daemon role.
// A Go daemon runs exe when it is set (the program that asked for a
// restart in place: an upgrade's new binary), else this program.
func command(c *spec.Spec, exe string) (*exec.Cmd, error) {
	var cmd *exec.Cmd
	env := daemon.Environ(c.Env)
	if c.Path != "" {
		cmd = exec.Command(c.Path, c.Args...)
	} else {
		self, err := os.Executable()
		if exe != "" {
			self, err = exe, nil
		}
		if err != nil {
			return nil, fmt.Errorf("finding this program: %w", err)
		}
		cmd = exec.Command(self)
		cmd.Args = daemon.RoleArgs(os.Args, daemon.Daemon)
		env = append(env, daemon.RoleEnv+"=daemon")
	}
	cmd.Dir = c.Dir
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cred, home, err := c.Credential()
	if err != nil {
		return nil, err
	}
	if cred != nil {
		cmd.SysProcAttr.Credential = cred
		cmd.Env = append(cmd.Env, "HOME="+home.HomeDir, "USER="+home.Username, "LOGNAME="+home.Username)
	}
	return cmd, nil
}
