package scripttest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

// regservice NAME: for the registration tests (reg_*.txtar), which use the
// real /etc. NAME must start with lsbtest-reg-. It makes /etc/lsbinit
// (0755) if missing, takes an exclusive lock shared by every script using
// it (insserv rewrites all rc links and has no lock of its own), and when
// the script ends, even when it fails, removes whatever of NAME is left:
// /etc/init.d/NAME, /etc/rc?.d/[SK]??NAME, /etc/insserv/overrides/NAME,
// /etc/lsbinit/NAME.conf, and the systemd, runit and OpenRC files of
// regLeft (then runs `update-rc.d NAME remove` if there
// were rc links, so insserv forgets NAME), and logs what it had to remove.
// (The daemons themselves die with the script: their command lines
// mention $WORK.)
//
// regclean NAME: nothing of NAME is left under /etc (the list above, and
// insserv's /etc/init.d/.depend.* do not mention it).

var regLockFile = "/run/lsbinit-test-reg.lock"

func regCheckName(ts *testscript.TestScript, name string) {
	if !strings.HasPrefix(name, "lsbtest-reg-") || strings.ContainsAny(name, "/*?[") {
		ts.Fatalf("service name %q does not start with lsbtest-reg-", name)
	}
}

// regLeft returns what of service name is under /etc: its init script,
// insserv override and config, rc links, systemd units (and their links
// in .wants directories), runit service directory and link, and OpenRC
// runlevel links.
func regLeft(name string) []string {
	var left []string
	for _, p := range []string{"/etc/init.d/" + name, "/etc/insserv/overrides/" + name, "/etc/lsbinit/" + name + ".conf",
		"/etc/sv/" + name, "/etc/service/" + name} {
		if _, err := os.Lstat(p); err == nil {
			left = append(left, p)
		}
	}
	links, _ := filepathGlob("/etc/rc?.d/[SK][0-9][0-9]" + name)
	left = append(left, links...)
	for _, pattern := range []string{"/etc/systemd/system/" + name + ".service", "/etc/systemd/system/" + name + ".socket",
		"/etc/systemd/system/" + name + "-*.socket", "/etc/systemd/system/*.wants/" + name + ".service",
		"/etc/systemd/system/*.wants/" + name + ".socket", "/etc/systemd/system/*.wants/" + name + "-*.socket",
		"/etc/runlevels/*/" + name} {
		m, _ := filepath.Glob(pattern)
		left = append(left, m...)
	}
	return left
}

func cmdRegservice(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "regservice")
	if len(args) != 1 {
		ts.Fatalf("usage: regservice NAME")
	}
	name := args[0]
	regCheckName(ts, name)
	if err := os.Mkdir("/etc/lsbinit", 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		ts.Fatalf("%v", err)
	}
	lock, err := os.OpenFile(regLockFile, os.O_RDWR|os.O_CREATE, 0o600)
	ts.Check(err)
	ts.Check(unix.Flock(int(lock.Fd()), unix.LOCK_EX))
	ts.Defer(func() {
		defer lock.Close()
		left := regLeft(name)
		if len(left) == 0 {
			return
		}
		ts.Logf("cleaning up after %s: %v", name, left)
		links := false
		for _, p := range left {
			links = links || strings.HasPrefix(p, "/etc/rc")
			if err := os.RemoveAll(p); err != nil {
				ts.Logf("%v", err)
			}
		}
		if links {
			if out, err := exec.Command("update-rc.d", name, "remove").CombinedOutput(); err != nil {
				ts.Logf("update-rc.d %s remove: %v\n%s", name, err, out)
			}
		}
	})
}

func cmdRegclean(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "regclean")
	if len(args) != 1 {
		ts.Fatalf("usage: regclean NAME")
	}
	name := args[0]
	regCheckName(ts, name)
	left := regLeft(name)
	deps, _ := filepathGlob("/etc/init.d/.depend.*")
	for _, d := range deps {
		data, err := os.ReadFile(d)
		if err == nil && regexp.MustCompile(`(^|\s)`+regexp.QuoteMeta(name)+`(\s|:|$)`).Match(data) {
			left = append(left, d+" mentions "+name)
		}
	}
	if len(left) > 0 {
		ts.Fatalf("left under /etc: %v", left)
	}
}

// filepathGlob matches /etc/rc?.d/[SK][0-9][0-9]NAME and
// /etc/init.d/.depend.* (a small glob, to keep cmds.go's imports).
func filepathGlob(pattern string) ([]string, error) {
	var out []string
	if rest, ok := strings.CutPrefix(pattern, "/etc/init.d/.depend."); ok && rest == "*" {
		ents, err := os.ReadDir("/etc/init.d")
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".depend.") {
				out = append(out, "/etc/init.d/"+e.Name())
			}
		}
		return out, err
	}
	name, ok := strings.CutPrefix(pattern, "/etc/rc?.d/[SK][0-9][0-9]")
	if !ok {
		return nil, fmt.Errorf("filepathGlob: unsupported pattern %q", pattern)
	}
	re := regexp.MustCompile(`^[SK][0-9][0-9]` + regexp.QuoteMeta(name) + `$`)
	for _, lvl := range "0123456S" {
		dir := "/etc/rc" + string(lvl) + ".d"
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if re.MatchString(e.Name()) {
				out = append(out, dir+"/"+e.Name())
			}
		}
	}
	return out, nil
}
