package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/scripttest"
	"golang.org/x/sys/unix"
)

// The promise (docs/how-it-works.md, "When an lsbinit process is
// killed"): any lsbinit process killed at any moment, afterwards status
// tells the truth, stop stops the daemon, start starts exactly one.
//
// Each trial runs chaosActions random actions at once while a killer
// sends SIGKILL, every 20-120 ms, to a random lsbinit process of the
// service (an invoking command or a supervisor; never the daemon). The
// killed invocations' codes say nothing; what must hold afterwards is:
// stop exits 0 and leaves no daemon and none of the service's files, then
// status exits 3, start exits 0 with exactly one daemon named by the
// pidfile, and status exits 0. One run (4 trials) takes about 3 s on 2
// cores with the race-built binaries; `go test -race -count=20 -run
// '^TestChaos'` (both tests) about 1.5 minutes (measured: 85 s).
const (
	chaosTrials  = 4
	chaosActions = 16
)

func TestChaosGeneric(t *testing.T) {
	t.Parallel()
	dir := testDir(t)
	chaos(t, dir, genericCmd(t, dir), "lsbinit")
}

func TestChaosLibrary(t *testing.T) {
	t.Parallel()
	dir := testDir(t)
	chaos(t, dir, libraryCmd(dir), "lsbdaemon")
}

func chaos(t *testing.T, dir string, cmd []string, prog string) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, seed>>1))
	for trial := range chaosTrials {
		var cmds [][]string
		var delays []time.Duration
		for range chaosActions {
			cmds = append(cmds, with(cmd, stressMix[rnd.IntN(len(stressMix))]))
			delays = append(delays, time.Duration(rnd.IntN(200))*time.Millisecond)
		}
		done := make(chan struct{})
		var wg sync.WaitGroup
		killSeed := rnd.Uint64()
		wg.Go(func() { killLsbinit(dir, prog, rand.New(rand.NewPCG(killSeed, 1)), done) })
		runConcurrently(dir, cmds, delays)
		close(done)
		wg.Wait()

		if r := run(dir, with(cmd, "stop")...); r.code != 0 {
			t.Fatalf("trial %d: stop after the chaos: %s", trial, r)
		}
		if got := scripttest.Daemons(dir); len(got) != 0 {
			t.Fatalf("trial %d: daemons %v alive after stop\n%s", trial, got, chaosEvidence(dir, got))
		}
		for _, f := range []string{"svc.pid", "svc.pid.lsbinit", "svc.pid.lsbinit.lock"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				t.Fatalf("trial %d: %s left after stop", trial, f)
			}
		}
		checkConsistent(t, dir, cmd, "after stop")
		if r := run(dir, with(cmd, "start")...); r.code != 0 {
			t.Fatalf("trial %d: start after the chaos: %s", trial, r)
		}
		checkConsistent(t, dir, cmd, "after start")
		checkOneDaemon(t, dir, "after start")
	}
	stopAndCheck(t, dir, cmd)
}

// killLsbinit SIGKILLs a random process running prog whose command line
// mentions dir, every 20-120 ms, until done. Daemons are spared: they run
// the daemon body (see runsDaemonBody), or another program.
func killLsbinit(dir, prog string, rnd *rand.Rand, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-time.After(time.Duration(20+rnd.IntN(100)) * time.Millisecond):
		}
		var victims []int
		for _, pid := range scripttest.AllPids() {
			args := scripttest.NulList(pid, "cmdline")
			if len(args) > 0 && strings.HasPrefix(filepath.Base(args[0]), prog) && scripttest.Mentions(args, dir) && !scripttest.RunsDaemonBody(pid) {
				victims = append(victims, pid)
			}
		}
		if len(victims) > 0 {
			unix.Kill(victims[rnd.IntN(len(victims))], unix.SIGKILL)
		}
	}
}

// chaosEvidence describes what is left for a failure message: the
// service's files and the leftover daemons' parents.
func chaosEvidence(dir string, pids []int) string {
	var b strings.Builder
	for _, f := range []string{"svc.pid", "svc.pid.lsbinit"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		fmt.Fprintf(&b, "%s: %q %v\n", f, data, err)
	}
	for _, pid := range pids {
		fmt.Fprintf(&b, "pid %d: parent %d, state %s\n", pid, scripttest.ParentOf(pid), scripttest.ProcState(pid))
	}
	if log, err := os.ReadFile(filepath.Join(dir, "svc.log")); err == nil {
		lines := strings.Split(strings.TrimSpace(string(log)), "\n")
		fmt.Fprintf(&b, "log tail:\n%s\n", strings.Join(lines[max(0, len(lines)-15):], "\n"))
	}
	return b.String()
}
