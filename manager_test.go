package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/scripttest"
)

// TestRunUnderUpstart: upstart's `expect stop` waits for the job to stop
// itself with SIGSTOP once ready; `run` does that when UPSTART_JOB is set,
// and carries on when continued.
func TestRunUnderUpstart(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("DAEMON="+filepath.Join(scripttest.BinDir, "testdaemon")+"\n"+
		"DAEMON_ARGS=\"-tag "+dir+" -every 50ms\"\n"+
		"PIDFILE="+dir+"/svc.pid\nLOGFILE="+dir+"/svc.log\nSTOP_SCHEDULE=TERM/5/KILL/2\n"), 0o644)
	cmd := exec.Command(filepath.Join(scripttest.BinDir, "lsbinit"), "-c", conf, "run")
	cmd.Env = append(os.Environ(), "UPSTART_JOB=svc", "GORACE="+goraceFor(filepath.Join(dir, "race")))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if !waitState(cmd.Process.Pid, 'T', 10*time.Second) {
		t.Fatalf("run did not stop itself once ready; output:\n%s", out.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "svc.pid")); err != nil || len(b) < 2 {
		t.Fatalf("stopped before the daemon was recorded: %q, %v", b, err)
	}
	cmd.Process.Signal(syscall.SIGCONT)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGCONT and SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not end after SIGCONT and SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(dir, "svc.pid")); !os.IsNotExist(err) {
		t.Fatal("pidfile left behind")
	}
}

// waitState waits for pid's state letter to be s.
func waitState(pid int, s byte, d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		st := scripttest.ProcState(pid)
		if st == "" {
			return false
		}
		if st[0] == s {
			return true
		}
	}
	return false
}
