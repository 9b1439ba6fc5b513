package initd

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/pidfile"
)

// BenchmarkStatusRunning: the status action of a running service, in the
// process (its start-up, which bench/fleet.sh measures, aside): the
// probe of the pidfile's lock, the sidecar and the proofs of both PIDs.
// This process plays the supervisor and the daemon: it holds the
// pidfile's lock and is named in the sidecar.
func BenchmarkStatusRunning(b *testing.B) {
	dir := b.TempDir()
	c := &spec.Spec{Name: "svc", Path: "/bin/true", PidFile: filepath.Join(dir, "svc.pid"),
		LogFile: "none", Stdout: io.Discard, Stderr: io.Discard}
	if err := c.Complete(); err != nil {
		b.Fatal(err)
	}
	pf, err := pidfile.Acquire(c.LockPath(), pidfile.ReaderWait)
	if err != nil {
		b.Fatal(err)
	}
	defer pf.Remove()
	self := os.Getpid()
	start, _ := proc.StartTime(self)
	st := runstate.State{Supervisor: self, SupervisorStart: start, Daemon: self, DaemonStart: start, Phase: runstate.Ready}
	if err := runstate.Write(c.StateFile(), &st); err != nil {
		b.Fatal(err)
	}
	if err := pf.Write(self); err != nil {
		b.Fatal(err)
	}
	if code := Invoke(c, nil, []string{"-q", "status"}); code != exitcode.StatusRunning {
		b.Fatalf("status = %d, want %d", code, exitcode.StatusRunning)
	}
	for b.Loop() {
		Invoke(c, nil, []string{"-q", "status"})
	}
}
