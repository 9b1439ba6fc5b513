package runstate

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHealthRoundTrip checks that the health fields read back as written,
// a check's output kept by Output included: the supervisor compares what
// it reads with what it wrote to see whether the sidecar was touched
// (README, "Health checks").
func TestHealthRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.pid.lsbinit")
	long := strings.Repeat("curl: (7) Failed\nto connect ", 200)
	for _, out := range []string{"", "ok", long, strings.Repeat("é", 700)} {
		st := State{Supervisor: 10, Phase: Ready, Reloads: 0, Health: "unhealthy", HealthFails: 3,
			HealthAt: 1796627783165, HealthOutput: Output(out)}
		if len(st.HealthOutput) > MaxOutput || strings.Contains(st.HealthOutput, "\n") {
			t.Errorf("Output kept %d bytes, with a line break: %q", len(st.HealthOutput), st.HealthOutput)
		}
		if err := Write(path, &st); err != nil {
			t.Fatal(err)
		}
		got, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if *got != st {
			t.Errorf("read back\n%+v\nwrote\n%+v", *got, st)
		}
	}
	// No check: no health field is written.
	if b := string((&State{Supervisor: 10}).Encode()); strings.Contains(b, "health") {
		t.Errorf("a sidecar without a check says %q", b)
	}
}
