package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// rcLinks returns the rc?.d links of the service.
func (o *options) rcLinks() []string {
	links, _ := filepath.Glob(filepath.Join(o.etc, "rc?.d", "[SK][0-9][0-9]"+o.name))
	return links
}

// tool finds an init tool on PATH or in the usual sbin directories.
func tool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/lib/lsb"} {
		p := filepath.Join(d, name)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// run runs an init tool, passing its output through.
func (o *options) run(path string, args ...string) exitcode.Code {
	line := filepath.Base(path) + " " + strings.Join(args, " ")
	if o.dryRun {
		o.step("run %s", line)
		return exitcode.OK
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = o.stdout, o.stderr
	if err := cmd.Run(); err != nil {
		return o.fail(exitcode.Failed, "%s failed: %v", line, err)
	}
	o.step("ran %s", line)
	return exitcode.OK
}

// register enables the service at boot with the system's tool.
func (o *options) register() exitcode.Code {
	if p := tool("update-rc.d"); p != "" {
		return o.run(p, o.name, "defaults")
	}
	if p := tool("chkconfig"); p != "" {
		return o.run(p, "--add", o.name)
	}
	o.step("not enabled at boot: neither update-rc.d nor chkconfig is installed")
	return exitcode.OK
}
