package initd

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/pidfile"
)

// runningWith makes this process the supervisor and the daemon of a
// running service whose sidecar records the health fields of health, and
// returns the service.
func runningWith(t testing.TB, health runstate.State) *spec.Spec {
	t.Helper()
	c := &spec.Spec{Name: "svc", Path: "/bin/true", PidFile: filepath.Join(t.TempDir(), "svc.pid"),
		LogFile: "none", Stdout: io.Discard, Stderr: io.Discard}
	if err := c.Complete(); err != nil {
		t.Fatal(err)
	}
	pf, err := pidfile.Acquire(c.LockPath(), pidfile.ReaderWait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pf.Remove() })
	self := os.Getpid()
	start, _ := proc.StartTime(self)
	st := health
	st.Supervisor, st.SupervisorStart, st.Daemon, st.DaemonStart, st.Phase = self, start, self, start, runstate.Ready
	if err := runstate.Write(c.StateFile(), &st); err != nil {
		t.Fatal(err)
	}
	if err := pf.Write(self); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHealthUnhealthy checks what status, its report and Health say of
// an unhealthy daemon: still running (exit 0), the word added to the line
// (README, "Health checks").
func TestHealthUnhealthy(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 29, 58, 0, time.UTC)
	c := runningWith(t, runstate.State{Health: "unhealthy", HealthFails: 4, HealthAt: at.UnixMilli(),
		HealthOutput: "exited with status 7: connection refused"})
	running, health, detail := Health(c)
	pid := os.Getpid()
	want := "svc is running (pid " + strconv.Itoa(pid) + "), unhealthy; 4 failed checks in a row; last check: exited with status 7: connection refused"
	if !running || health != "unhealthy" || detail != want {
		t.Errorf("Health = %v, %q, %q; want true, unhealthy, %q", running, health, detail, want)
	}
	rep := Inspect(c, proc.Snapshot(), 0)
	if rep.Status != 0 || rep.Line != "svc is running (pid "+strconv.Itoa(pid)+"), unhealthy" {
		t.Errorf("status %d, line %q", rep.Status, rep.Line)
	}
	if rep.HealthCheckedAt == nil || !rep.HealthCheckedAt.Equal(at) {
		t.Fatalf("checked at %v, want %v", rep.HealthCheckedAt, at)
	}
	utc := rep.HealthCheckedAt.UTC() // as this test spells it, whatever the local zone
	rep.HealthCheckedAt = &utc
	b, _ := json.Marshal(rep)
	for _, field := range []string{`"health":"unhealthy"`, `"health_failures":4`, `"health_retries":3`,
		`"health_checked_at":"2026-12-06T14:29:58Z"`, `"health_output":"exited with status 7: connection refused"`} {
		if !strings.Contains(string(b), field) {
			t.Errorf("status --json lacks %s: %s", field, b)
		}
	}
	var v strings.Builder
	WriteVerbose(&v, rep, false, at.Add(2*time.Second))
	wantLines := "      Health: unhealthy (4 failed checks in a row); checked Sun 2026-12-06 14:29:58 UTC; 2s ago\n" +
		"              exited with status 7: connection refused\n"
	if !strings.Contains(v.String(), wantLines) {
		t.Errorf("status -v:\n%s\nlacks:\n%s", v.String(), wantLines)
	}
}

// TestHealthHealthyOrNone checks that a healthy daemon's line, and one
// without a check, are status's usual line, and that --json leaves out
// the health of a service that has no check.
func TestHealthHealthyOrNone(t *testing.T) {
	line := "svc is running (pid " + strconv.Itoa(os.Getpid()) + ")"
	c := runningWith(t, runstate.State{Health: "healthy", HealthFails: 1, HealthAt: time.Now().UnixMilli(), HealthOutput: "slow"})
	if running, health, detail := Health(c); !running || health != "healthy" || detail != line+"; 1 failed check in a row; last check: slow" {
		t.Errorf("healthy: Health = %v, %q, %q", running, health, detail)
	}
	rep := Inspect(c, proc.Snapshot(), 0)
	if rep.Line != line || !strings.HasPrefix(healthLine(rep, time.Now()), "healthy (1 failed check in a row; unhealthy at 3); checked ") {
		t.Errorf("healthy: line %q, status -v %q", rep.Line, healthLine(rep, time.Now()))
	}
	c = runningWith(t, runstate.State{})
	if running, health, detail := Health(c); !running || health != "" || detail != line {
		t.Errorf("no check: Health = %v, %q, %q", running, health, detail)
	}
	b, _ := json.Marshal(Inspect(c, proc.Snapshot(), 0))
	if strings.Contains(string(b), `"health"`) || strings.Contains(string(b), `"health_checked_at"`) {
		t.Errorf("status --json of a service without a check: %s", b)
	}
}

// TestHealthStopped checks that a service that does not run has no
// health, and says so.
func TestHealthStopped(t *testing.T) {
	c := &spec.Spec{Name: "svc", Path: "/bin/true", PidFile: filepath.Join(t.TempDir(), "svc.pid"), LogFile: "none"}
	if err := c.Complete(); err != nil {
		t.Fatal(err)
	}
	if running, health, detail := Health(c); running || health != "" || detail != "svc is not running" {
		t.Errorf("Health = %v, %q, %q", running, health, detail)
	}
}
