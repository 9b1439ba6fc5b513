package supervisor

import (
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// StopGrace covers what the supervisor does after the schedule: a grace
// for its leftovers' TERM and one for their KILL, and a second to spare.
func TestStopGraceCoversLeftovers(t *testing.T) {
	if need := 2*leftoverGrace + time.Second; spec.StopGrace < need {
		t.Fatalf("spec.StopGrace %v < %v", spec.StopGrace, need)
	}
}
