package install

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initsys"
)

// install plans the registration with the machine's init system, then
// carries it out: nothing is written unless every path can be.
func (o *options) install() error {
	t, err := o.load()
	if err != nil {
		return err
	}
	sys := o.system()
	o.sys = sys
	p := &plan{}
	p.note("%s: registering with %s (%s); the service runs %s", o.name, sys.Kind, sys.Why, t.argv[0])
	switch sys.Kind {
	case initsys.Systemd:
		err = o.planSystemd(p, t, sys)
	case initsys.OpenRC:
		err = o.planOpenRC(p, t)
	case initsys.Runit:
		err = o.planRunit(p, t)
	default:
		err = o.planSysV(p, t)
	}
	if err != nil {
		return err
	}
	return o.carry(p)
}

func (o *options) by() string {
	if o.program != nil {
		return filepath.Base(o.exe) + " install"
	}
	return "lsbinit install " + o.name
}

// planInitScript plans /etc/init.d/NAME as the LSB wrapper, or with
// --symlink as a symlink to lsbinit, and the removal of an insserv
// override that an earlier --symlink install left.
func (o *options) planInitScript(p *plan, t *target) (changed bool, err error) {
	script := o.path("init.d/" + o.name)
	if o.symlink {
		changed, err = o.wantLink(p, script, o.exe)
	} else {
		changed, err = o.want(p, script, []byte(wrapper(o.name, t.argv, t.header, !t.svc.NoReload)), 0o755)
	}
	if err != nil {
		return changed, err
	}
	override := o.path("insserv/overrides/" + o.name)
	if f, err := o.classify(override); err == nil && f.kind == ours && !(o.symlink && o.sys.Kind == initsys.SysV) {
		p.remove(override)
	}
	return changed, nil
}

// planSysV: the wrapper (or the symlink and its insserv override), then
// update-rc.d or chkconfig.
func (o *options) planSysV(p *plan, t *target) error {
	if links := o.rcLinks(); o.symlink && len(links) > 0 {
		// An earlier install's rc links, which the symlink cannot keep:
		// taken away while the script they were made from is still there.
		if t := tool("update-rc.d"); t != "" && o.realEtc {
			p.try(nil, t, o.name, "remove")
		}
		for _, l := range links {
			p.remove(l)
		}
	}
	changed, err := o.planInitScript(p, t)
	if err != nil {
		return err
	}
	if o.symlink {
		ovChanged, err := o.want(p, o.path("insserv/overrides/"+o.name), []byte(Marker+"\n"+t.header), 0o644)
		if err != nil {
			return err
		}
		changed = changed || ovChanged
	}
	switch {
	case o.noEnable:
		p.note("not enabled at boot (--no-enable)")
	case o.symlink:
		fmt.Fprintf(o.stderr, "%s: %s: not enabled at boot: update-rc.d, insserv and chkconfig cannot read the header of a symlink to a binary (insserv looks for %s, not %s); install without --symlink to enable it\n",
			o.prog, o.name, o.path("insserv/overrides/"+filepath.Base(o.exe)), o.path("insserv/overrides/"+o.name))
	case !o.realEtc:
		p.note("skip enabling at boot: LSBINIT_ETC is %s, not /etc", o.etc)
	case !changed && len(o.rcLinks()) > 0:
		p.note("rc links of %s are in place", o.name)
	case tool("update-rc.d") != "":
		p.run(tool("update-rc.d"), o.name, "defaults")
	case tool("chkconfig") != "":
		p.run(tool("chkconfig"), "--add", o.name)
	default:
		p.note("not enabled at boot: neither update-rc.d nor chkconfig is installed")
	}
	return nil
}

// planSystemd: the unit and its socket units in /etc/systemd/system,
// stale socket units of ours removed, the wrapper, then systemctl
// daemon-reload and enable (offline, with --root, when systemd does not
// run).
func (o *options) planSystemd(p *plan, t *target, sys initsys.System) error {
	files, err := t.definition("systemd", o.by())
	if err != nil {
		return o.fail(exitcode.Of(err), "%w", err)
	}
	dir := o.path("systemd/system")
	changed := false
	var units []string
	wantedBy := map[string]string{}
	for _, f := range files {
		c, err := o.want(p, filepath.Join(dir, f.Name), f.Data, 0o644)
		if err != nil {
			return err
		}
		changed = changed || c
		units = append(units, f.Name)
		wantedBy[f.Name] = installTarget(f.Data)
	}
	for _, stale := range o.ourSocketUnits() {
		if !slices.Contains(units, filepath.Base(stale)) {
			if sys.Running && o.realEtc {
				p.try(nil, systemctl(), "disable", "--now", filepath.Base(stale))
			}
			p.remove(stale)
			changed = true
		}
	}
	if _, err := o.planInitScript(p, t); err != nil {
		return err
	}
	switch {
	case !o.realEtc:
		p.note("skip systemctl: LSBINIT_ETC is %s, not /etc", o.etc)
		return nil
	case sys.Running && changed:
		p.run(systemctl(), "daemon-reload")
	}
	if sys.Running && o.runsOutside(units[0]) {
		p.note("%s runs outside systemd; to run it as %s: SYSTEMCTL_SKIP_REDIRECT=1 /etc/init.d/%s stop; /etc/init.d/%s start",
			o.name, units[0], o.name, o.name)
	}
	switch {
	case o.noEnable:
		p.note("not enabled at boot (--no-enable)")
	case wantedBy[units[0]] == "":
		p.note("not enabled at boot: DEFAULT_START is empty, so %s has no [Install] section", units[0])
	case o.enabled(dir, wantedBy):
		p.note("%s is enabled", strings.Join(units, ", "))
	case sys.Running:
		p.run(append([]string{systemctl(), "enable"}, units...)...)
	default:
		// systemd is installed but not running (a chroot, an image build):
		// enable by the unit files alone, as systemctl --root does.
		p.run(append([]string{systemctl(), "--root=/", "enable"}, units...)...)
	}
	return nil
}

