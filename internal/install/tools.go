package install

import (
	"os"

	"github.com/lsbinit/lsbinit/internal/initsys"
	"os/exec"
	"path/filepath"
)

// rcLinks returns the rc?.d links of the service.
func (o *options) rcLinks() []string {
	links, _ := filepath.Glob(filepath.Join(o.etc, "rc?.d", "[SK][0-9][0-9]"+o.name))
	return links
}

// runlevelLinks returns OpenRC's runlevel links of the service.
func (o *options) runlevelLinks() []string {
	links, _ := filepath.Glob(filepath.Join(o.etc, "runlevels", "*", o.name))
	return links
}

// tool finds an init tool on PATH or in the usual sbin directories.
func tool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/lib/lsb"} {
		p := filepath.Join(d, name)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// systemctl is systemctl's path.
func systemctl() string {
	if p := tool("systemctl"); p != "" {
		return p
	}
	return "/usr/bin/systemctl"
}

// runitServiceDirs are the directories runsvdir watches, under /etc or
// $LSBINIT_ETC (Debian's and Devuan's /etc/service), and outside it
// (Void's /var/service, Artix's /run/runit/service, the classic /service)
// only on the real system.
func (o *options) runitServiceDirs() []string {
	if o.realEtc {
		return initsys.RunitServiceDirs
	}
	return []string{o.path("service")}
}

// runitServiceDir is the first of runitServiceDirs that exists, or "".
func (o *options) runitServiceDir() string {
	for _, d := range o.runitServiceDirs() {
		if info, err := os.Stat(d); err == nil && info.IsDir() {
			return d
		}
	}
	return ""
}

// runitSvDir is the service's directory: /etc/sv/NAME (Debian, Void), or
// /etc/runit/sv/NAME where that is the convention (Artix).
func (o *options) runitSvDir() string {
	if _, err := os.Stat(o.path("sv")); err != nil {
		if info, err := os.Stat(o.path("runit/sv")); err == nil && info.IsDir() {
			return o.path("runit/sv/" + o.name)
		}
	}
	return o.path("sv/" + o.name)
}
