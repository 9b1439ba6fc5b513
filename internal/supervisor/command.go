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
	cmd.Env = env
	if err := asDaemon(cmd, c, &syscall.SysProcAttr{Setsid: true}); err != nil {
		return nil, err
	}
	return cmd, nil
}

// healthCommand builds HEALTH_CMD's exec.Cmd: run as the daemon runs,
// with its environment, in a process group of its own (README, "Health
// checks").
func healthCommand(c *spec.Spec) (*exec.Cmd, error) {
	cmd := exec.Command(c.HealthCommand[0], c.HealthCommand[1:]...)
	cmd.Env = daemon.Environ(c.Env)
	if err := asDaemon(cmd, c, &syscall.SysProcAttr{Setpgid: true}); err != nil {
		return nil, err
	}
	return cmd, nil
}

// asDaemon makes cmd run as the daemon does: in CHDIR, as USER and GROUP
// (with the user's supplementary groups) and their HOME, USER and
// LOGNAME; attr says how it is detached from the supervisor.
func asDaemon(cmd *exec.Cmd, c *spec.Spec, attr *syscall.SysProcAttr) error {
	cmd.Dir = c.Dir
	cmd.SysProcAttr = attr
	cred, home, err := c.Credential()
	if err != nil {
		return err
	}
	if cred != nil {
		attr.Credential = cred
		cmd.Env = append(cmd.Env, "HOME="+home.HomeDir, "USER="+home.Username, "LOGNAME="+home.Username)
	}
	return nil
}
