package supervisor

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// book is a reloads whose results are collected, as the sidecar counts
// them.
func book() (*reloads, *[]string) {
	var seen []string
	return newReloads(func(why string) { seen = append(seen, why) }), &seen
}

// exitStatus is the wait status of a real process that exited with code.
func exitStatus(t *testing.T, code string) error {
	t.Helper()
	err := exec.Command("/bin/sh", "-c", "exit "+code).Run()
	if err == nil {
		t.Fatal("sh exited 0")
	}
	return err
}

// TestReloadsReported checks that each report line sees one reload
// through, an "error: " line failing it with its message.
func TestReloadsReported(t *testing.T) {
	r, seen := book()
	r.passed(true)
	r.passed(true)
	r.reported("ok")
	r.reported("error: bad config line 3")
	if want := []string{"", "bad config line 3"}; !slices.Equal(*seen, want) {
		t.Errorf("results %q, want %q", *seen, want)
	}
	if r.unreported != 0 {
		t.Errorf("unreported = %d after both reports", r.unreported)
	}
	// A report with nothing outstanding (a reload the daemon did itself)
	// still counts, and the book does not go negative.
	r.reported("ok")
	if r.unreported != 0 || len(*seen) != 3 {
		t.Errorf("unreported %d, %d results", r.unreported, len(*seen))
	}
}

// TestReloadsGrace checks that a reload sent to a daemon that reports
// nothing is through only once the daemon outlived ReloadGrace, and that
// a second reload extends the grace.
func TestReloadsGrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, seen := book()
		if r.graceOver() != nil {
			t.Fatal("a grace runs with no reload")
		}
		r.passed(false)
		time.Sleep(ReloadGrace / 2)
		r.passed(false)
		time.Sleep(ReloadGrace * 3 / 4) // past the first grace, not the second
		select {
		case <-r.graceOver():
			t.Fatal("the grace ended early: a second reload must extend it")
		default:
		}
		<-r.graceOver()
		r.through()
		if want := []string{"", ""}; !slices.Equal(*seen, want) {
			t.Errorf("results %q, want %q", *seen, want)
		}
		if r.graceOver() != nil {
			t.Error("a grace still runs after the reloads were through")
		}
	})
}

// TestReloadsDaemonDied checks that a daemon ending within the grace
// fails every watched reload with how it ended, and that one not yet
// reported fails once.
func TestReloadsDaemonDied(t *testing.T) {
	status := exitStatus(t, "3")
	r, seen := book()
	r.passed(false)
	r.passed(false)
	r.passed(true)
	r.passed(true)
	r.ended(42, status, false)
	if len(*seen) != 3 {
		t.Fatalf("results %q, want 3", *seen)
	}
	for _, why := range (*seen)[:2] {
		if !strings.Contains(why, "pid 42") || !strings.Contains(why, "3") || !strings.Contains(why, "of the reload signal") {
			t.Errorf("grace failure %q does not say pid 42 ended with status 3 after the signal", why)
		}
	}
	if why := (*seen)[2]; why != "pid 42 ended before it reported the reload" {
		t.Errorf("unreported failure %q", why)
	}
	if r.watching != 0 || r.unreported != 0 || r.graceOver() != nil {
		t.Errorf("book not empty: watching %d, unreported %d", r.watching, r.unreported)
	}
	r.ended(42, status, false)
	if len(*seen) != 3 {
		t.Errorf("a second end saw reloads through again: %q", *seen)
	}
}

// TestReloadsSuperseded checks that a stop or restart that ends the
// daemon sees its open reloads through as successes.
func TestReloadsSuperseded(t *testing.T) {
	r, seen := book()
	r.passed(false)
	r.passed(true)
	r.ended(7, exitStatus(t, "1"), true)
	if want := []string{"", ""}; !slices.Equal(*seen, want) {
		t.Errorf("results %q, want %q", *seen, want)
	}
}

// TestDaemonRunHeldReloads checks that a Go daemon that does not catch
// the reload signal yet holds reloads back until it does, and that a
// daemon that needs no catching takes them at once.
func TestDaemonRunHeldReloads(t *testing.T) {
	var plain daemonRun
	if !plain.catchesReload() || plain.heldBack() != nil {
		t.Error("a daemon without a catching channel must take the signal at once")
	}
	catching := make(chan struct{})
	d := daemonRun{catching: catching}
	if d.catchesReload() {
		t.Error("catchesReload before the daemon caught the signal")
	}
	if d.heldBack() != nil {
		t.Error("heldBack with nothing held")
	}
	d.held = 2
	select {
	case <-d.heldBack():
		t.Fatal("held reloads released before the daemon catches the signal")
	default:
	}
	close(catching)
	if !d.catchesReload() {
		t.Error("catchesReload after the channel closed")
	}
	<-d.heldBack()
	d.dead = true
	if d.heldBack() != nil {
		t.Error("a dead daemon's held reloads must not be sent")
	}
}
