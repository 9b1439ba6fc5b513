package install

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initsys"
)

// left is what of a service install put in place is there now, whichever
// init system it was installed for.
type left struct {
	script, override string   // /etc/init.d/NAME and the insserv override, when ours
	openrcScript     bool     // the script is an openrc-run script
	symlink          bool     // the script is a symlink to lsbinit: no tool can read it
	units            []string // unit files of ours in /etc/systemd/system
	wants            []string // their links in *.wants directories
	rcLinks          []string // /etc/rc?.d links
	runlevels        []string // OpenRC's /etc/runlevels/*/NAME
	svDir            string   // /etc/sv/NAME, when its run is ours
	svLinks          []string // links to it in runsvdir's directories
}

func (l left) empty() bool {
	return l.script == "" && l.override == "" && len(l.units)+len(l.wants)+len(l.rcLinks)+len(l.runlevels)+len(l.svLinks) == 0 && l.svDir == ""
}

func (l left) String() string {
	var all []string
	for _, p := range []string{l.script, l.override, l.svDir} {
		if p != "" {
			all = append(all, p)
		}
	}
	for _, list := range [][]string{l.units, l.wants, l.rcLinks, l.runlevels, l.svLinks} {
		all = append(all, list...)
	}
	return strings.Join(all, " ")
}

// survey finds what of the service is installed. A foreign
// /etc/init.d/NAME is an error: its rc links are not ours either.
func (o *options) survey() (left, error) {
	var l left
	script := o.path("init.d/" + o.name)
	f, err := o.classify(script)
	if err != nil {
		return l, err
	}
	if f.kind == foreign {
		return l, fmt.Errorf("%s was not written by lsbinit install; not touching it or its rc links", script)
	}
	if f.kind == ours {
		l.script = script
		l.openrcScript = strings.HasPrefix(string(f.data), "#!/sbin/openrc-run\n")
		l.symlink = f.data == nil
		l.rcLinks = o.rcLinks()
		l.runlevels = o.runlevelLinks()
	}
	if f, _ := o.classify(o.path("insserv/overrides/" + o.name)); f.kind == ours {
		l.override = o.path("insserv/overrides/" + o.name)
	}
	dir := o.path("systemd/system")
	if f, _ := o.classify(filepath.Join(dir, o.name+".service")); f.kind == ours && f.data != nil {
		l.units = append(l.units, filepath.Join(dir, o.name+".service"))
	}
	l.units = append(l.units, o.ourSocketUnits()...)
	// The links that enable them: also those left pointing to a unit of
	// the service's name that was removed by hand.
	for _, pattern := range []string{o.name + ".service", o.name + ".socket", o.name + "-*.socket"} {
		links, _ := filepath.Glob(filepath.Join(dir, "*.wants", pattern))
		for _, link := range links {
			target := o.real(filepath.Join(dir, filepath.Base(link)))
			if f, _ := o.classify(link, target); f.kind == ours && f.target == target {
				_, err := os.Stat(link)
				if slices.Contains(l.units, filepath.Join(dir, filepath.Base(link))) || err != nil {
					l.wants = append(l.wants, link)
				}
			}
		}
	}
	svDir := o.runitSvDir()
	if f, _ := o.classify(filepath.Join(svDir, "run")); f.kind == ours {
		l.svDir = svDir
	}
	for _, d := range o.runitServiceDirs() {
		link := filepath.Join(d, o.name)
		if f, _ := o.classify(link, o.real(svDir)); f.kind == ours && f.target == o.real(svDir) {
			l.svLinks = append(l.svLinks, link)
		}
	}
	return l, nil
}

// uninstall stops the service the way its init system runs it, then the
// daemon itself wherever it runs, disables it and removes what install
// wrote. A stop that fails through a unit that is missing or broken does
// not stop it: only a daemon that still runs at the end does (exit 1,
// and its files stay, so that it can still be managed). The config in
// /etc/lsbinit is the operator's and stays.
func (o *options) uninstall() error {
	l, err := o.survey()
	if err != nil {
		return o.fail(exitcode.Failed, "%w", err)
	}
	if l.empty() {
		o.step("%s is not installed: nothing to do", o.name)
		return nil
	}
	sys := initsys.Detect()
	p := &plan{}
	if !o.noStop {
		o.planStop(p, l, sys)
	}
	o.planDisable(p, l, sys)
	if err := o.carry(p); err != nil {
		return err
	}
	if o.dryRun {
		return nil
	}
	if now, err := o.survey(); err == nil && !now.empty() {
		return o.fail(exitcode.Failed, "left behind: %s", now)
	}
	return nil
}

