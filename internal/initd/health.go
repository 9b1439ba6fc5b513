package initd

import (
	"fmt"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// The health check as the operator sees it (README, "Health checks"):
// plain status keeps its LSB code, 0 while the daemon runs whatever its
// health, and adds ", unhealthy" to its line; status -v, --json and list
// --json tell the rest, from the sidecar the supervisor keeps.

// Health reports, without printing anything, whether the service c (as
// resolved: complete) is running and what its health check found, for
// operator-side code that watches services (a container's health verb,
// say). running is true when status would exit 0: the daemon runs, or is
// starting or being replaced. health is "" when the service has no
// health check or no supervisor checks its daemon, else pending (no
// result yet for this daemon, which may still be starting), healthy or
// unhealthy. detail is one line for a message: status's line, then the
// checks failed in a row and the last check's output, when there are any.
func Health(c *spec.Spec) (running bool, health, detail string) {
	s := &service{c}
	in := s.probe()
	detail, code := s.statusLine(in)
	health = in.health()
	if health != "" && in.kind == kRunning {
		if n := in.state.HealthFails; n > 0 {
			detail += fmt.Sprintf("; %s in a row", failedChecks(n))
		}
		if out := in.state.HealthOutput; out != "" {
			detail += "; last check: " + out
		}
	}
	return code == exitcode.StatusRunning, health, detail
}

// health is the health check's word for what probe found: the sidecar's
// while a supervisor checks the running daemon, pending while it starts
// or replaces one, "" otherwise.
func (in instance) health() string {
	switch {
	case !in.supervised() || in.state.Health == "":
		return ""
	case in.kind == kRunning && !in.stopping():
		return in.state.Health
	case in.kind == kStarting:
		return spec.HealthPending
	}
	return ""
}

// unhealthy reports whether the running daemon failed HEALTH_RETRIES
// checks in a row, and has passed none since.
func (in instance) unhealthy() bool { return in.health() == spec.HealthUnhealthy }

// health fills in what the health check found.
func (r *Report) health(c *spec.Spec, in instance) {
	if r.Health = in.health(); r.Health == "" || in.kind != kRunning {
		return
	}
	st := in.state
	r.HealthFailures, r.HealthRetries, r.HealthOutput = st.HealthFails, c.HealthRetries, st.HealthOutput
	if st.HealthAt > 0 {
		at := time.UnixMilli(st.HealthAt)
		r.HealthCheckedAt = &at
	}
}

// healthLine is status -v's Health line: the word, the checks failed in
// a row, and when the last one ended.
func healthLine(rep Report, now time.Time) string {
	s := rep.Health
	switch {
	case rep.HealthFailures == 0:
	case rep.Health == spec.HealthUnhealthy:
		s += fmt.Sprintf(" (%s in a row)", failedChecks(rep.HealthFailures))
	default:
		s += fmt.Sprintf(" (%s in a row; unhealthy at %d)", failedChecks(rep.HealthFailures), rep.HealthRetries)
	}
	if rep.HealthCheckedAt != nil {
		s += "; checked " + when(*rep.HealthCheckedAt, now)
	}
	return s
}

// failedChecks is "1 failed check", "3 failed checks".
func failedChecks(n int) string {
	if n == 1 {
		return "1 failed check"
	}
	return fmt.Sprintf("%d failed checks", n)
}
