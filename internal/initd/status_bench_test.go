package initd

import (
	"testing"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/runstate"
)

// BenchmarkStatusRunning: the status action of a running service, in the
// process (its start-up, which bench/fleet.sh measures, aside): the
// probe of the pidfile's lock, the sidecar and the proofs of both PIDs.
// This process plays the supervisor and the daemon: it holds the
// pidfile's lock and is named in the sidecar.
func BenchmarkStatusRunning(b *testing.B) {
	c := runningWith(b, runstate.State{})
	if code := Invoke(c, nil, []string{"-q", "status"}); code != exitcode.StatusRunning {
		b.Fatalf("status = %d, want %d", code, exitcode.StatusRunning)
	}
	for b.Loop() {
		Invoke(c, nil, []string{"-q", "status"})
	}
}