// planStop stops the service through its manager, then whatever runs of
// it outside one, and checks that nothing does.
func (o *options) planStop(p *plan, l left, sys initsys.System) {
	units := unitNames(l.units)
	switch {
	case len(units) > 0 && sys.Kind == initsys.Systemd && sys.Running && o.realEtc:
		p.try(nil, append([]string{systemctl(), "stop"}, units...)...)
		p.try(nil, systemctl(), "reset-failed", units[0])
	case l.openrcScript && initsys.OpenRCRunning() && o.realEtc:
		p.try(nil, l.script, "stop")
	}
	if l.svDir != "" && o.realEtc {
		for _, link := range l.svLinks {
			if initsys.RunsvUp(link) {
				p.try(nil, tool("sv"), "-w", "60", "down", link)
			}
		}
	}
	if o.realEtc {
		p.try([]string{"SYSTEMCTL_SKIP_REDIRECT=1"}, append(o.localArgv(), "stop")...)
		p.call("check that "+o.name+" is stopped", o.checkStopped)
	}
}

// localArgv runs an action of the service in this process's way.
func (o *options) localArgv() []string {
	if o.program != nil {
		return []string{o.exe}
	}
	return []string{o.exe, o.name}
}

// checkStopped fails when the daemon still runs.
func (o *options) checkStopped() error {
	cmd := exec.Command(o.localArgv()[0], append(o.localArgv()[1:], "-q", "status")...)
	cmd.Env = append(os.Environ(), "SYSTEMCTL_SKIP_REDIRECT=1")
	if err := cmd.Run(); err == nil {
		return fmt.Errorf("%s still runs; not uninstalled (stop it first, or use --no-stop)", o.name)
	}
	return nil
}

// planDisable disables the service and removes its files.
func (o *options) planDisable(p *plan, l left, sys initsys.System) {
	units := unitNames(l.units)
	systemdUp := sys.Kind == initsys.Systemd && sys.Running && o.realEtc
	if len(units) > 0 && o.realEtc && tool("systemctl") != "" {
		if systemdUp {
			p.try(nil, append([]string{systemctl(), "disable"}, units...)...)
		} else {
			p.try(nil, append([]string{systemctl(), "--root=/", "disable"}, units...)...)
		}
	}
	if len(l.rcLinks) > 0 && o.realEtc && !l.openrcScript && !l.symlink {
		if t := tool("update-rc.d"); t != "" {
			p.try(nil, t, o.name, "remove")
		} else if t := tool("chkconfig"); t != "" {
			p.try(nil, t, "--del", o.name)
		}
	}
	if o.realEtc && tool("rc-update") != "" {
		for _, link := range l.runlevels {
			p.try(nil, tool("rc-update"), "del", o.name, filepath.Base(filepath.Dir(link)))
		}
	}
	for _, list := range [][]string{l.svLinks, l.wants, l.rcLinks, l.runlevels, l.units} {
		for _, path := range list {
			p.remove(path)
		}
	}
	if l.svDir != "" {
		p.call("wait for runsv of "+l.svDir+" to exit", func() error { return awaitRunsvGone(l.svDir) })
		for _, f := range []string{"run", "finish"} {
			p.remove(filepath.Join(l.svDir, f))
		}
		p.call("remove "+filepath.Join(l.svDir, "supervise"), func() error { return os.RemoveAll(filepath.Join(l.svDir, "supervise")) })
		p.remove(l.svDir)
	}
	for _, path := range []string{l.script, l.override} {
		if path != "" {
			p.remove(path)
		}
	}
	if len(units)+len(l.wants) > 0 && systemdUp {
		p.run(systemctl(), "daemon-reload")
	}
}

func unitNames(paths []string) []string {
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// awaitRunsvGone waits until no runsv supervises dir: runsvdir stops the
// runsv of a service whose link went away within five seconds, and runsv
// exits once the service is down.
func awaitRunsvGone(dir string) error {
	deadline := time.Now().Add(15 * time.Second)
	for initsys.RunsvUp(dir) {
		if time.Now().After(deadline) {
			return errors.New("runsv of " + dir + " did not exit within 15s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}
