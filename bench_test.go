package main

// BenchmarkStopLatency: how soon `stop` returns, in start+stop cycles of
// a service run by the binaries TestMain built (see main_test.go: lsbinit
// and lsbdaemon with -race, the plain testdaemon), for the generic runtime
// and for library mode, with a daemon that exits at once on SIGTERM and
// one that takes 50ms. Each iteration is one cycle: start, wait until the
// daemon is ready (it creates a file), stop; ns/op is the whole cycle
// (start includes READY=exec's 200ms proof of life). The metrics are the
// wall-clock time of the stop command, process start-up included:
// stop-ms (median) and stop-p90-ms. The race detector makes lsbinit
// slower to start than a release build; bench/compare.sh measures release
// builds against start-stop-daemon.
//
//	go test -run '^$' -bench StopLatency -benchtime 20x .
//
// Nothing here asserts a duration: a benchmark reports, the tests judge.

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/scripttest"
)

func BenchmarkStopLatency(b *testing.B) {
	for _, mode := range []string{"generic", "library"} {
		for _, delay := range []time.Duration{0, 50 * time.Millisecond} {
			b.Run(fmt.Sprintf("%s/term-delay=%v", mode, delay), func(b *testing.B) {
				benchStopLatency(b, mode, delay)
			})
		}
	}
}

func benchStopLatency(b *testing.B, mode string, delay time.Duration) {
	dir := b.TempDir()
	b.Cleanup(func() { scripttest.KillMentioning(dir) }) // runs before TempDir's removal
	ready := filepath.Join(dir, "ready")
	daemonArgs := fmt.Sprintf("-tag %s -touch %s -term-delay %v", dir, ready, delay)

	// action returns the command line for action, quietly.
	var action func(string) []string
	switch mode {
	case "generic":
		conf := filepath.Join(dir, "svc.conf")
		content := fmt.Sprintf("DAEMON=%s\nDAEMON_ARGS=%q\nPIDFILE=%s\nLOGFILE=%s\n",
			filepath.Join(scripttest.BinDir, "testdaemon"), daemonArgs,
			filepath.Join(dir, "svc.pid"), filepath.Join(dir, "svc.log"))
		if err := os.WriteFile(conf, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
		action = func(a string) []string { return []string{"lsbinit", "-q", "-c", conf, a} }
	case "library":
		action = func(a string) []string {
			return []string{"lsbdaemon", "-name", "svc", "-tag", dir, "-touch", ready,
				"-term-delay", delay.String(), "-pidfile", filepath.Join(dir, "svc.pid"),
				"-logfile", filepath.Join(dir, "svc.log"), a, "-q"}
		}
	}

	var stops []time.Duration
	for b.Loop() {
		os.Remove(ready)
		if r := run(dir, action("start")...); r.code != 0 || r.err != nil {
			b.Fatalf("start: %s", r)
		}
		if err := benchWaitFile(ready, 10*time.Second); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		r := run(dir, action("stop")...)
		stops = append(stops, time.Since(t0))
		if r.code != 0 || r.err != nil {
			b.Fatalf("stop: %s", r)
		}
	}
	slices.Sort(stops)
	b.ReportMetric(benchMs(benchQuantile(stops, 0.5)), "stop-ms")
	b.ReportMetric(benchMs(benchQuantile(stops, 0.9)), "stop-p90-ms")
}

// benchWaitFile polls until name exists, for at most limit.
func benchWaitFile(name string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if _, err := os.Stat(name); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not appear within %v", name, limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// benchQuantile returns the q-quantile (nearest rank) of the sorted
// durations; for 0.5 with an even count, the mean of the middle two.
func benchQuantile(sorted []time.Duration, q float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if q == 0.5 && n%2 == 0 {
		return (sorted[n/2-1] + sorted[n/2]) / 2
	}
	rank := int(math.Ceil(q*float64(n) - 1e-9)) // 0.9*20 is 18, not 18.000000000000004
	return sorted[min(max(rank, 1), n)-1]
}

func benchMs(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
