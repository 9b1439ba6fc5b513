package supervisor

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// The health check's book (README, "Health checks"), on the fake clock of
// testing/synctest; the checks it runs are the test's. The ways a check
// really runs are tested in healthrun_test.go, and a whole supervisor
// running them in supervisor_test.go.

// healthSpec is a service with a health check of the given interval and
// retries, restarted on failure when respawn is set.
func healthSpec(interval time.Duration, retries int, respawn bool) *spec.Spec {
	c := &spec.Spec{HealthCommand: []string{"/bin/true"}, HealthInterval: interval, HealthRetries: retries}
	if respawn {
		c.Respawn = spec.RespawnOnFailure
	}
	return c
}

// isDue reports whether a check is due now, without waiting.
func isDue(h *health) bool {
	select {
	case <-h.due():
		return true
	default:
		return false
	}
}

// TestHealthSchedule checks that the first check is due one interval
// after the book is armed, that no second check is due while one runs,
// and that the next is due one interval after the previous one ended.
func TestHealthSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var h health
		h.reset(healthSpec(30*time.Second, 3, false))
		if h.word != spec.HealthPending || h.due() != nil {
			t.Fatalf("after reset: %q, due %v; want pending and nothing due", h.word, h.due())
		}
		h.arm()
		time.Sleep(30*time.Second - time.Millisecond)
		if isDue(&h) {
			t.Fatal("a check was due before one interval")
		}
		time.Sleep(time.Millisecond)
		<-h.due()
		h.begin(func(context.Context) healthResult {
			time.Sleep(5 * time.Second) // a slow check
			return healthResult{ok: true}
		})
		h.arm()
		if h.due() != nil {
			t.Fatal("a second check was due while one ran")
		}
		res := <-h.result()
		ended := time.Now()
		h.record(res, ended)
		h.arm()
		time.Sleep(30*time.Second - time.Millisecond)
		if isDue(&h) {
			t.Fatal("the next check was due before one interval after the previous one ended")
		}
		<-h.due()
		if waited := time.Since(ended); waited != 30*time.Second {
			t.Errorf("the next check was due %v after the previous one ended, want 30s", waited)
		}
		h.cancel()
	})
}

// record books one result and returns what it changed.
func record(h *health, ok bool) healthTurn {
	h.begin(func(context.Context) healthResult { return healthResult{ok: ok, output: "out"} })
	return h.record(<-h.result(), time.Now())
}

// TestHealthRetries checks that HEALTH_RETRIES failures in a row make the
// daemon unhealthy once, that it stays so while checks fail, and that one
// pass makes it healthy again with no failure counted.
func TestHealthRetries(t *testing.T) {
	var h health
	h.reset(healthSpec(time.Second, 3, false))
	want := []healthTurn{healthSame, healthSame, healthFailed, healthSame}
	for i, w := range want {
		if got := record(&h, false); got != w {
			t.Errorf("failure %d: %d, want %d", i+1, got, w)
		}
	}
	if h.word != spec.HealthUnhealthy || h.fails != 4 {
		t.Errorf("after 4 failures: %q, %d in a row", h.word, h.fails)
	}
	if got := record(&h, true); got != healthRecovered || h.word != spec.HealthHealthy || h.fails != 0 {
		t.Errorf("a pass after them: %d, %q, %d in a row", got, h.word, h.fails)
	}
	// Failures fewer than the retries leave a healthy daemon healthy.
	record(&h, false)
	if got := record(&h, true); got != healthSame || h.word != spec.HealthHealthy {
		t.Errorf("a pass after one failure: %d, %q", got, h.word)
	}
}

// TestHealthRestart checks that with RESPAWN the retries-th failure in a
// row asks for a restart, and that a reset for the new daemon starts
// afresh.
func TestHealthRestart(t *testing.T) {
	var h health
	c := healthSpec(time.Second, 2, true)
	h.reset(c)
	if record(&h, false) != healthSame || record(&h, false) != healthRestart {
		t.Fatal("the second failure in a row did not ask for a restart")
	}
	h.reset(c)
	if h.word != spec.HealthPending || h.fails != 0 || !h.at.IsZero() || h.output != "" {
		t.Errorf("after a reset: %q, %d in a row, at %v, output %q", h.word, h.fails, h.at, h.output)
	}
}

// TestHealthCancel checks that cancel ends the check under way once its
// runner has returned, and drops the next check's time.
func TestHealthCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var h health
		h.reset(healthSpec(time.Second, 3, false))
		h.arm()
		<-h.due()
		ended := false
		h.begin(func(ctx context.Context) healthResult {
			<-ctx.Done()
			time.Sleep(time.Second) // killing and reaping takes a while
			ended = true
			return healthResult{output: "cancelled"}
		})
		h.cancel()
		if !ended {
			t.Error("cancel returned before the check's runner did")
		}
		if h.result() != nil || h.due() != nil {
			t.Error("a check is under way or due after cancel")
		}
		h.arm()
		h.cancel()
		if h.due() != nil {
			t.Error("a check is due after cancel")
		}
	})
}

// TestHealthOff checks that a service without a check never has one due,
// and says nothing of its health.
func TestHealthOff(t *testing.T) {
	var h health
	h.reset(&spec.Spec{HealthInterval: time.Second, HealthRetries: 3})
	h.arm()
	if h.due() != nil || h.word != "" {
		t.Errorf("without a check: due %v, word %q", h.due(), h.word)
	}
}
