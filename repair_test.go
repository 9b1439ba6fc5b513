package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lsbinit/lsbinit/internal/scripttest"
	"golang.org/x/sys/unix"
)

// When the supervisor cannot put a removed pidfile back (docs/how-it-works.md,
// "When files under a running service are removed or changed"): here
// its directory is a file system with no room left. Meanwhile status
// still tells the truth from the sidecar and start starts nothing; the
// log says once that the repair failed; and once there is room again,
// the pidfile is back without any other change to wake the supervisor.
func TestRepairWhenDiskFull(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root, to mount a small file system")
	}
	dir := testDir(t)
	runDir := filepath.Join(dir, "run")
	if err := os.Mkdir(runDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", runDir, "tmpfs", 0, "size=256k,mode=0755"); err != nil {
		t.Fatalf("mount a tmpfs on %s: %v", runDir, err)
	}
	t.Cleanup(func() { unix.Unmount(runDir, unix.MNT_DETACH) })
	cmd := confCmd(t, dir, "run/svc.pid", "-every 100ms")
	if r := run(dir, with(cmd, "start")...); r.code != 0 {
		t.Fatalf("start: %s", r)
	}
	st := waitPhase(t, runDir, "ready")
	pid := filepath.Join(runDir, "svc.pid")

	// The supervisor is stopped while the pidfile goes and the room with
	// it, so that it cannot put the file back before the disk is full.
	syscall.Kill(st["supervisor"], syscall.SIGSTOP)
	os.Remove(pid)
	fill(t, filepath.Join(runDir, "fill"))
	syscall.Kill(st["supervisor"], syscall.SIGCONT)
	log := filepath.Join(dir, "svc.log")
	waitLogged(t, log, "lsbinit: cannot restore ")

	want := fmt.Sprintf("svc is running (pid %d)\n", st["daemon"])
	if r := run(dir, with(cmd, "status")...); r.code != 0 || r.stdout != want {
		t.Errorf("status without the pidfile: %s, want exit 0 and %q", r, want)
	}
	if r := run(dir, with(cmd, "start")...); r.code != 0 || !strings.Contains(r.stdout, "already running") {
		t.Errorf("start without the pidfile: %s", r)
	}
	if got := scripttest.Daemons(dir); len(got) != 1 {
		t.Errorf("daemons: %v, want one", got)
	}

	os.Remove(filepath.Join(runDir, "fill"))
	logged := waitLogged(t, log, "lsbinit: restored ")
	if n := strings.Count(logged, "lsbinit: cannot restore "); n != 1 {
		t.Errorf("%d lines say a repair failed, want 1:\n%s", n, logged)
	}
	if got, err := scripttest.ReadPidFile(pid); err != nil || got != st["daemon"] {
		t.Errorf("pidfile after room was made: %d, %v; want %d", got, err, st["daemon"])
	}
	if r := run(dir, with(cmd, "stop")...); r.code != 0 || len(scripttest.Daemons(dir)) != 0 {
		t.Errorf("stop: %s", r)
	}
}

// fill writes path until its file system has no room left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !strings.Contains(err.Error(), "no space left") {
				t.Fatalf("filling %s: %v", path, err)
			}
			return
		}
	}
}
