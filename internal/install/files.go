package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// kind is what is found at a path install writes.
type kind int

const (
	absent  kind = iota
	ours         // written by install (marker) or a symlink to lsbinit
	foreign      // anything else
)

// classify says whose the file at path is; content is its content when it
// is ours and a regular file.
func (o *options) classify(path string) (kind, []byte, error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return absent, nil, nil
	}
	if err != nil {
		return foreign, nil, err
	}
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		if o.isLsbinitLink(path) {
			return ours, nil, nil
		}
	case info.Mode().IsRegular():
		data, err := os.ReadFile(path)
		if err != nil {
			return foreign, nil, err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line == Marker {
				return ours, data, nil
			}
		}
	}
	return foreign, nil, nil
}

// isLsbinitLink reports whether the symlink path points to lsbinit: a
// target named lsbinit, or the running executable.
func (o *options) isLsbinitLink(path string) bool {
	target, err := os.Readlink(path)
	if err != nil {
		return false
	}
	if filepath.Base(target) == "lsbinit" {
		return true
	}
	a, err1 := os.Stat(path)
	b, err2 := os.Stat(o.exe)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// header returns `lsbinit NAME header`, run by the lsbinit binary itself
// so that it is exactly what the service prints.
func (o *options) header() (string, error) {
	args := []string{o.name, "header"}
	if !o.realEtc {
		args = []string{"-c", o.conf, "header"}
	}
	cmd := exec.Command(o.exe, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", o.exe, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	h := out.String()
	// The markers are built at run time, not kept as literals in the
	// binary, where insserv would find them when it reads a symlinked one.
	begin, end := strings.Join([]string{"###", "BEGIN", "INIT", "INFO"}, " "), strings.Join([]string{"###", "END", "INIT", "INFO"}, " ")
	if !strings.HasPrefix(h, begin+"\n") || !strings.Contains(h, "\n"+end+"\n") {
		return "", fmt.Errorf("unexpected header %q", h)
	}
	return h, nil
}

// wrapper is the generated /etc/init.d/NAME. systemd-sysv-generator takes
// "pidfile:" outside the LSB block (the header has it after the block)
// and adds ExecReload= only when a line that is not a comment contains
// "usage" and "|reload|"; hence the usage= assignment.
//
// Before it executes lsbinit, the wrapper sources the distribution's init
// functions, Debian's /lib/lsb/init-functions or else Red Hat's
// /etc/init.d/functions, as their own init scripts do: when systemd runs,
// their hook (Debian's /lib/lsb/init-functions.d/40-systemd) turns
// `/etc/init.d/NAME ACTION` into `systemctl ACTION NAME.service` and
// exits with systemctl's code, unless systemd is the caller (PPID 1) or
// SYSTEMCTL_SKIP_REDIRECT is set. Both read $0 and $1, which sourcing
// leaves alone, as it leaves "$@"; Debian's exports nothing, Red Hat's
// sets umask 022 and exports its PATH, as for any of its scripts. Where
// they do not hand off, lsbinit, executed in the same process (its parent
// is the script's), decides again by the same rules. lsbinit also honours
// _SYSTEMCTL_SKIP_REDIRECT, the older Debian name, which the hooks of today
// do not: the wrapper gives it to them as SYSTEMCTL_SKIP_REDIRECT (a shell
// variable, not exported: lsbinit sees the original). lintian's
// init.d-script-does-not-source-init-functions wants the sourcing line.
func wrapper(name, exe, header string, reload bool) string {
	acts := "start|stop|restart|try-restart|reload|force-reload|status"
	if !reload {
		acts = "start|stop|restart|try-restart|force-reload|status"
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(Marker + "\n")
	b.WriteString(header)
	fmt.Fprintf(&b, "# The service is run by lsbinit; its config is /etc/lsbinit/%s.conf.\n", name)
	fmt.Fprintf(&b, "usage='Usage: /etc/init.d/%s {%s}'\n", name, acts)
	b.WriteString(sourceInitFunctions)
	fmt.Fprintf(&b, "exec %s %s \"$@\"\n", shellQuote(exe), shellQuote(name))
	return b.String()
}

// sourceInitFunctions is the part of the wrapper that hands an action to
// systemctl the way the distribution's own init scripts do.
const sourceInitFunctions = `# Under systemd, the init functions hand the action to systemctl.
[ -z "${_SYSTEMCTL_SKIP_REDIRECT:-}" ] || SYSTEMCTL_SKIP_REDIRECT=1
if [ -r /lib/lsb/init-functions ]; then . /lib/lsb/init-functions
elif [ -r /etc/init.d/functions ]; then . /etc/init.d/functions; fi
`

func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./@+-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeFile replaces path atomically with data.
func (o *options) writeFile(path string, data []byte, perm fs.FileMode) exitcode.Code {
	if o.dryRun {
		o.step("write %s", path)
		return exitcode.OK
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return o.fail(exitcode.Failed, "%v", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".lsbinit-")
	if err != nil {
		return o.fail(exitcode.Failed, "%v", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return o.fail(exitcode.Failed, "writing %s: %v", path, err)
	}
	o.step("wrote %s", path)
	return exitcode.OK
}

// writeLink replaces path atomically with a symlink to target.
func (o *options) writeLink(path, target string) exitcode.Code {
	if o.dryRun {
		o.step("symlink %s -> %s", path, target)
		return exitcode.OK
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return o.fail(exitcode.Failed, "%v", err)
	}
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.lsbinit-%d", filepath.Base(path), os.Getpid()))
	os.Remove(tmp)
	err := os.Symlink(target, tmp)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return o.fail(exitcode.Failed, "symlinking %s: %v", path, err)
	}
	o.step("symlinked %s -> %s", path, target)
	return exitcode.OK
}

func (o *options) remove(path string) exitcode.Code {
	if o.dryRun {
		o.step("remove %s", path)
		return exitcode.OK
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return o.fail(exitcode.Failed, "%v", err)
	}
	o.step("removed %s", path)
	return exitcode.OK
}