// installTarget is the WantedBy= of a unit, or "".
func installTarget(data []byte) string {
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "WantedBy="); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// enabled reports whether every unit is linked into the .wants
// directory of its WantedBy= target.
func (o *options) enabled(dir string, wantedBy map[string]string) bool {
	for u, target := range wantedBy {
		if target == "" {
			continue
		}
		if f, _ := o.classify(filepath.Join(dir, target+".wants", u), filepath.Join(dir, u)); f.kind != ours {
			return false
		}
	}
	return true
}

// ourSocketUnits lists the socket units of the service that install
// wrote: NAME.socket and NAME-*.socket with the marker.
func (o *options) ourSocketUnits() []string {
	dir := o.path("systemd/system")
	var units []string
	for _, pattern := range []string{o.name + ".socket", o.name + "-*.socket"} {
		matches, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, m := range matches {
			if f, err := o.classify(m); err == nil && f.kind == ours && f.data != nil {
				units = append(units, m)
			}
		}
	}
	return units
}

// planOpenRC: an openrc-run script as /etc/init.d/NAME, then rc-update
// add NAME default.
func (o *options) planOpenRC(p *plan, t *target) error {
	script := o.path("init.d/" + o.name)
	if o.symlink {
		if _, err := o.wantLink(p, script, o.exe); err != nil {
			return err
		}
		fmt.Fprintf(o.stderr, "%s: %s: not enabled at boot: OpenRC runs only openrc-run scripts (and, on Debian, LSB scripts with a header), not a symlink to a binary; install without --symlink to enable it\n", o.prog, o.name)
		return nil
	}
	files, err := t.definition("openrc", o.by())
	if err != nil {
		return o.fail(exitcode.Of(err), "%w", err)
	}
	if _, err := o.want(p, script, files[0].Data, 0o755); err != nil {
		return err
	}
	level := openrcRunlevel(t.svc.Header.DefaultStart)
	switch {
	case o.noEnable:
		p.note("not enabled at boot (--no-enable)")
	case level == "":
		p.note("not enabled at boot: DEFAULT_START is empty")
	case o.inRunlevel(level):
		p.note("%s is in the %s runlevel", o.name, level)
	case !o.realEtc:
		p.link(o.path("runlevels/"+level+"/"+o.name), "/etc/init.d/"+o.name)
	default:
		p.run(tool("rc-update"), "add", o.name, level)
	}
	return nil
}

// openrcRunlevel maps DEFAULT_START to OpenRC's runlevel: default for
// the multi-user levels 2 to 5, boot for S alone.
func openrcRunlevel(defaultStart string) string {
	switch {
	case strings.ContainsAny(defaultStart, "2345"):
		return "default"
	case strings.Contains(defaultStart, "S"):
		return "boot"
	}
	return ""
}

func (o *options) inRunlevel(level string) bool {
	f, _ := o.classify(o.path("runlevels/"+level+"/"+o.name), "/etc/init.d/"+o.name)
	return f.kind == ours
}

// planRunit: /etc/sv/NAME with run and finish, the wrapper, and the link
// that enables it, which runsvdir acts on within five seconds: under
// runit, enabled is running.
func (o *options) planRunit(p *plan, t *target) error {
	files, err := t.definition("runit", o.by())
	if err != nil {
		return o.fail(exitcode.Of(err), "%w", err)
	}
	svDir := o.runitSvDir()
	for _, f := range files {
		if _, err := o.want(p, filepath.Join(svDir, f.Name), f.Data, 0o755); err != nil {
			return err
		}
	}
	if _, err := o.planInitScript(p, t); err != nil {
		return err
	}
	serviceDir := o.runitServiceDir()
	switch {
	case o.noEnable:
		p.note("not enabled (--no-enable): link %s into runsvdir's directory to run it", svDir)
	case serviceDir == "":
		p.note("not enabled: no runsvdir directory (%s) found", strings.Join(o.runitServiceDirs(), ", "))
	default:
		if _, err := o.wantLink(p, filepath.Join(serviceDir, o.name), o.real(svDir)); err != nil {
			return err
		}
	}
	return nil
}

// runsOutside reports whether the service runs, but not as unit: started
// by hand before systemd knew it, it would keep the unit from starting.
func (o *options) runsOutside(unit string) bool {
	if exec.Command(systemctl(), "--quiet", "is-active", unit).Run() == nil {
		return false
	}
	cmd := exec.Command(o.localArgv()[0], append(o.localArgv()[1:], "-q", "status")...)
	cmd.Env = append(os.Environ(), "SYSTEMCTL_SKIP_REDIRECT=1")
	return cmd.Run() == nil
}
