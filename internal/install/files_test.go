package install

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const testHeader = "### BEGIN INIT INFO\n# Provides: svc\n### END INIT INFO\n# pidfile: /run/svc.pid\n"

// TestWrapperText: the wrapper sources the init functions, the way
// lintian looks for it, after its usage line and before it executes
// lsbinit, and is valid sh.
func TestWrapperText(t *testing.T) {
	w := wrapper("svc", "/usr/sbin/lsbinit", testHeader, true)
	lines := strings.Split(strings.TrimSuffix(w, "\n"), "\n")
	want := []string{
		"#!/bin/sh",
		Marker,
		"### BEGIN INIT INFO",
		"# Provides: svc",
		"### END INIT INFO",
		"# pidfile: /run/svc.pid",
		"# The service is run by lsbinit; its config is /etc/lsbinit/svc.conf.",
		"usage='Usage: /etc/init.d/svc {start|stop|restart|try-restart|reload|force-reload|status}'",
		"# Under systemd, the init functions hand the action to systemctl.",
		`[ -z "${_SYSTEMCTL_SKIP_REDIRECT:-}" ] || SYSTEMCTL_SKIP_REDIRECT=1`,
		"if [ -r /lib/lsb/init-functions ]; then . /lib/lsb/init-functions",
		"elif [ -r /etc/init.d/functions ]; then . /etc/init.d/functions; fi",
		`exec /usr/sbin/lsbinit svc "$@"`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("wrapper:\n%s\nwant:\n%s", w, strings.Join(want, "\n"))
	}
	// lintian (Lintian::Check::Systemd, init.d-script-does-not-source-init-functions).
	lintian := regexp.MustCompile(`(?:\.|source)\s+/lib/(?:lsb/init-functions|init/init-d-script)`)
	seen := false
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") && lintian.MatchString(l) {
			seen = true
		}
	}
	if !seen {
		t.Error("lintian would not see the init functions sourced")
	}
	if out, err := exec.Command("sh", "-n", "-c", w).CombinedOutput(); err != nil {
		t.Errorf("sh -n: %v: %s", err, out)
	}
}

// runWrapper writes the wrapper for a stub lsbinit, which prints its
// arguments one a line, in brackets, and exits 7, with the paths of the init functions
// replaced by repl (old, new pairs), and runs it with args and env.
func runWrapper(t *testing.T, repl []string, env []string, args ...string) (stdout string, code int) {
	t.Helper()
	dir := t.TempDir()
	stub := filepath.Join(dir, "lsb init") // a path that needs quoting
	os.WriteFile(stub, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\nexit 7\n"), 0o755)
	w := strings.NewReplacer(repl...).Replace(wrapper("svc", stub, testHeader, true))
	script := filepath.Join(dir, "svc")
	if err := os.WriteFile(script, []byte(w), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(script, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	if errb.Len() > 0 {
		t.Logf("stderr: %s", errb.String())
	}
	return out.String(), code
}

// TestWrapperRunsLsbinit: on this machine (where systemd is not PID 1),
// whatever the real /lib/lsb/init-functions does when sourced, lsbinit
// gets exactly the arguments and its exit code is the script's.
func TestWrapperRunsLsbinit(t *testing.T) {
	if _, err := os.Stat("/run/systemd/system"); err == nil {
		t.Skip("systemd runs here: the init functions would hand the action to systemctl")
	}
	out, code := runWrapper(t, nil, nil, "status", "two words", `$HOME`, "", "-q")
	want := "[svc]\n[status]\n[two words]\n[$HOME]\n[]\n[-q]\n"
	if code != 7 || out != want {
		t.Fatalf("got %q, exit %d; want %q, exit 7", out, code, want)
	}
}

// TestWrapperHook: with stand-ins for the init functions, the wrapper
// sources Debian's when it exists, else Red Hat's, else none; the hook
// sees $0 and $1, may end the script with its own code (a hand-off), and
// sees SYSTEMCTL_SKIP_REDIRECT set when _SYSTEMCTL_SKIP_REDIRECT is.
func TestWrapperHook(t *testing.T) {
	dir := t.TempDir()
	hook := "echo \"$1 hook ${0##*/} $1 skip=${SYSTEMCTL_SKIP_REDIRECT:-}\"\n[ -z \"$FAKE_HANDOFF\" ] || exit 42\n"
	debian, redhat := filepath.Join(dir, "init-functions"), filepath.Join(dir, "functions")
	os.WriteFile(debian, []byte(strings.Replace(hook, "$1 hook", "debian", 1)), 0o644)
	os.WriteFile(redhat, []byte(strings.Replace(hook, "$1 hook", "redhat", 1)), 0o644)
	missing := filepath.Join(dir, "missing")

	both := []string{"/lib/lsb/init-functions", debian, "/etc/init.d/functions", redhat}
	out, code := runWrapper(t, both, nil, "start")
	if code != 7 || !strings.HasPrefix(out, "debian svc start skip=\n[svc]\n[start]\n") {
		t.Errorf("Debian's present: got %q, exit %d", out, code)
	}
	out, code = runWrapper(t, []string{"/lib/lsb/init-functions", missing, "/etc/init.d/functions", redhat}, nil, "stop")
	if code != 7 || !strings.HasPrefix(out, "redhat svc stop skip=\n[svc]\n[stop]\n") {
		t.Errorf("Red Hat's only: got %q, exit %d", out, code)
	}
	out, code = runWrapper(t, []string{"/lib/lsb/init-functions", missing, "/etc/init.d/functions", missing}, nil, "stop")
	if code != 7 || out != "[svc]\n[stop]\n" {
		t.Errorf("neither: got %q, exit %d", out, code)
	}
	out, code = runWrapper(t, both, []string{"FAKE_HANDOFF=1"}, "restart")
	if code != 42 || out != "debian svc restart skip=\n" {
		t.Errorf("hand-off: got %q, exit %d; want the hook's exit 42 and no lsbinit", out, code)
	}
	out, _ = runWrapper(t, both, []string{"_SYSTEMCTL_SKIP_REDIRECT=true"}, "status")
	if !strings.HasPrefix(out, "debian svc status skip=1\n") {
		t.Errorf("_SYSTEMCTL_SKIP_REDIRECT: got %q", out)
	}
	out, _ = runWrapper(t, both, []string{"SYSTEMCTL_SKIP_REDIRECT=yes"}, "status")
	if !strings.HasPrefix(out, "debian svc status skip=yes\n") {
		t.Errorf("SYSTEMCTL_SKIP_REDIRECT: got %q", out)
	}
}
