package unit

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// shellSyntax checks script with sh -n and returns its file.
func shellSyntax(t *testing.T, script string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("sh", "-n", file).CombinedOutput(); err != nil {
		t.Fatalf("sh -n: %v\n%s\n%s", err, out, script)
	}
	return file
}

// runScript sources an openrc-run script in sh with the helpers
// openrc-run gives it replaced by functions that print their call, then
// runs cmd.
func runScript(t *testing.T, script, cmd string) string {
	t.Helper()
	file := shellSyntax(t, script)
	stubs := `need() { echo need "$@"; }; use() { echo use "$@"; }; after() { echo after "$@"; }
`
	out, err := exec.Command("sh", "-c", stubs+". "+file+"; "+cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("sh -c %q: %v\n%s", cmd, err, out)
	}
	return string(out)
}

func TestOpenRC(t *testing.T) {
	for name, conf := range configs {
		t.Run(name, func(t *testing.T) {
			script := generate(t, "svc", conf, "openrc")
			if !strings.HasPrefix(script, "#!/sbin/openrc-run\n") {
				t.Errorf("first line: %q", lines(script)[0])
			}
			deps := runScript(t, script, "depend")
			// reload always: lsbinit answers 3 when it is unsupported.
			if !strings.Contains(script, "\nextra_commands=reload\n") {
				t.Errorf("no extra_commands=reload")
			}
			// Every action calls lsbinit with the config that wrote it.
			for _, fn := range []string{"start", "status", "reload"} {
				if !strings.Contains(script, "\n"+fn+"() {\n\t") || !strings.Contains(script, "/svc.conf "+fn+"\n}") {
					t.Errorf("%s() does not run lsbinit -c .../svc.conf %s:\n%s", fn, fn, script)
				}
			}
			// stop() restarts when OpenRC restarts.
			exe, _ := Executable()
			stop := runScript(t, strings.ReplaceAll(script, exe, "echo"), "RC_CMD=restart stop; RC_CMD=condrestart stop; RC_CMD=stop stop; RC_CMD= stop")
			if got := regexp.MustCompile(`(?m) (\w+)$`).FindAllStringSubmatch(stop, -1); len(got) != 4 ||
				got[0][1] != "restart" || got[1][1] != "restart" || got[2][1] != "stop" || got[3][1] != "stop" {
				t.Errorf("stop() under RC_CMD restart, condrestart, stop, none: %q", stop)
			}
			want := map[string]string{
				"defaults": "use localmount netmount logger\nafter localmount netmount logger\n",
				"full":     "need postgresql\nuse net localmount netmount logger ntp-client dns redis rpcbind\nafter net localmount netmount logger ntp-client dns redis rpcbind\n",
				"noreload": "use localmount netmount logger\nafter localmount netmount logger\n",
				"manual":   "",
			}[name]
			if deps != want {
				t.Errorf("depend():\n%s\nwant:\n%s", deps, want)
			}
			if name == "full" && !strings.Contains(script, `description='A <daemon> & "friends" 100% $x \ y'`) {
				t.Errorf("description not quoted for sh:\n%s", script)
			}
		})
	}
}

func TestRunit(t *testing.T) {
	for name, conf := range configs {
		t.Run(name, func(t *testing.T) {
			out := generate(t, "svc", conf, "runit")
			run, finish, ok := strings.Cut(out, "\n# ==> finish <==\n")
			if !ok {
				t.Fatalf("no finish script after run:\n%s", out)
			}
			shellSyntax(t, run)
			last := lines(run)[len(lines(run))-1]
			if !strings.HasPrefix(last, "exec /") || !strings.HasSuffix(last, "/svc.conf run") {
				t.Errorf("run's last line: %q", last)
			}
			respawn := strings.Contains(conf, "RESPAWN=") && !strings.Contains(conf, "RESPAWN=no")
			// finish, run as runsv runs it: in the service directory, with
			// run's exit status; sv is a stand-in that prints its call.
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "sv"), []byte("#!/bin/sh\necho sv \"$@\"\n"), 0o755)
			file := filepath.Join(dir, "finish")
			os.WriteFile(file, []byte(finish), 0o755)
			for _, status := range []string{"0", "1", "-1"} {
				cmd := exec.Command(file, status, "9")
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "PWD="+dir)
				got, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("finish %s: %v %s", status, err, got)
				}
				want := ""
				if !respawn && status != "0" {
					want = "sv down " + dir + "\n"
				}
				if string(got) != want {
					t.Errorf("finish %s: %q, want %q", status, got, want)
				}
			}
		})
	}
}

// -o into a directory that does not exist yet (runit's /etc/sv/NAME)
// makes it, and writes run and finish there, both executable.
func TestOutputMakesDirectory(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("DAEMON=/bin/sleep\nPIDFILE="+dir+"/x.pid\nLOGFILE="+dir+"/x.log\n"), 0o644)
	runFile := filepath.Join(dir, "sv", "svc", "run")
	if code, _, stderr := run("-c", conf, "--for", "runit", "-o", runFile); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"run", "finish"} {
		info, err := os.Stat(filepath.Join(dir, "sv", "svc", f))
		if err != nil || info.Mode().Perm() != 0o755 {
			t.Errorf("%s: %v, mode %v", f, err, info)
		}
	}
}
