package unit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

func run(args ...string) (code exitcode.Code, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Main(args, func(string) string { return "" }, &o, &e)
	return code, o.String(), e.String()
}

func TestMainUsage(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("DAEMON=/bin/sleep\n"), 0o644)
	for _, args := range [][]string{
		{},
		{"svc"},
		{"svc", "--for"},
		{"svc", "--for", "bsd-rc"},
		{"svc", "--for=sysv"},
		{"svc", "other", "--for", "systemd"},
		{"svc", "--bogus", "--for", "systemd"},
		{"--for", "systemd"},
		{"-c", conf, "--for", "upstart", "-o"},
	} {
		code, stdout, stderr := run(args...)
		if code != exitcode.Usage || stdout != "" || !strings.Contains(stderr, "Usage: lsbinit unit") {
			t.Errorf("%q: %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	if code, stdout, _ := run("--help"); code != 0 || !strings.HasPrefix(stdout, "Usage:") {
		t.Errorf("--help: %d %q", code, stdout)
	}
}

func TestMainBadConfig(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("DAEMON=relative\nNICE=99\nDAEMON_ARGS=\"$(id)\"\n"), 0o644)
	code, stdout, stderr := run("-c", conf, "--for", "systemd")
	if code != exitcode.NotConfigured || stdout != "" {
		t.Errorf("%d, stdout %q", code, stdout)
	}
	if !strings.HasPrefix(stderr, "svc: "+conf+":") || !strings.Contains(stderr, "command substitution") {
		t.Errorf("stderr %q", stderr)
	}
	code, _, stderr = run("-c", filepath.Join(dir, "missing.conf"), "--for", "launchd")
	if code != exitcode.NotConfigured || !strings.Contains(stderr, "missing.conf") {
		t.Errorf("missing config: %d %q", code, stderr)
	}
}

func TestMainNames(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("DAEMON=/bin/sleep\n"), 0o644)
	// -c FILE alone: the file names the service.
	if _, out, _ := run("-c", conf, "--for", "systemd"); !strings.Contains(out, " -c "+conf+" run\n") {
		t.Errorf("-c FILE: %q", out)
	}
	// NAME and a FILE of another name: both are passed on.
	if _, out, _ := run("other", "-c", conf, "--for", "systemd"); !strings.Contains(out, " -c "+conf+" other run\n") {
		t.Errorf("NAME -c FILE: %q", out)
	}
	// A relative -c FILE is made absolute.
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(dir)
	if _, out, _ := run("-c", "svc.conf", "--for", "upstart"); !strings.Contains(out, "exec ") || !strings.Contains(out, " -c "+conf+" run\n") {
		t.Errorf("relative -c: %q", out)
	}
	// A service named like an action can only be reached through -c.
	os.WriteFile(filepath.Join(dir, "status.conf"), []byte("DAEMON=/bin/sleep\n"), 0o644)
	if code, _, stderr := run("status", "-c", conf, "--for", "systemd"); code != exitcode.Usage || !strings.Contains(stderr, "cannot be run") {
		t.Errorf("service status: %d %q", code, stderr)
	}
	if code, _, _ := run("-c", filepath.Join(dir, "status.conf"), "--for", "systemd"); code != 0 {
		t.Errorf("-c status.conf: %d", code)
	}
}

func TestMainEnvConfig(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("DAEMON=/bin/sleep\n"), 0o644)
	var o, e bytes.Buffer
	env := func(k string) string {
		if k == "LSBINIT_CONFIG" {
			return conf
		}
		return ""
	}
	if code := Main([]string{"--for", "launchd"}, env, &o, &e); code != 0 || !strings.Contains(o.String(), "<string>"+conf+"</string>") {
		t.Errorf("LSBINIT_CONFIG: %d %q %q", code, o.String(), e.String())
	}
}

func TestMainOutput(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("DAEMON=/bin/sleep\n"), 0o644)
	out := filepath.Join(dir, "svc.service")
	os.WriteFile(out, []byte("old"), 0o600)
	if code, stdout, stderr := run("-c", conf, "--for", "systemd", "-o", out); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("%d %q %q", code, stdout, stderr)
	}
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), "Type=notify") {
		t.Errorf("wrote %q", data)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
	// A symbolic link is refused, and its target left alone.
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("precious"), 0o644)
	link := filepath.Join(dir, "link.service")
	os.Symlink(target, link)
	code, _, stderr := run("-c", conf, "--for", "systemd", "-o", link)
	if code != exitcode.Failed || !strings.Contains(stderr, "symbolic link") {
		t.Errorf("symlink: %d %q", code, stderr)
	}
	if data, _ := os.ReadFile(target); string(data) != "precious" {
		t.Errorf("target now %q", data)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced")
	}
	// A directory is refused; a missing directory is made; a file where
	// a directory should be fails, naming the file to write.
	if code, _, _ := run("-c", conf, "--for", "smf", "-o", dir); code != exitcode.Failed {
		t.Errorf("directory: %d", code)
	}
	if code, _, stderr := run("-c", conf, "--for", "smf", "-o", filepath.Join(dir, "no/such/x.xml")); code != 0 {
		t.Errorf("missing dir: %d %q", code, stderr)
	}
	if code, _, stderr := run("-c", conf, "--for", "smf", "-o", filepath.Join(target, "x.xml")); code != exitcode.Failed || !strings.Contains(stderr, "target") {
		t.Errorf("a file for a directory: %d %q", code, stderr)
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left %s", e.Name())
		}
	}
}
