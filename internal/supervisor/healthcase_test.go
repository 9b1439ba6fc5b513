package supervisor

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Whole supervisors running HEALTH_CMD, through the reaper (see
// supervisor_test.go for how the cases run).

// TestSupervisorHealthRestart: with RESPAWN, a daemon that fails
// HEALTH_RETRIES checks in a row is stopped and started again as a
// respawn, its health pending; the log says why.
func TestSupervisorHealthRestart(t *testing.T) { runCase(t, "health-restart", 0) }

func caseHealthRestart(dir string) int {
	s := service(dir, "sleep 30")
	s.HealthCommand = []string{"/bin/sh", "-c", "echo not serving; exit 1"}
	s.HealthInterval, s.HealthRetries, s.Respawn = 50*time.Millisecond, 2, spec.RespawnOnFailure
	sv, ok := started(s)
	if !ok {
		return 90
	}
	first := sv.DaemonPID()
	if st := sidecar(s); st.Health != spec.HealthPending {
		fmt.Printf("after start: health %q, want pending\n", st.Health)
		return 91
	}
	go func() {
		awaitSidecar(s, func(st *runstate.State) bool {
			return st.Respawns >= 1 && st.Daemon != first && st.Phase == runstate.Ready
		})
		sv.sigs <- unix.SIGTERM
	}()
	if code := sv.Loop(); code != 0 {
		fmt.Println("Loop returned", code)
		return 92
	}
	log, _ := os.ReadFile(s.LogFile)
	want := fmt.Sprintf("lsbinit: svc (pid %d) failed 2 health checks in a row; restarting (last: exited with status 1: not serving)", first)
	if !strings.Contains(string(log), want) {
		fmt.Printf("the log does not say %q:\n%s", want, log)
		return 93
	}
	return 0
}

// TestSupervisorHealthStop: a check that overruns HEALTH_TIMEOUT fails,
// its process group killed; a stop that begins while a check runs kills
// it too. Nothing of either is left.
func TestSupervisorHealthStop(t *testing.T) { runCase(t, "health-stop", 0) }

func caseHealthStop(dir string) int {
	s := service(dir, "sleep 30")
	// Each check records its PID and its child's, then hangs.
	s.HealthCommand = []string{"/bin/sh", "-c", `sleep 30 & echo $$ $! >> checks; wait`}
	s.HealthInterval, s.HealthTimeout, s.HealthRetries = 50*time.Millisecond, 300*time.Millisecond, 1
	s.Dir = dir
	sv, ok := started(s)
	if !ok {
		return 90
	}
	go func() {
		st := awaitSidecar(s, func(st *runstate.State) bool { return st.Health == spec.HealthUnhealthy })
		if st.HealthOutput != "timed out after 300ms" || st.HealthFails != 1 {
			fmt.Printf("after the timeout: %q, %d in a row\n", st.HealthOutput, st.HealthFails)
			os.Exit(91)
		}
		awaitSidecar(s, func(*runstate.State) bool { return len(checkPIDs(dir)) >= 4 }) // a second check runs
		sv.sigs <- unix.SIGTERM
	}()
	if code := sv.Loop(); code != 0 {
		fmt.Println("Loop returned", code)
		return 92
	}
	for _, pid := range checkPIDs(dir) {
		if proc.Alive(pid) {
			fmt.Printf("pid %d of a check is alive (state %q)\n", pid, proc.State(pid))
			return 93
		}
	}
	if kids := children(); len(kids) > 0 {
		fmt.Println("children left:", kids)
		return 94
	}
	return 0
}

// checkPIDs reads the PIDs the checks of caseHealthStop recorded.
func checkPIDs(dir string) []int {
	data, _ := os.ReadFile(filepath.Join(dir, "checks"))
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
