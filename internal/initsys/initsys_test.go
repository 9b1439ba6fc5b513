package initsys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRoot builds a file system with the given files ("" content: a
// directory if the name ends in /), symlinks (name -> target) and PID 1's
// command name, and points Root at it.
func fakeRoot(t *testing.T, comm string, files []string, links map[string]string) {
	t.Helper()
	root := t.TempDir()
	if comm != "" {
		files = append(files, "proc/1/comm="+comm+"\n")
	}
	for _, f := range files {
		name, content, _ := strings.Cut(f, "=")
		p := filepath.Join(root, name)
		if name[len(name)-1] == '/' {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o755)
	}
	for name, target := range links {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.Symlink(target, p)
	}
	old := Root
	Root = root
	t.Cleanup(func() { Root = old })
}

func TestDetect(t *testing.T) {
	systemdInit := map[string]string{"sbin/init": "../lib/systemd/systemd"}
	for name, c := range map[string]struct {
		comm    string
		files   []string
		links   map[string]string
		want    Kind
		running bool
	}{
		"systemd runs":          {"systemd", []string{"run/systemd/system/", "lib/systemd/systemd"}, systemdInit, Systemd, true},
		"OpenRC runs":           {"init", []string{"run/openrc/softlevel=default", "run/initctl"}, nil, OpenRC, true},
		"runit is PID 1":        {"runit", []string{"lib/runit/runit-init"}, map[string]string{"sbin/init": "../lib/runit/runit-init"}, Runit, true},
		"sysvinit is PID 1":     {"init", []string{"run/initctl", "sbin/init"}, nil, SysV, true},
		"chroot, systemd":       {"", []string{"lib/systemd/systemd"}, systemdInit, Systemd, false},
		"container, other PID1": {"process_api", []string{"lib/systemd/systemd"}, systemdInit, Systemd, false},
		"chroot, openrc-init":   {"", []string{"usr/sbin/openrc-init"}, map[string]string{"sbin/init": "../usr/sbin/openrc-init"}, OpenRC, false},
		"chroot, sysv+openrc":   {"", []string{"sbin/init", "sbin/openrc"}, nil, OpenRC, false},
		"chroot, sysvinit":      {"", []string{"sbin/init"}, nil, SysV, false},
		"chroot, runit":         {"", []string{"lib/runit/runit-init"}, map[string]string{"sbin/init": "../lib/runit/runit-init"}, Runit, false},
		"no init at all":        {"sh", nil, nil, SysV, false},
	} {
		t.Run(name, func(t *testing.T) {
			fakeRoot(t, c.comm, c.files, c.links)
			got := Detect()
			if got.Kind != c.want || got.Running != c.running || got.Why == "" {
				t.Errorf("Detect() = %+v, want %s running=%v", got, c.want, c.running)
			}
		})
	}
}

func TestParseKind(t *testing.T) {
	for in, want := range map[string]Kind{"systemd": Systemd, "sysv": SysV, "sysvinit": SysV, "openrc": OpenRC, "runit": Runit} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "upstart", "SYSTEMD", "s6"} {
		if _, err := ParseKind(in); err == nil {
			t.Errorf("ParseKind(%q): no error", in)
		}
	}
}
