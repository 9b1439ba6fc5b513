package lsb

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/schedule"
)

// roleEnv marks the re-executed Go program that is to run Service.Run.
const roleEnv = "_LSBINIT_ROLE"

// program names the daemon in messages.
func (c *config) program() string {
	if c.Path != "" {
		return c.Path
	}
	return c.Name
}

// command builds the daemon's exec.Cmd: the configured program, or this
// program again in the daemon role.
func (c *config) command() (*exec.Cmd, error) {
	var cmd *exec.Cmd
	env := c.daemonEnv()
	if c.Path != "" {
		cmd = exec.Command(c.Path, c.Args...)
	} else {
		self, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("finding this program: %w", err)
		}
		cmd = exec.Command(self)
		cmd.Args = daemon.RoleArgs(os.Args, daemon.Daemon)
		env = append(env, roleEnv+"=daemon")
	}
	cmd.Dir = c.Dir
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cred, home, err := c.credential()
	if err != nil {
		return nil, err
	}
	if cred != nil {
		cmd.SysProcAttr.Credential = cred
		cmd.Env = append(cmd.Env, "HOME="+home.HomeDir, "USER="+home.Username, "LOGNAME="+home.Username)
	}
	return cmd, nil
}

// daemonEnv is the invoking environment without lsbinit's own markers,
// plus the configured exports.
func (c *config) daemonEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		// NOTIFY_SOCKET belongs to whoever runs us (systemd, say); the
		// daemon gets ours with READY=notify and none otherwise.
		if strings.HasPrefix(kv, roleEnv+"=") || strings.HasPrefix(kv, "_GO_DAEMON=") || strings.HasPrefix(kv, "NOTIFY_SOCKET=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, c.Env...)
}

// credential resolves USER and GROUP. It returns nil when the daemon runs
// as the invoking user.
func (c *config) credential() (*syscall.Credential, *user.User, error) {
	if c.User == "" && c.Group == "" {
		return nil, nil, nil
	}
	var u *user.User
	var err error
	if c.User != "" {
		if u, err = lookupUser(c.User); err != nil {
			return nil, nil, fail(ExitNotConfigured, "USER %q: no such user", c.User)
		}
	} else if u, err = user.LookupId(strconv.Itoa(os.Geteuid())); err != nil {
		return nil, nil, fail(ExitNotConfigured, "looking up the current user: %v", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	if c.Group != "" {
		g, err := lookupGroup(c.Group)
		if err != nil {
			return nil, nil, fail(ExitNotConfigured, "GROUP %q: no such group", c.Group)
		}
		gid, _ = strconv.ParseUint(g.Gid, 10, 32)
	}
	if os.Geteuid() != 0 {
		if int(uid) == os.Geteuid() && int(gid) == os.Getegid() {
			return nil, nil, nil
		}
		return nil, nil, fail(ExitNoPrivilege, "running as %s needs root", identity(c.User, c.Group))
	}
	// As initgroups(USER, gid) does: the group, plus the groups that list
	// the user as a member. The passwd primary group counts only when it
	// is the group (GROUP unset) or the user is listed in it.
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{uint32(gid)}}
	if ids, err := u.GroupIds(); err == nil && c.User != "" {
		for _, id := range ids {
			n, err := strconv.ParseUint(id, 10, 32)
			if err != nil || n == gid || (id == u.Gid && !listsMember(id, u.Username)) {
				continue
			}
			cred.Groups = append(cred.Groups, uint32(n))
		}
	}
	return cred, u, nil
}

func identity(usr, group string) string {
	switch {
	case usr != "" && group != "":
		return "USER=" + usr + " GROUP=" + group
	case usr != "":
		return "USER=" + usr
	}
	return "GROUP=" + group
}

// listsMember reports whether /etc/group lists name in group gid.
func listsMember(gid, name string) bool {
	b, err := os.ReadFile("/etc/group")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) == 4 && f[2] == gid {
			for _, m := range strings.Split(f[3], ",") {
				if m == name {
					return true
				}
			}
		}
	}
	return false
}

func lookupUser(s string) (*user.User, error) {
	if _, err := strconv.Atoi(s); err == nil {
		return user.LookupId(s)
	}
	return user.Lookup(s)
}

func lookupGroup(s string) (*user.Group, error) {
	if _, err := strconv.Atoi(s); err == nil {
		return user.LookupGroupId(s)
	}
	return user.LookupGroup(s)
}

// waitStatus extracts the wait status from what a wait returned.
func waitStatus(err error) (syscall.WaitStatus, bool) {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ws, ok := ee.Sys().(syscall.WaitStatus)
		return ws, ok
	}
	var we *waitStatusError
	if errors.As(err, &we) {
		return we.ws, true
	}
	return 0, false
}

// describeExit renders a wait status: "exited with status 3", "killed by
// signal KILL".
func describeExit(err error) string {
	if err == nil {
		return "exited with status 0"
	}
	ws, ok := waitStatus(err)
	switch {
	case !ok:
		return err.Error()
	case ws.Signaled():
		return "killed by signal " + schedule.SignalName(ws.Signal())
	}
	return fmt.Sprintf("exited with status %d", ws.ExitStatus())
}

// exitCode is the shell's number for a wait status: the exit code, or 128
// plus the signal.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	ws, ok := waitStatus(err)
	switch {
	case !ok:
		return ExitFailed
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

func splitLines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }
