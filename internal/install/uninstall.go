package install

import (
	"io"
	"os/exec"

	"github.com/lsbinit/lsbinit/lsb"
)

// UninstallMain is `lsbinit uninstall NAME`.
func UninstallMain(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
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
func (o *options) uninstall() int {
	scriptKind, _, err := o.classify(o.initScript)
	if err != nil {
		return o.fail(lsb.ExitFailed, "%v", err)
	}
	ovKind, _, err := o.classify(o.override)
	if err != nil {
		return o.fail(lsb.ExitFailed, "%v", err)
	}
	links := o.rcLinks()
	if scriptKind == foreign {
		return o.fail(lsb.ExitFailed, "%s was not written by lsbinit install; not touching it or its rc links", o.initScript)
	}
	if scriptKind == absent && ovKind != ours && len(links) == 0 {
		o.step("%s is not installed: nothing to do", o.name)
		return lsb.ExitOK
	}
	if scriptKind == ours && !o.noStop {
		if o.dryRun {
			o.step("run %s stop", o.initScript)
		} else {
			cmd := exec.Command(o.initScript, "stop")
			cmd.Stdout, cmd.Stderr = o.stdout, o.stderr
			if err := cmd.Run(); err != nil {
				return o.fail(lsb.ExitFailed, "%s stop failed (%v); not uninstalled (use --no-stop to uninstall anyway)", o.initScript, err)
			}
		}
	}
	ranTool := false
	if len(links) > 0 && o.realEtc {
		if p := tool("update-rc.d"); p != "" {
			if code := o.run(p, o.name, "remove"); code != lsb.ExitOK {
				return code
			}
			ranTool = true
		} else if p := tool("chkconfig"); p != "" && scriptKind == ours {
			if code := o.run(p, "--del", o.name); code != lsb.ExitOK {
				return code
			}
			ranTool = true
		}
	}
	// Whatever the tools left (or with LSBINIT_ETC): the links point to
	// our script, so they are ours too.
	if !(o.dryRun && ranTool) {
		for _, l := range o.rcLinks() {
			if code := o.remove(l); code != lsb.ExitOK {
				return code
			}
		}
	}
	if scriptKind == ours {
		if code := o.remove(o.initScript); code != lsb.ExitOK {
			return code
		}
	}
	if ovKind == ours {
		if code := o.remove(o.override); code != lsb.ExitOK {
			return code
		}
	}
	return lsb.ExitOK
}
