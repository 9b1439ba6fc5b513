package install

import (
	"io"
	"os/exec"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// UninstallMain is `lsbinit uninstall NAME`.
func UninstallMain(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	o, code := parse("lsbinit uninstall", args, getenv, stdout, stderr, true)
	if o == nil {
		return code
	}
	return o.uninstall()
}

// uninstall stops the service (unless --no-stop: once /etc/init.d/NAME is
// gone nothing would stop it), removes its rc links while the script is
// still there (`update-rc.d NAME remove` then runs `insserv -r NAME`;
// Debian's update-rc.d accepts either order), then the files install
// wrote. The config in /etc/lsbinit is the operator's and stays.
func (o *options) uninstall() exitcode.Code {
	scriptKind, _, err := o.classify(o.initScript)
	if err != nil {
		return o.fail(exitcode.Failed, "%v", err)
	}
	ovKind, _, err := o.classify(o.override)
	if err != nil {
		return o.fail(exitcode.Failed, "%v", err)
	}
	links := o.rcLinks()
	if scriptKind == foreign {
		return o.fail(exitcode.Failed, "%s was not written by lsbinit install; not touching it or its rc links", o.initScript)
	}
	if scriptKind == absent && ovKind != ours && len(links) == 0 {
		o.step("%s is not installed: nothing to do", o.name)
		return exitcode.OK
	}
	if scriptKind == ours && !o.noStop {
		if code := o.stopService(); code != exitcode.OK {
			return code
		}
	}
	ranTool, code := o.unregister(links, scriptKind)
	if code != exitcode.OK {
		return code
	}
	// Whatever the tools left (or with LSBINIT_ETC): the links point to
	// our script, so they are ours too.
	if !(o.dryRun && ranTool) {
		for _, l := range o.rcLinks() {
			if code := o.remove(l); code != exitcode.OK {
				return code
			}
		}
	}
	if scriptKind == ours {
		if code := o.remove(o.initScript); code != exitcode.OK {
			return code
		}
	}
	if ovKind == ours {
		if code := o.remove(o.override); code != exitcode.OK {
			return code
		}
	}
	return exitcode.OK
}

// stopService stops the service through its init script before its files go.
func (o *options) stopService() exitcode.Code {
	if o.dryRun {
		o.step("run %s stop", o.initScript)
		return exitcode.OK
	}
	cmd := exec.Command(o.initScript, "stop")
	cmd.Stdout, cmd.Stderr = o.stdout, o.stderr
	if err := cmd.Run(); err != nil {
		return o.fail(exitcode.Failed, "%s stop failed (%v); not uninstalled (use --no-stop to uninstall anyway)", o.initScript, err)
	}
	return exitcode.OK
}

// unregister removes the rc links with the system's tool, and reports
// whether it ran one.
func (o *options) unregister(links []string, scriptKind kind) (ran bool, code exitcode.Code) {
	if len(links) == 0 || !o.realEtc {
		return false, exitcode.OK
	}
	if p := tool("update-rc.d"); p != "" {
		return true, o.run(p, o.name, "remove")
	}
	if p := tool("chkconfig"); p != "" && scriptKind == ours {
		return true, o.run(p, "--del", o.name)
	}
	return false, exitcode.OK
}
