package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/scripttest"
)

// The promise (docs/how-it-works.md, "Concurrent actions: one after
// another"): actions on one service are linearizable: any mix of concurrent
// invocations behaves as if they ran one after another, and each returns
// the success code its action has in that order (never 1 because another
// invocation got in between)."
//
// Each test runs stressTrials trials. A trial starts from a random state
// (running or stopped), then runs stressActions random actions at once,
// each after a random delay of up to 30 ms, and checks:
//   - every exit code is one its action may return in some order: 0 for
//     start, stop, restart and try-restart, 0 or 7 for reload and
//     force-reload, 0 or 3 for status. The one documented exception: a
//     start that a concurrent stop cut short while it waited for
//     readiness exits 1 saying "stopped while starting";
//   - afterwards one daemon runs and its locked pidfile names it, or none
//     runs and there is no pidfile, and status agrees (0 or 3).
//
// On 2 cores with the race-built binaries one run of a test (3 trials of
// 24 actions) takes about 5 s; `go test -race -count=20 -run
// '^TestStressGeneric$'` takes about 1.5 minutes (measured: 93 and 98 s),
// and TestStressLibrary about 2 (104 and 113 s).
const (
	stressTrials  = 3
	stressActions = 24
)

var stressMix = []string{"start", "start", "stop", "stop", "restart", "try-restart",
	"reload", "force-reload", "status", "status"}

// stressOK lists the exit codes each action may return.
var stressOK = map[string][]int{
	"start": {0}, "stop": {0}, "restart": {0}, "try-restart": {0},
	"reload": {0, 7}, "force-reload": {0, 7}, "status": {0, 3},
}

func TestStressGeneric(t *testing.T) {
	t.Parallel()
	dir := testDir(t)
	stress(t, dir, genericCmd(t, dir))
}

func TestStressLibrary(t *testing.T) {
	t.Parallel()
	dir := testDir(t)
	stress(t, dir, libraryCmd(dir))
}

func stress(t *testing.T, dir string, cmd []string) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, seed>>1))
	for trial := range stressTrials {
		if rnd.IntN(2) == 0 {
			if r := run(dir, with(cmd, "start")...); r.code != 0 {
				t.Fatalf("trial %d: setting up: %s", trial, r)
			}
		}
		var actions []string
		var cmds [][]string
		var delays []time.Duration
		for range stressActions {
			a := stressMix[rnd.IntN(len(stressMix))]
			actions, cmds = append(actions, a), append(cmds, with(cmd, a))
			delays = append(delays, time.Duration(rnd.IntN(30))*time.Millisecond)
		}
		for i, r := range runConcurrently(dir, cmds, delays) {
			if !stressAllowed(actions, actions[i], r) {
				t.Errorf("trial %d, #%d of %v: %s", trial, i, actions, r)
			}
		}
		checkConsistent(t, dir, cmd, fmt.Sprintf("after trial %d", trial))
		if t.Failed() {
			t.FailNow()
		}
	}
	stopAndCheck(t, dir, cmd)
}

// stressAllowed reports whether r is an outcome action may have in a mix.
func stressAllowed(mix []string, action string, r result) bool {
	if r.err != nil {
		return false
	}
	if slices.Contains(stressOK[action], r.code) {
		return true
	}
	cutShort := r.code == 1 && strings.Contains(r.stderr, "stopped while starting")
	return cutShort && slices.Contains(mix, "stop") && action != "status" && action != "stop"
}

// checkConsistent checks the end state: one daemon named by a pidfile,
// and status 0; or no daemon, no pidfile, and status 3.
func checkConsistent(t *testing.T, dir string, cmd []string, when string) {
	t.Helper()
	pidFile := filepath.Join(dir, "svc.pid")
	_, err := os.Stat(pidFile)
	st := run(dir, with(cmd, "status")...)
	switch {
	case err == nil:
		checkOneDaemon(t, dir, when)
		if st.code != 0 {
			t.Errorf("%s: pidfile present, but status: %s", when, st)
		}
	case errors.Is(err, os.ErrNotExist):
		if got := scripttest.Daemons(dir); len(got) != 0 {
			t.Errorf("%s: daemons %v alive without a pidfile", when, got)
		}
		if st.code != 3 {
			t.Errorf("%s: no pidfile, but status: %s", when, st)
		}
	default:
		t.Fatal(err)
	}
	for _, leftover := range []string{"svc.pid.lsbinit.lock"} {
		if _, err := os.Stat(filepath.Join(dir, leftover)); err == nil {
			t.Errorf("%s: %s left behind", when, leftover)
		}
	}
}
