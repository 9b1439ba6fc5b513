package initd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/logfile"
	"github.com/lsbinit/lsbinit/pidfile"
	"golang.org/x/sys/unix"
)

// preflight checks, before anything is created, what start needs: the
// program (5), and the identity and directory it runs with (6).
func (c *service) preflight() error {
	if err := c.checkInstalled(); err != nil {
		return err
	}
	if _, _, err := c.Credential(); err != nil {
		return exitcode.With(exitcode.NotConfigured, fmt.Errorf("%s: %w", c.Name, err))
	}
	if info, err := os.Stat(c.Dir); err != nil || !info.IsDir() {
		return exitcode.Fail(exitcode.NotConfigured, "%s: CHDIR %s: no such directory", c.Name, c.Dir)
	}
	if c.Nice < 0 && os.Geteuid() != 0 {
		return exitcode.Fail(exitcode.NoPrivilege, "%s: NICE %d (a higher priority) needs root", c.Name, c.Nice)
	}
	return nil
}

// checkInstalled answers LSB's "program is not installed" (5).
func (c *service) checkInstalled() error {
	if c.Path == "" {
		return nil
	}
	info, err := os.Stat(c.Path)
	if err != nil {
		return exitcode.Fail(exitcode.NotInstalled, "%s: DAEMON %s: %v", c.Name, c.Path, paths.Cause(err))
	}
	if info.IsDir() || info.Mode().Perm()&0o111 == 0 {
		return exitcode.Fail(exitcode.NotInstalled, "%s: DAEMON %s is not an executable file", c.Name, c.Path)
	}
	return nil
}

// checkFiles finds what start would refuse about the files it creates or
// opens as root (exit 4 then): a pidfile directory others may write (a
// sticky /tmp included), a log that is a symbolic link or has other
// names, or whose directory anyone may write. check reports them.
func (c *service) checkFiles() error {
	if err := c.checkLogWritable(); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return nil
	}
	for _, p := range []string{c.PidFile, c.LockPath()} {
		dir := filepath.Dir(p)
		if _, err := os.Stat(dir); err != nil {
			continue // created, root's, by start
		}
		if err := pidfile.CheckDir(dir); err != nil {
			return exitcode.Fail(exitcode.NoPrivilege, "%s: PIDFILE %s: %v; start would refuse it", c.Name, p, err)
		}
	}
	if c.LogFile != "none" {
		if err := logfile.Check(c.LogFile); err != nil {
			return exitcode.Fail(exitcode.NoPrivilege, "%s: LOGFILE %v; start would refuse it", c.Name, err)
		}
	}
	return nil
}

// checkLogWritable finds what would keep start from opening the log at
// all: a directory that does not exist (start does not make it), or one
// this user cannot write a new file in, or a log it cannot write.
func (c *service) checkLogWritable() error {
	if c.LogFile == "none" {
		return nil
	}
	dir := filepath.Dir(c.LogFile)
	info, err := os.Stat(dir)
	switch {
	case err != nil:
		return exitcode.Fail(exitcode.NotConfigured, "%s: LOGFILE %s: its directory %s: %v; start would fail", c.Name, c.LogFile, dir, paths.Cause(err))
	case !info.IsDir():
		return exitcode.Fail(exitcode.NotConfigured, "%s: LOGFILE %s: %s is not a directory; start would fail", c.Name, c.LogFile, dir)
	}
	target, mode := dir, uint32(unix.W_OK|unix.X_OK)
	if _, err := os.Lstat(c.LogFile); err == nil {
		target, mode = c.LogFile, unix.W_OK
	}
	if err := unix.Access(target, mode); err != nil {
		return exitcode.Fail(exitcode.NoPrivilege, "%s: LOGFILE %s: %s: %v; start would fail", c.Name, c.LogFile, target, err)
	}
	return nil
}
