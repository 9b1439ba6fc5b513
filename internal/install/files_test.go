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
	w := wrapper("svc", []string{"/usr/sbin/lsbinit", "svc"}, testHeader, true)
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
		"# lsbinit hands the action to systemd, runit... itself, with LSB exit codes.",
		`[ -n "${SYSTEMCTL_SKIP_REDIRECT:-}" ] || { unset SYSTEMCTL_SKIP_REDIRECT; SYSTEMCTL_SKIP_REDIRECT=1; }`,
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
// arguments one a line, in brackets, then SYSTEMCTL_SKIP_REDIRECT as its
// environment has it, and exits 7, with the paths of the init functions
// replaced by repl (old, new pairs), and runs it with args and env.
func runWrapper(t *testing.T, repl []string, env []string, args ...string) (stdout string, code int) {
	t.Helper()
	dir := t.TempDir()
	stub := filepath.Join(dir, "lsb init") // a path that needs quoting
	os.WriteFile(stub, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\necho \"env=${SYSTEMCTL_SKIP_REDIRECT-unset}\"\nexit 7\n"), 0o755)
	w := strings.NewReplacer(repl...).Replace(wrapper("svc", []string{stub, "svc"}, testHeader, true))
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

// TestWrapperRunsLsbinit: whatever the real /lib/lsb/init-functions
// does when sourced, lsbinit gets exactly the arguments, its exit code is
// the script's, and it does not see the SYSTEMCTL_SKIP_REDIRECT that the
// wrapper sets for the hook alone.
func TestWrapperRunsLsbinit(t *testing.T) {
	out, code := runWrapper(t, nil, nil, "status", "two words", `$HOME`, "", "-q")
	want := "[svc]\n[status]\n[two words]\n[$HOME]\n[]\n[-q]\nenv=unset\n"
	if code != 7 || out != want {
		t.Fatalf("got %q, exit %d; want %q, exit 7", out, code, want)
	}
}

// TestWrapperHook: with stand-ins for the init functions, the wrapper
// sources Debian's when it exists, else Red Hat's, else none; the hook
// sees $0 and $1 and SYSTEMCTL_SKIP_REDIRECT set, so that it hands
// nothing to systemctl (lsbinit does); lsbinit sees the caller's
// SYSTEMCTL_SKIP_REDIRECT, and only the caller's. A hook may still end
// the script with its own code (Debian's does for a masked unit).
func TestWrapperHook(t *testing.T) {
	dir := t.TempDir()
	hook := "echo \"$1 hook ${0##*/} $1 skip=${SYSTEMCTL_SKIP_REDIRECT:-}\"\n[ -z \"$FAKE_MASKED\" ] || exit 0\n"
	debian, redhat := filepath.Join(dir, "init-functions"), filepath.Join(dir, "functions")
	os.WriteFile(debian, []byte(strings.Replace(hook, "$1 hook", "debian", 1)), 0o644)
	os.WriteFile(redhat, []byte(strings.Replace(hook, "$1 hook", "redhat", 1)), 0o644)
	missing := filepath.Join(dir, "missing")

	both := []string{"/lib/lsb/init-functions", debian, "/etc/init.d/functions", redhat}
	out, code := runWrapper(t, both, nil, "start")
	if code != 7 || out != "debian svc start skip=1\n[svc]\n[start]\nenv=unset\n" {
		t.Errorf("Debian's present: got %q, exit %d", out, code)
	}
	out, code = runWrapper(t, []string{"/lib/lsb/init-functions", missing, "/etc/init.d/functions", redhat}, nil, "stop")
	if code != 7 || out != "redhat svc stop skip=1\n[svc]\n[stop]\nenv=unset\n" {
		t.Errorf("Red Hat's only: got %q, exit %d", out, code)
	}
	out, code = runWrapper(t, []string{"/lib/lsb/init-functions", missing, "/etc/init.d/functions", missing}, nil, "stop")
	if code != 7 || out != "[svc]\n[stop]\nenv=unset\n" {
		t.Errorf("neither: got %q, exit %d", out, code)
	}
	out, code = runWrapper(t, both, []string{"FAKE_MASKED=1"}, "restart")
	if code != 0 || out != "debian svc restart skip=1\n" {
		t.Errorf("masked: got %q, exit %d; want the hook's exit 0 and no lsbinit", out, code)
	}
	out, _ = runWrapper(t, both, []string{"SYSTEMCTL_SKIP_REDIRECT=yes"}, "status")
	if out != "debian svc status skip=yes\n[svc]\n[status]\nenv=yes\n" {
		t.Errorf("SYSTEMCTL_SKIP_REDIRECT=yes: got %q", out)
	}
	out, _ = runWrapper(t, both, []string{"SYSTEMCTL_SKIP_REDIRECT="}, "status")
	if out != "debian svc status skip=1\n[svc]\n[status]\nenv=unset\n" {
		t.Errorf("SYSTEMCTL_SKIP_REDIRECT empty: got %q", out)
	}
}
