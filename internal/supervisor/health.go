package supervisor

import (
	"context"
	"fmt"
	"time"

	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Health checks (README, "Health checks"): while the daemon is ready, and
// only then, the supervisor checks it every HEALTH_INTERVAL, counted from
// the end of the previous check (the first from when the daemon became
// ready), one check at a time: a Go program's Health, asked over its
// health channel, or HEALTH_CMD, run as the daemon's user. A stop, a
// restart or the daemon's end cancels the check under way. The sidecar
// records each result. HEALTH_RETRIES failures in a row make the daemon
// unhealthy; with RESPAWN it is then stopped by the stop schedule and
// started again through the respawn back-off.

// health is the book of the current daemon's health check: when the next
// check is due, the one under way, and what the checks found.
type health struct {
	on       bool          // the service has a check
	interval time.Duration // HEALTH_INTERVAL
	retries  int           // HEALTH_RETRIES
	restarts bool          // RESPAWN: restart a daemon that turns unhealthy

	timer *time.Timer // the next check's, while one is due
	run   *healthRun  // the check under way, or nil

	word   string    // spec.HealthPending, HealthHealthy, HealthUnhealthy; "" when off
	fails  int       // checks failed in a row
	at     time.Time // when the last check ended
	output string    // what it said
}

// healthRun is one check under way, on a goroutine of its own.
type healthRun struct {
	cancel context.CancelFunc
	done   chan healthResult // its one result
}

// healthResult is what one check found; output says why it failed.
type healthResult struct {
	ok     bool
	output string
}

// healthTurn is what a check's result changed.
type healthTurn int

const (
	healthSame      healthTurn = iota
	healthFailed               // the daemon turned unhealthy
	healthRecovered            // an unhealthy daemon passed a check
	healthRestart              // it turned unhealthy, and RESPAWN restarts it
)

// reset starts the book afresh for a new daemon of c: pending, no
// failure, no check due until arm.
func (h *health) reset(c *spec.Spec) {
	h.cancel()
	*h = health{on: c.HealthChecked(), interval: c.HealthInterval, retries: c.HealthRetries,
		restarts: c.Respawn != spec.RespawnNo}
	if h.on {
		h.word = spec.HealthPending
	}
}

// arm makes the next check due one interval from now, unless one is due
// or under way already.
func (h *health) arm() {
	if h.on && h.timer == nil && h.run == nil {
		h.timer = time.NewTimer(h.interval)
	}
}

// due is the channel of the next check's time, nil when none is due.
func (h *health) due() <-chan time.Time {
	if h.timer == nil {
		return nil
	}
	return h.timer.C
}

// begin starts the check that is due: check runs on a goroutine of its
// own until it has a result, or until its context is cancelled (cancel).
func (h *health) begin(check func(ctx context.Context) healthResult) {
	h.timer = nil
	ctx, cancel := context.WithCancel(context.Background())
	run := &healthRun{cancel: cancel, done: make(chan healthResult, 1)}
	h.run = run
	go func() { run.done <- check(ctx) }()
}

// result is the channel of the result of the check under way, nil when
// none is.
func (h *health) result() <-chan healthResult {
	if h.run == nil {
		return nil
	}
	return h.run.done
}

// record books the result of the check under way, which ended at now,
// and says what it changed.
func (h *health) record(res healthResult, now time.Time) healthTurn {
	h.run.cancel()
	h.run = nil
	h.at, h.output = now, res.output
	was := h.word
	if res.ok {
		h.fails, h.word = 0, spec.HealthHealthy
		if was == spec.HealthUnhealthy {
			return healthRecovered
		}
		return healthSame
	}
	h.fails++
	if h.fails < h.retries {
		return healthSame
	}
	h.word = spec.HealthUnhealthy
	switch {
	case h.restarts:
		return healthRestart
	case was != spec.HealthUnhealthy:
		return healthFailed
	}
	return healthSame
}

// cancel ends the check under way, if any, once its runner has ended it
// (a HEALTH_CMD killed and reaped), and drops the next check's time.
func (h *health) cancel() {
	if h.run != nil {
		h.run.cancel()
		<-h.run.done
		h.run = nil
	}
	if h.timer != nil {
		h.timer.Stop()
		h.timer = nil
	}
}

// resetHealth starts the health check afresh for the daemon being
// recorded, in sv.state.
func (sv *Supervisor) resetHealth() {
	sv.health.reset(sv.c)
	sv.putHealth()
}

// putHealth copies the book's findings into sv.state.
func (sv *Supervisor) putHealth() {
	h := &sv.health
	sv.state.Health, sv.state.HealthFails, sv.state.HealthOutput = h.word, h.fails, runstate.Output(h.output)
	sv.state.HealthAt = 0
	if !h.at.IsZero() {
		sv.state.HealthAt = h.at.UnixMilli()
	}
}

// checkHealth begins the check that is due.
func (sv *Supervisor) checkHealth() {
	if sv.c.Health != nil {
		sv.health.begin(sv.d.health.ask(sv.c.HealthTimeout))
		return
	}
	sv.health.begin(sv.startHealthCommand())
}

// healthChecked records a check's result in the sidecar and acts on it:
// it says in the log when the daemon turns unhealthy or recovers, and
// restarts one that turned unhealthy when RESPAWN is set. It reports
// false when a stop came meanwhile (everything is cleaned up then).
func (sv *Supervisor) healthChecked(res healthResult) bool {
	h := &sv.health
	turn := h.record(res, time.Now())
	sv.putHealth()
	runstate.Write(sv.c.StateFile(), &sv.state)
	switch turn {
	case healthFailed:
		sv.logf("lsbinit: %s (pid %d) is unhealthy: failed %s in a row%s\n",
			sv.c.Name, sv.state.Daemon, healthChecks(h.fails), sv.lastCheck())
	case healthRecovered:
		sv.logf("lsbinit: %s (pid %d) is healthy again\n", sv.c.Name, sv.state.Daemon)
	case healthRestart:
		return sv.restartUnhealthy()
	}
	return true
}

// restartUnhealthy stops the daemon that failed HEALTH_RETRIES checks in
// a row by the stop schedule, and starts a new one through the respawn
// back-off, as a respawn. It reports false when a stop came meanwhile.
func (sv *Supervisor) restartUnhealthy() bool {
	fails := sv.health.fails
	sv.logf("lsbinit: %s (pid %d) failed %s in a row; restarting%s\n",
		sv.c.Name, sv.state.Daemon, healthChecks(fails), sv.lastCheck())
	sv.setPhase(runstate.Restarting) // a stop meanwhile is remembered
	sv.stopDaemon()
	if sv.swap.stopPending {
		sv.cleanup()
		return false
	}
	return sv.respawn(fmt.Sprintf("stopped after failing %s in a row", healthChecks(fails)))
}

// healthChecks is "1 health check", "3 health checks".
func healthChecks(n int) string {
	if n == 1 {
		return "1 health check"
	}
	return fmt.Sprintf("%d health checks", n)
}

// lastCheck is what the last check said, for a log line: " (last: ...)",
// or "" when it said nothing.
func (sv *Supervisor) lastCheck() string {
	if sv.state.HealthOutput == "" {
		return ""
	}
	return " (last: " + sv.state.HealthOutput + ")"
}
